//! The discipline register (纪律监督台账): petition incidents (上访) and misconduct findings
//! (违规违纪) of the viewer's projects, a year at a time, with the year's counts.

use super::scope;
use crate::error::AppError;
use crate::form::{self, Form};
use crate::pages::{Asked, Chrome, given, render};
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, Response};
use chrono::{Datelike, NaiveDate};
use domain::platform::time::today_local;
use domain::relocation::IncidentKind;
use serde::Deserialize;
use store::relocation::incidents::{self, Incident, NewIncident};
use store::relocation::projects::{self, Project, ProjectFilter};

/// The year shown.
#[derive(Deserialize, Default)]
pub struct YearQuery {
    year: Option<i32>,
}

#[derive(Template)]
#[template(path = "relocation/incidents.html")]
struct RegisterPage {
    chrome: Chrome,
    year: i32,
    entries: Vec<Incident>,
    petitions: usize,
    misconduct: usize,
    projects: Vec<Project>,
    kinds: &'static [IncidentKind],
    today: String,
    may_command: bool,
}

/// The register of a year (this year by default).
pub async fn list(
    Asked { state, viewer }: Asked,
    Query(q): Query<YearQuery>,
) -> Result<Html<String>, AppError> {
    let scope = scope(&state, &viewer).await?;
    let today = today_local();
    let year = q.year.unwrap_or(today.year());
    let entries = incidents::list(&state.db, &scope, Some(year)).await?;
    let count = |k: IncidentKind| entries.iter().filter(|e| e.kind == k).count();
    render(&RegisterPage {
        chrome: Chrome::new(format!("{year}年纪律监督台账"), &viewer),
        petitions: count(IncidentKind::Petition),
        misconduct: count(IncidentKind::Misconduct),
        projects: projects::list(&state.db, &scope, &ProjectFilter::default()).await?,
        kinds: IncidentKind::ALL,
        today: today.to_string(),
        may_command: super::may_command(&viewer),
        entries,
        year,
    })
}

/// An entry to register.
#[derive(Deserialize)]
pub struct IncidentForm {
    #[serde(default)]
    project: String,
    #[serde(default, deserialize_with = "form::parsed")]
    kind: Option<IncidentKind>,
    #[serde(default, deserialize_with = "form::date")]
    occurred_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "form::text")]
    description: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    outcome: Option<String>,
}

/// Registers an entry.
pub async fn create(Asked { state, viewer }: Asked, Form(f): Form<IncidentForm>) -> Response {
    let today = today_local();
    let back = format!("/relocation/incidents?year={}", today.year());
    super::change(&state, &viewer, &back, async |tx, actor, scope| {
        let p = projects::by_code(&mut *tx, scope, &f.project).await?;
        let n = NewIncident {
            kind: given(&f.kind, "请选择类别")?,
            occurred_on: given(&f.occurred_on, "请填写日期")?,
            description: f.description.clone().unwrap_or_default(),
            outcome: f.outcome.clone().unwrap_or_default(),
        };
        incidents::record(tx, actor, p.id, &n, today).await?;
        Ok(None)
    })
    .await
}
