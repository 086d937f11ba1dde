//! The discipline register (纪律监督台账): petition incidents (上访) and misconduct findings
//! (违规违纪) of the viewer's projects, a year at a time, with the year's counts.

use super::scope;
use crate::error::AppError;
use crate::form::{self, Form};
use crate::pages::{Asked, Chrome, given, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, Response};
use chrono::{Datelike, NaiveDate};
use domain::platform::time::today_local;
use domain::relocation::IncidentKind;
use serde::Deserialize;
use store::relocation::incidents::{self, Incident, NewIncident};
use store::relocation::projects::{self, Project, ProjectFilter};

/// The year shown, and optionally one project and one kind.
#[derive(Deserialize, Default)]
pub struct RegisterQuery {
    year: Option<i32>,
    #[serde(default, deserialize_with = "form::text")]
    project: Option<String>,
    #[serde(default, deserialize_with = "form::parsed")]
    kind: Option<IncidentKind>,
}

impl RegisterQuery {
    /// Whether `e` is one the reader asked for (the year is asked of the store).
    fn shows(&self, e: &Incident) -> bool {
        self.project.as_ref().is_none_or(|p| *p == e.project_code)
            && self.kind.is_none_or(|k| k == e.kind)
    }

    /// The query string asking for the same entries (the export link).
    fn query_string(&self, year: i32) -> String {
        crate::pages::asked_query(&[
            ("year", Some(year.to_string().as_str())),
            ("project", self.project.as_deref()),
            ("kind", self.kind.map(IncidentKind::code)),
        ])
    }
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
    q: RegisterQuery,
    asked: String,
}

/// The year's entries the reader sees that `q` asks for, and the year.
async fn entries(
    state: &AppState,
    scope: &store::relocation::Scope,
    q: &RegisterQuery,
) -> Result<(Vec<Incident>, i32), AppError> {
    let year = q.year.unwrap_or(today_local().year());
    Ok((incidents::list(&state.db, scope, Some(year)).await?, year))
}

/// The register of a year (this year by default); the year's counts stand whatever the
/// project and kind shown.
pub async fn list(
    Asked { state, viewer }: Asked,
    Query(q): Query<RegisterQuery>,
) -> Result<Html<String>, AppError> {
    let scope = scope(&state, &viewer).await?;
    let (all, year) = entries(&state, &scope, &q).await?;
    let count = |k: IncidentKind| all.iter().filter(|e| e.kind == k).count();
    let (petitions, misconduct) = (
        count(IncidentKind::Petition),
        count(IncidentKind::Misconduct),
    );
    render(&RegisterPage {
        chrome: Chrome::new(format!("{year}年纪律监督台账"), &viewer),
        petitions,
        misconduct,
        projects: projects::list(&state.db, &scope, &ProjectFilter::default()).await?,
        kinds: IncidentKind::ALL,
        today: today_local().to_string(),
        may_command: super::may_command(&viewer),
        entries: all.into_iter().filter(|e| q.shows(e)).collect(),
        asked: q.query_string(year),
        q,
        year,
    })
}

/// The register as the page shows it, as Excel.
pub async fn export(
    Asked { state, viewer }: Asked,
    Query(q): Query<RegisterQuery>,
) -> Result<Response, AppError> {
    let scope = scope(&state, &viewer).await?;
    let (all, year) = entries(&state, &scope, &q).await?;
    let rows: Vec<Vec<String>> = all
        .into_iter()
        .filter(|e| q.shows(e))
        .map(|e| {
            vec![
                e.occurred_on.to_string(),
                e.project_code,
                e.kind.label().to_string(),
                e.description,
                e.outcome,
                e.recorded_by,
            ]
        })
        .collect();
    let headers = ["日期", "项目", "类别", "事由", "处理结果", "登记人"];
    let title = format!("{year}年纪律监督台账");
    super::xlsx(&format!("{title}.xlsx"), &title, &headers, &rows)
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
