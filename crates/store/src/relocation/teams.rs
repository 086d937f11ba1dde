//! The four working groups of a project (综合政策组, 评估组, 确权组, 征收组) and the named
//! persons in them, linked to user accounts where the person has one.

use super::{PERSONS, TEAMS, corrupt};
use crate::audit;
use crate::db::{Conn, Db, Tx};
use crate::error::{Refusal, StoreError, StoreResult};
use crate::on_pool;
use crate::query;
use crate::sql::Bind;
use domain::relocation::TeamKind;
use serde::Serialize;

/// A working group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Team {
    /// Database id; relocation_staff accounts are scoped by it.
    pub id: i64,
    /// The project.
    pub project_id: i64,
    /// Which of the four groups.
    pub kind: TeamKind,
    /// Its name, normally the kind's label.
    pub name: String,
    /// Who leads it.
    pub leader: String,
}

/// A person in a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    /// Database id.
    pub id: i64,
    /// The group.
    pub team_id: i64,
    /// Name, as on the task table and the leaderboard.
    pub name: String,
    /// Phone, for the task table.
    pub mobile: Option<String>,
    /// The person's user account, if they have one.
    pub user_id: Option<i64>,
}

/// Creates one group of a project, named after its kind; returns its id.
pub async fn create_group(
    tx: &mut Tx,
    actor: &str,
    project_id: i64,
    kind: TeamKind,
) -> StoreResult<i64> {
    let id = audit::insert(
        tx,
        actor,
        &TEAMS,
        "INSERT INTO relocation_teams (project_id, kind, name, leader) VALUES ($1, $2, $3, '')
             RETURNING id",
        &[project_id.into(), kind.code().into(), kind.label().into()],
    )
    .await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct TeamRow {
    id: i64,
    project_id: i64,
    kind: String,
    name: String,
    leader: String,
}

impl TeamRow {
    fn into_team(self) -> StoreResult<Team> {
        Ok(Team {
            kind: TeamKind::parse(&self.kind).ok_or_else(|| corrupt("工作组类型", &self.kind))?,
            id: self.id,
            project_id: self.project_id,
            name: self.name,
            leader: self.leader,
        })
    }
}

/// The groups of a project, in the order of [`TeamKind::ALL`].
pub async fn groups(conn: impl Into<Conn<'_>>, project_id: i64) -> StoreResult<Vec<Team>> {
    let mut teams = query::rows(
        conn,
        "SELECT id, project_id, kind, name, leader FROM relocation_teams WHERE project_id = $1",
        &[Bind::Int(project_id)],
        TeamRow::into_team,
    )
    .await?;
    teams.sort_by_key(|t| t.kind);
    Ok(teams)
}

/// The group of `kind` in a project.
pub async fn group_of_kind(tx: &mut Tx, project_id: i64, kind: TeamKind) -> StoreResult<i64> {
    let id: Option<i64> = query::value(
        &mut *tx,
        "SELECT id FROM relocation_teams WHERE project_id = $1 AND kind = $2",
        &[Bind::Int(project_id), Bind::Text(kind.code().to_string())],
    )
    .await?;
    id.ok_or(StoreError::NotFound)
}

/// Sets who leads a group.
pub async fn set_leader(tx: &mut Tx, actor: &str, team_id: i64, leader: &str) -> StoreResult<()> {
    let change = audit::Change::begin(tx, &TEAMS, team_id).await?;
    if !change.exists() {
        return Err(StoreError::NotFound);
    }
    query::execute(
        &mut *tx,
        "UPDATE relocation_teams SET leader = $1 WHERE id = $2",
        &[leader.trim().into(), team_id.into()],
    )
    .await?;
    change.finish(tx, actor, "update").await
}

/// Adds a person to a group; `username` links them to an existing user account. Returns
/// the new person's id.
pub async fn add_person(
    tx: &mut Tx,
    actor: &str,
    team_id: i64,
    name: &str,
    mobile: Option<&str>,
    username: Option<&str>,
) -> StoreResult<i64> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 30 {
        return Err(StoreError::from(Refusal::PersonNameInvalid));
    }
    let user_id: Option<i64> = match username.map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => {
            let id: Option<i64> = query::value(
                &mut *tx,
                "SELECT id FROM users WHERE username = $1",
                &[Bind::Text(u.to_string())],
            )
            .await?;
            Some(id.ok_or_else(|| Refusal::UnknownUser(u.to_string()))?)
        }
        None => None,
    };
    let exists: Option<i64> = query::value(
        &mut *tx,
        "SELECT id FROM relocation_persons WHERE team_id = $1 AND name = $2",
        &[Bind::Int(team_id), Bind::Text(name.to_string())],
    )
    .await?;
    if exists.is_some() {
        return Err(StoreError::Conflict(format!("本组已有同名人员：{name}")));
    }
    let id = audit::insert(
        tx,
        actor,
        &PERSONS,
        "INSERT INTO relocation_persons (team_id, name, mobile, user_id, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        &[
            team_id.into(),
            name.into(),
            Bind::from(mobile.map(str::trim).filter(|m| !m.is_empty())),
            user_id.into(),
            Bind::from(crate::now_text()),
        ],
    )
    .await?;
    Ok(id)
}

/// The persons of a project's groups, by group then name.
pub async fn persons(db: &Db, project_id: i64) -> StoreResult<Vec<Person>> {
    type Row = (i64, i64, String, Option<String>, Option<i64>);
    let rows: Vec<Row> = on_pool!(db, |p| {
        sqlx::query_as(
            "SELECT ps.id, ps.team_id, ps.name, ps.mobile, ps.user_id
             FROM relocation_persons ps JOIN relocation_teams t ON t.id = ps.team_id
             WHERE t.project_id = $1 ORDER BY ps.team_id, ps.id",
        )
        .bind(project_id)
        .fetch_all(p)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|(id, team_id, name, mobile, user_id)| Person {
            id,
            team_id,
            name,
            mobile,
            user_id,
        })
        .collect())
}

/// The project of a group and, when given, checks that the person belongs to that group,
/// so a household can never be assigned to a person of another group or project.
pub async fn check_assignment(
    tx: &mut Tx,
    project_id: i64,
    team_id: Option<i64>,
    person_id: Option<i64>,
) -> StoreResult<()> {
    let Some(team_id) = team_id else {
        if person_id.is_some() {
            return Err(StoreError::from(Refusal::PersonWithoutGroup));
        }
        return Ok(());
    };
    let team_project: Option<i64> = query::value(
        &mut *tx,
        "SELECT project_id FROM relocation_teams WHERE id = $1",
        &[Bind::Int(team_id)],
    )
    .await?;
    if team_project != Some(project_id) {
        return Err(StoreError::from(Refusal::GroupOfOtherProject));
    }
    if let Some(person_id) = person_id {
        let person_team: Option<i64> = query::value(
            &mut *tx,
            "SELECT team_id FROM relocation_persons WHERE id = $1",
            &[Bind::Int(person_id)],
        )
        .await?;
        if person_team != Some(team_id) {
            return Err(StoreError::from(Refusal::PersonOutsideGroup));
        }
    }
    Ok(())
}
