//! The work log (工作日志): visits and calls to households — on site, on a trip to
//! another province, or by phone — with the household's attitude and the next step.

use super::{Scope, VISITS, corrupt, day_text, households, parse_day, wall};
use crate::audit;
use crate::db::Conn;
use crate::db::{Db, Tx};
use crate::error::{Refusal, StoreError, StoreResult};
use crate::query;
use crate::sql::{Bind, Where};
use chrono::NaiveDate;
use domain::platform::time::today_local;
use domain::relocation::{Attitude, VisitMode};
use serde::Serialize;

/// One visit or call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Visit {
    /// Database id.
    pub id: i64,
    /// The household.
    pub household_id: i64,
    /// Its code, for project-wide lists.
    pub household_code: String,
    /// The day.
    pub visited_on: NaiveDate,
    /// How.
    pub mode: VisitMode,
    /// Where (an address, a city in another province).
    pub place: String,
    /// Who went or called.
    pub visitors: String,
    /// How the household stood.
    pub attitude: Attitude,
    /// What was said.
    pub notes: String,
    /// What happens next.
    pub next_step: String,
    /// Who recorded it.
    pub recorded_by: String,
}

/// What a form says about a visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitFields {
    /// The day.
    pub visited_on: NaiveDate,
    /// How.
    pub mode: VisitMode,
    /// Where.
    pub place: String,
    /// Who.
    pub visitors: String,
    /// Attitude.
    pub attitude: Attitude,
    /// Notes.
    pub notes: String,
    /// Next step.
    pub next_step: String,
}

type Row = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

fn from_row(r: Row) -> StoreResult<Visit> {
    let (id, household_id, code, on, mode, place, visitors, attitude, notes, next_step, by) = r;
    Ok(Visit {
        visited_on: parse_day(Some(&on), "走访日期")?.ok_or(StoreError::NotFound)?,
        mode: VisitMode::parse(&mode).ok_or_else(|| corrupt("走访方式", &mode))?,
        attitude: Attitude::parse(&attitude).ok_or_else(|| corrupt("态度", &attitude))?,
        id,
        household_id,
        household_code: code,
        place,
        visitors,
        notes,
        next_step,
        recorded_by: by,
    })
}

const SELECT: &str = "SELECT v.id, v.household_id, h.code, v.visited_on, v.mode, v.place, \
    v.visitors, v.attitude, v.notes, v.next_step, v.recorded_by \
    FROM relocation_visits v JOIN relocation_households h ON h.id = v.household_id";

/// Logs a visit to a household in the scope; returns its id.
pub async fn add(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    household_id: i64,
    f: &VisitFields,
) -> StoreResult<i64> {
    let h = households::get(&mut *tx, scope, household_id).await?;
    if f.visited_on > today_local() {
        return Err(StoreError::from(Refusal::VisitInFuture));
    }
    if f.visitors.trim().is_empty() {
        return Err(StoreError::from(Refusal::VisitorsMissing));
    }
    let id = audit::insert(
        tx,
        actor,
        &VISITS,
        "INSERT INTO relocation_visits (project_id, household_id, visited_on, mode, place, visitors,
         attitude, notes, next_step, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        &[
            h.project_id.into(),
            h.id.into(),
            Bind::from(day_text(f.visited_on)),
            f.mode.code().into(),
            f.place.trim().into(),
            f.visitors.trim().into(),
            f.attitude.code().into(),
            f.notes.trim().into(),
            f.next_step.trim().into(),
            actor.into(),
            Bind::from(crate::now_text()),
        ],
    )
    .await?;
    wall::add_daily(tx, h.project_id, wall::VISIT_EVENT, f.visited_on, 1).await?;
    Ok(id)
}

/// The visits to a household, newest first.
pub async fn of_household(conn: impl Into<Conn<'_>>, household_id: i64) -> StoreResult<Vec<Visit>> {
    let sql = format!("{SELECT} WHERE v.household_id = $1 ORDER BY v.visited_on DESC, v.id DESC");
    query::rows(conn, &sql, &[Bind::Int(household_id)], from_row).await
}

/// Filters of a project's log; unset filters do not restrict.
#[derive(Debug, Clone, Default)]
pub struct VisitFilter {
    /// Part of the household's code or head's name, of who went, or of what was said.
    pub q: Option<String>,
    /// How.
    pub mode: Option<VisitMode>,
    /// How the household stood.
    pub attitude: Option<Attitude>,
    /// From this day.
    pub from: Option<NaiveDate>,
    /// Up to this day.
    pub to: Option<NaiveDate>,
}

/// A page of a project's log that `f` matches, newest first, limited to the households in
/// the scope, and how many match.
pub async fn of_project(
    db: &Db,
    scope: &Scope,
    project_id: i64,
    f: &VisitFilter,
    (limit, offset): (i64, i64),
) -> StoreResult<(Vec<Visit>, i64)> {
    let mut w = Where::default();
    w.push_with("v.project_id = ?", vec![project_id.into()]);
    w.push_some("h.team_id = ?", scope.team());
    w.push_some("v.mode = ?", f.mode.map(VisitMode::code));
    w.push_some("v.attitude = ?", f.attitude.map(Attitude::code));
    w.push_some("v.visited_on >= ?", f.from.map(day_text));
    w.push_some("v.visited_on <= ?", f.to.map(day_text));
    w.push_search(
        "(h.code LIKE ? ESCAPE '\\' OR h.head_name LIKE ? ESCAPE '\\' \
         OR v.visitors LIKE ? ESCAPE '\\' OR v.notes LIKE ? ESCAPE '\\')",
        f.q.as_deref(),
    );
    let count = "SELECT COUNT(*) FROM relocation_visits v \
        JOIN relocation_households h ON h.id = v.household_id";
    query::page(
        db,
        (SELECT, count),
        &w,
        "v.visited_on DESC, v.id DESC",
        (limit, offset),
        from_row,
    )
    .await
}
