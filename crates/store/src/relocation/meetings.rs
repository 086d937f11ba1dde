//! Nightly meetings (碰头会): who attended, which difficult cases were discussed, what
//! was decided, and the action items — each with an owner and a due date — followed
//! until done.

use super::{ACTIONS, MEETING_CASES, MEETINGS, Scope, day_text, households, parse_day};
use crate::audit;
use crate::db::Conn;
use crate::db::{Db, Tx};
use crate::error::{Refusal, StoreError, StoreResult};
use crate::query;
use crate::sql::Bind;
use crate::{on_pool, on_tx};
use chrono::NaiveDate;
use serde::Serialize;

/// A meeting with what it discussed and decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meeting {
    /// Database id.
    pub id: i64,
    /// The project.
    pub project_id: i64,
    /// The evening it was held.
    pub held_on: NaiveDate,
    /// Who attended.
    pub attendees: String,
    /// What was decided.
    pub decisions: String,
    /// Who recorded it.
    pub recorded_by: String,
    /// Difficult cases discussed: (household id, code, head name, discussion).
    pub cases: Vec<(i64, String, String, String)>,
    /// Action items decided.
    pub actions: Vec<Action>,
}

/// An action item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Action {
    /// Database id.
    pub id: i64,
    /// The meeting that decided it.
    pub meeting_id: i64,
    /// The household concerned, if any, with its code.
    pub household: Option<(i64, String)>,
    /// What to do.
    pub content: String,
    /// Who owns it (a person of the project's groups) and their group.
    pub owner: Option<(i64, String, i64)>,
    /// By when.
    pub due_on: NaiveDate,
    /// Done, when, by whom.
    pub done: Option<(NaiveDate, String)>,
}

/// A new action item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAction {
    /// What to do.
    pub content: String,
    /// Household concerned.
    pub household_id: Option<i64>,
    /// Owner (a person id).
    pub owner_person_id: Option<i64>,
    /// Due date.
    pub due_on: NaiveDate,
}

/// A new meeting record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeeting {
    /// The evening.
    pub held_on: NaiveDate,
    /// Attendees.
    pub attendees: String,
    /// Decisions.
    pub decisions: String,
    /// Cases discussed: household id and what was said.
    pub cases: Vec<(i64, String)>,
    /// Action items.
    pub actions: Vec<NewAction>,
}

/// Records a meeting of `project_id`; returns its id.
pub async fn create(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    project_id: i64,
    m: &NewMeeting,
) -> StoreResult<i64> {
    if m.attendees.trim().is_empty() {
        return Err(StoreError::from(Refusal::AttendeesMissing));
    }
    let id = audit::insert(
        tx,
        actor,
        &MEETINGS,
        "INSERT INTO relocation_meetings (project_id, held_on, attendees, decisions, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        &[
            project_id.into(),
            Bind::from(day_text(m.held_on)),
            m.attendees.trim().into(),
            m.decisions.trim().into(),
            actor.into(),
            Bind::from(crate::now_text()),
        ],
    )
    .await?;
    for (household_id, discussion) in &m.cases {
        let h = households::get(&mut *tx, scope, *household_id).await?;
        if h.project_id != project_id {
            return Err(StoreError::from(Refusal::CaseOfOtherProject));
        }
        let _case_id = audit::insert(
            tx,
            actor,
            &MEETING_CASES,
            "INSERT INTO relocation_meeting_cases (meeting_id, household_id, discussion)
             VALUES ($1, $2, $3) RETURNING id",
            &[id.into(), (*household_id).into(), discussion.trim().into()],
        )
        .await?;
    }
    for a in &m.actions {
        if a.content.trim().is_empty() {
            return Err(StoreError::from(Refusal::ActionContentMissing));
        }
        if let Some(hid) = a.household_id {
            households::get(&mut *tx, scope, hid).await?;
        }
        let _action_id = audit::insert(
            tx,
            actor,
            &ACTIONS,
            "INSERT INTO relocation_actions (meeting_id, project_id, household_id, content,
                 owner_person_id, due_on, done)
             VALUES ($1, $2, $3, $4, $5, $6, FALSE) RETURNING id",
            &[
                id.into(),
                project_id.into(),
                a.household_id.into(),
                a.content.trim().into(),
                a.owner_person_id.into(),
                Bind::from(day_text(a.due_on)),
            ],
        )
        .await?;
    }
    Ok(id)
}

/// A discussed case: household id, code, head name, discussion.
type CaseRow = (i64, String, String, String);

type ActionRow = (
    i64,
    i64,
    Option<i64>,
    Option<String>,
    String,
    Option<i64>,
    Option<String>,
    Option<i64>,
    String,
    bool,
    Option<String>,
    Option<String>,
);

const ACTION_SELECT: &str = "SELECT a.id, a.meeting_id, a.household_id, h.code, a.content, \
    a.owner_person_id, ps.name, ps.team_id, a.due_on, a.done, a.done_on, a.done_by \
    FROM relocation_actions a LEFT JOIN relocation_households h ON h.id = a.household_id \
    LEFT JOIN relocation_persons ps ON ps.id = a.owner_person_id";

fn action(r: ActionRow) -> StoreResult<Action> {
    let (id, meeting_id, hid, code, content, owner, name, team, due, done, done_on, done_by) = r;
    let done_on = parse_day(done_on.as_deref(), "完成日期")?;
    Ok(Action {
        id,
        meeting_id,
        household: hid.zip(code),
        content,
        owner: match (owner, name, team) {
            (Some(o), Some(n), Some(t)) => Some((o, n, t)),
            _ => None,
        },
        due_on: parse_day(Some(&due), "期限")?.ok_or(StoreError::NotFound)?,
        done: if done {
            done_on.map(|d| (d, done_by.unwrap_or_default()))
        } else {
            None
        },
    })
}

/// A project's meetings, newest first, without their details.
pub async fn list(db: &Db, project_id: i64) -> StoreResult<Vec<Meeting>> {
    let rows: Vec<(i64, String, String, String, String)> = on_pool!(db, |p| sqlx::query_as(
        "SELECT id, held_on, attendees, decisions, recorded_by FROM relocation_meetings
         WHERE project_id = $1 ORDER BY held_on DESC, id DESC"
    )
    .bind(project_id)
    .fetch_all(p)
    .await?);
    rows.into_iter()
        .map(|(id, held_on, attendees, decisions, recorded_by)| {
            Ok(Meeting {
                id,
                project_id,
                held_on: parse_day(Some(&held_on), "会议日期")?.ok_or(StoreError::NotFound)?,
                attendees,
                decisions,
                recorded_by,
                cases: Vec::new(),
                actions: Vec::new(),
            })
        })
        .collect()
}

/// One meeting of a project with its cases and action items.
pub async fn get(db: &Db, project_id: i64, id: i64) -> StoreResult<Meeting> {
    let mut meeting = list(db, project_id)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(StoreError::NotFound)?;
    let action_sql = format!("{ACTION_SELECT} WHERE a.meeting_id = $1 ORDER BY a.due_on, a.id");
    let (cases, actions): (Vec<CaseRow>, Vec<ActionRow>) = on_pool!(db, |p| {
        let cases = sqlx::query_as(
            "SELECT h.id, h.code, h.head_name, mc.discussion FROM relocation_meeting_cases mc
             JOIN relocation_households h ON h.id = mc.household_id WHERE mc.meeting_id = $1 ORDER BY mc.id",
        )
        .bind(id)
        .fetch_all(p)
        .await?;
        let actions = sqlx::query_as(crate::dynamic(&action_sql))
            .bind(id)
            .fetch_all(p)
            .await?;
        (cases, actions)
    });
    meeting.cases = cases;
    meeting.actions = actions
        .into_iter()
        .map(action)
        .collect::<StoreResult<_>>()?;
    Ok(meeting)
}

/// A project's action items not yet done, earliest due first.
pub async fn open_actions(conn: impl Into<Conn<'_>>, project_id: i64) -> StoreResult<Vec<Action>> {
    let sql = format!(
        "{ACTION_SELECT} WHERE a.project_id = $1 AND a.done = FALSE ORDER BY a.due_on, a.id"
    );
    query::rows(conn, &sql, &[Bind::Int(project_id)], action).await
}

/// Marks an action item done. Staff may close only items owned by a person of their
/// group; commanders any item of their town's projects.
pub async fn complete(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    action_id: i64,
    on: NaiveDate,
) -> StoreResult<i64> {
    let row: Option<(i64, String, Option<i64>, bool)> = on_tx!(tx, |c| sqlx::query_as(
        "SELECT a.project_id, p.town, ps.team_id, a.done FROM relocation_actions a
         JOIN relocation_projects p ON p.id = a.project_id
         LEFT JOIN relocation_persons ps ON ps.id = a.owner_person_id WHERE a.id = $1"
    )
    .bind(action_id)
    .fetch_optional(&mut *c)
    .await?);
    let Some((project_id, town, owner_team, done)) = row else {
        return Err(StoreError::NotFound);
    };
    if !scope.sees_household(&town, owner_team) {
        return Err(StoreError::NotFound);
    }
    if done {
        return Err(StoreError::from(Refusal::ActionAlreadyDone));
    }
    let change = audit::Change::begin(tx, &ACTIONS, action_id).await?;
    query::execute(
        &mut *tx,
        "UPDATE relocation_actions SET done = TRUE, done_on = $1, done_by = $2 WHERE id = $3",
        &[Bind::from(day_text(on)), actor.into(), action_id.into()],
    )
    .await?;
    change.finish(tx, actor, "complete").await?;
    Ok(project_id)
}
