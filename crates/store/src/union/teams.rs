//! Teams and associations (劳模工匠协会, 宣讲团, 志愿服务队): their members, taken from the
//! registry, and the activities they ran (an activity names its team).
//!
//! A team of a township is that township's; a city-wide team (no township) is seen by all
//! readers and changed by the city only.

use super::Scope;
use super::codes::{self, from_code};
use super::services::visible_row;
use crate::audit::{self, AuditedTable};
use crate::db::{Conn, Db, Tx};
use crate::error::{StoreError, StoreResult};
use crate::query;
use crate::sql::Bind;
use chrono::NaiveDate;
use domain::union::organising::TeamKind;
use domain::union::township::Township;

/// The teams table as audited.
pub const TEAMS: AuditedTable = AuditedTable {
    entity: "union_team",
    table: "union_teams",
    secret_columns: &[],
};

/// The team members table as audited.
pub const TEAM_MEMBERS: AuditedTable = AuditedTable {
    entity: "union_team_member",
    table: "union_team_members",
    secret_columns: &[],
};

/// A team with its counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    /// Database id.
    pub id: i64,
    /// Name (unique).
    pub name: String,
    /// Kind.
    pub kind: TeamKind,
    /// Township, none for a city-wide team.
    pub township: Option<Township>,
    /// Members.
    pub members: i64,
    /// Activities it ran.
    pub activities: i64,
}

#[derive(sqlx::FromRow)]
struct TeamRow {
    id: i64,
    name: String,
    kind: String,
    township: Option<String>,
    members: i64,
    activities: i64,
}

impl TeamRow {
    fn into_team(self) -> StoreResult<Team> {
        Ok(Team {
            id: self.id,
            kind: from_code(TeamKind::ALL, TeamKind::code, &self.kind)?,
            township: self.township.as_deref().map(codes::township).transpose()?,
            name: self.name,
            members: self.members,
            activities: self.activities,
        })
    }
}

const SELECT: &str = "SELECT t.id, t.name, t.kind, t.township,
    (SELECT COUNT(*) FROM union_team_members tm WHERE tm.team_id = t.id) AS members,
    (SELECT COUNT(*) FROM union_activities a WHERE a.team_id = t.id) AS activities
    FROM union_teams t";

/// What the form gives for a team.
#[derive(Debug, Clone)]
pub struct TeamInput {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: TeamKind,
    /// Township, none for a city-wide team.
    pub township: Option<Township>,
}

/// The teams a reader may see (township staff: theirs and the city's), by name.
pub async fn list(db: &Db, scope: Scope) -> StoreResult<Vec<Team>> {
    let (clause, binds): (&str, Vec<Bind>) = match scope.township_code() {
        Some(code) => (
            " WHERE t.township IS NULL OR t.township = $1",
            vec![code.into()],
        ),
        None => ("", vec![]),
    };
    let sql = format!("{SELECT}{clause} ORDER BY t.name, t.id");
    query::rows(db, &sql, &binds, TeamRow::into_team).await
}

/// One team a reader may see; not found otherwise.
pub async fn get(conn: impl Into<Conn<'_>>, scope: Scope, id: i64) -> StoreResult<Team> {
    let sql = format!("{SELECT} WHERE t.id = $1");
    visible_row(conn, scope, &sql, id, TeamRow::into_team, |t: &Team| {
        t.township
    })
    .await
}

/// One team the caller may change (township staff: only their township's).
pub async fn get_for_change(tx: &mut Tx, scope: Scope, id: i64) -> StoreResult<Team> {
    let t = get(&mut *tx, scope, id).await?;
    if !scope.allows_code(t.township.map(Township::code)) {
        return Err(StoreError::NotFound);
    }
    Ok(t)
}

/// Registers a team (audited); township staff only in their township; names are unique.
pub async fn create(tx: &mut Tx, actor: &str, scope: Scope, t: &TeamInput) -> StoreResult<i64> {
    if !scope.allows_code(t.township.map(Township::code)) {
        return Err(StoreError::Conflict(
            "只能登记本乡镇（街道）的队伍，全市性队伍由市总工会登记".into(),
        ));
    }
    let taken: Option<i64> = query::value(
        &mut *tx,
        "SELECT id FROM union_teams WHERE name = $1",
        &[Bind::from(&t.name)],
    )
    .await?;
    if taken.is_some() {
        return Err(StoreError::Conflict(format!("队伍名称已存在：{}", t.name)));
    }
    let now = crate::now_text();
    audit::insert(
        tx,
        actor,
        &TEAMS,
        "INSERT INTO union_teams (name, kind, township, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
        &[
            Bind::from(&t.name),
            t.kind.code().into(),
            t.township.map(Township::code).into(),
            now.into(),
        ],
    )
    .await
}

/// Adds member `member_id` to team `team_id` (audited); a member is in a team once.
/// The caller found both in its scope.
pub async fn add_member(
    tx: &mut Tx,
    actor: &str,
    team_id: i64,
    member_id: i64,
    on: NaiveDate,
) -> StoreResult<i64> {
    let already: Option<i64> = query::value(
        &mut *tx,
        "SELECT id FROM union_team_members WHERE team_id = $1 AND member_id = $2",
        &[team_id.into(), member_id.into()],
    )
    .await?;
    if already.is_some() {
        return Err(StoreError::Conflict("该会员已是本队伍成员".into()));
    }
    audit::insert(
        tx,
        actor,
        &TEAM_MEMBERS,
        "INSERT INTO union_team_members (team_id, member_id, joined_on) VALUES ($1, $2, $3) RETURNING id",
        &[team_id.into(), member_id.into(), codes::date_text(on).into()],
    )
    .await
}

/// One member of a team as its page lists them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TeamMember {
    /// The member.
    pub member_id: i64,
    /// Name.
    pub name: String,
    /// Their union.
    pub union_name: String,
    /// Day they joined the team.
    pub joined_on: String,
}

/// A team's members, by name.
pub async fn members(db: &Db, team_id: i64) -> StoreResult<Vec<TeamMember>> {
    query::rows(
        db,
        "SELECT tm.member_id, m.name, u.name AS union_name, tm.joined_on
         FROM union_team_members tm JOIN members m ON m.id = tm.member_id
         JOIN unions u ON u.id = m.union_id WHERE tm.team_id = $1 ORDER BY m.name, m.id",
        &[team_id.into()],
        Ok,
    )
    .await
}

/// Every team's id, name and township code (read once per import).
pub async fn names(conn: impl Into<Conn<'_>>) -> StoreResult<Vec<(i64, String, Option<String>)>> {
    query::rows(
        conn,
        "SELECT id, name, township FROM union_teams ORDER BY id",
        &[],
        Ok,
    )
    .await
}
