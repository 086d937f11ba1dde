//! The discipline register (纪律监督台账): petition incidents (上访) and misconduct findings
//! (违规违纪), each with its day, project, what happened and the outcome. The yearbook
//! reports how many of each a year had ([`counts_for_year`]); an empty register is a
//! figure too ("no petition incident, no misconduct by officials").

use super::{INCIDENTS, Scope, corrupt, day_text, parse_day};
use crate::audit;
use crate::db::{Conn, Tx};
use crate::error::{StoreError, StoreResult};
use crate::query;
use chrono::NaiveDate;
use domain::relocation::IncidentKind;
use domain::relocation::grievance::GrievanceError;
use serde::Serialize;

/// An entry of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Incident {
    /// Database id.
    pub id: i64,
    /// The project.
    pub project_id: i64,
    /// The project's code.
    pub project_code: String,
    /// Petition or misconduct.
    pub kind: IncidentKind,
    /// The day it happened (or was found).
    pub occurred_on: NaiveDate,
    /// What happened.
    pub description: String,
    /// How it ended (may be empty while pending).
    pub outcome: String,
    /// Who registered it.
    pub recorded_by: String,
}

/// An entry to register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIncident {
    /// Petition or misconduct.
    pub kind: IncidentKind,
    /// The day.
    pub occurred_on: NaiveDate,
    /// What happened.
    pub description: String,
    /// The outcome.
    pub outcome: String,
}

/// A year's counts, as the yearbook reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct YearCounts {
    /// Petition incidents (上访).
    pub petitions: i64,
    /// Misconduct findings (违规违纪).
    pub misconduct_cases: i64,
}

/// Registers an entry for `project_id` (dated no later than `today`); returns its id.
pub async fn record(
    tx: &mut Tx,
    actor: &str,
    project_id: i64,
    n: &NewIncident,
    today: NaiveDate,
) -> StoreResult<i64> {
    if n.description.trim().is_empty() {
        return Err(GrievanceError::IncidentWhatMissing.into());
    }
    if n.description.chars().count() > 2000 || n.outcome.chars().count() > 2000 {
        return Err(GrievanceError::ContentTooLong.into());
    }
    if n.occurred_on > today {
        return Err(GrievanceError::DateInFuture.into());
    }
    audit::insert(
        tx,
        actor,
        &INCIDENTS,
        "INSERT INTO relocation_incidents (project_id, kind, occurred_on, description, outcome,
             recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        &[
            project_id.into(),
            n.kind.code().into(),
            day_text(n.occurred_on).into(),
            n.description.trim().into(),
            n.outcome.trim().into(),
            actor.into(),
            crate::now_text().into(),
        ],
    )
    .await
}

type IncidentRow = (i64, i64, String, String, String, String, String, String);

/// The register as the scope sees it (a year's entries, or all), newest first.
pub async fn list(
    conn: impl Into<Conn<'_>>,
    scope: &Scope,
    year: Option<i32>,
) -> StoreResult<Vec<Incident>> {
    let (from, to) = year.map(crate::year_bounds).unzip();
    let rows: Vec<IncidentRow> = query::rows(
        conn,
        "SELECT i.id, i.project_id, p.code, i.kind, i.occurred_on, i.description, i.outcome,
             i.recorded_by
         FROM relocation_incidents i JOIN relocation_projects p ON p.id = i.project_id
         WHERE ($1 IS NULL OR p.town = $1) AND ($2 IS NULL OR p.id = $2)
           AND ($3 IS NULL OR i.occurred_on >= $3) AND ($4 IS NULL OR i.occurred_on <= $4)
         ORDER BY i.occurred_on DESC, i.id DESC",
        &[
            scope.town().into(),
            scope.project().into(),
            from.into(),
            to.into(),
        ],
        Ok,
    )
    .await?;
    rows.into_iter()
        .map(
            |(id, project_id, code, kind, on, description, outcome, by)| {
                Ok(Incident {
                    id,
                    project_id,
                    project_code: code,
                    kind: IncidentKind::parse(&kind).ok_or_else(|| corrupt("台账类别", &kind))?,
                    occurred_on: parse_day(Some(&on), "发生日期")?.ok_or(StoreError::NotFound)?,
                    description,
                    outcome,
                    recorded_by: by,
                })
            },
        )
        .collect()
}

/// How many petition incidents and misconduct findings happened in `year` on the projects
/// the scope sees (the yearbook's figures: JSON keys `petitions`, `misconduct_cases`).
pub async fn counts_for_year(
    conn: impl Into<Conn<'_>>,
    scope: &Scope,
    year: i32,
) -> StoreResult<YearCounts> {
    let (from, to) = crate::year_bounds(year);
    let rows: Vec<(String, i64)> = query::rows(
        conn,
        "SELECT i.kind, COUNT(*) FROM relocation_incidents i
         JOIN relocation_projects p ON p.id = i.project_id
         WHERE i.occurred_on >= $1 AND i.occurred_on <= $2
           AND ($3 IS NULL OR p.town = $3) AND ($4 IS NULL OR p.id = $4)
         GROUP BY i.kind",
        &[
            from.into(),
            to.into(),
            scope.town().into(),
            scope.project().into(),
        ],
        Ok,
    )
    .await?;
    let mut counts = YearCounts::default();
    for (kind, n) in rows {
        match IncidentKind::parse(&kind).ok_or_else(|| corrupt("台账类别", &kind))? {
            IncidentKind::Petition => counts.petitions += n,
            IncidentKind::Misconduct => counts.misconduct_cases += n,
        }
    }
    Ok(counts)
}
