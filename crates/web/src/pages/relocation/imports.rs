//! Uploading a spreadsheet of households, their members, buildings or appraisals, and
//! downloading the templates. The same import engine as `groundwork import`, limited to
//! the projects of the viewer's town, run as a job; its report lists every rejected row
//! with its Excel row number.

use super::scope;
use crate::error::AppError;
use crate::pages::imports::{Outcome, Upload};
use crate::pages::{Asked, Chrome, render};
use crate::session::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, Query};
use axum::response::{Html, IntoResponse, Response};
use imports::{ImportScope, Module};
use serde::Deserialize;
use store::relocation::Scope;
use store::relocation::projects::{self, Project, ProjectFilter};

#[derive(Template)]
#[template(path = "relocation/import.html")]
struct ImportPage {
    chrome: Chrome,
    /// The area's path (`/relocation/import`, `/relocation/templates/…`).
    area: &'static str,
    /// The relocation kinds: name and Chinese label.
    kinds: Vec<(&'static str, &'static str)>,
    /// The projects the viewer may import into, for files without 项目编号.
    projects: Vec<Project>,
    /// The project selected (code), kept after an upload.
    chosen: String,
    outcome: Outcome,
}

async fn show_page(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
    chosen: &str,
    outcome: Outcome,
) -> Result<Html<String>, AppError> {
    render(&ImportPage {
        chrome: Chrome::new("批量导入", viewer),
        area: "relocation",
        kinds: crate::pages::imports::choices(Module::Relocation),
        projects: projects::list(&state.db, scope, &ProjectFilter::default()).await?,
        chosen: chosen.to_string(),
        outcome,
    })
}

/// The project a link preselects (the project page links here with it).
#[derive(Deserialize)]
pub struct FormQuery {
    project: Option<String>,
}

/// The upload form.
pub async fn form(at: Asked, Query(q): Query<FormQuery>) -> Result<Html<String>, AppError> {
    let scope = scope(&at.state, &at.viewer).await?;
    let chosen = q.project.unwrap_or_default();
    show_page(&at.state, &at.viewer, &scope, &chosen, Outcome::default()).await
}

/// Starts the import of the uploaded file in the viewer's scope as a job and goes to its
/// page (the report is shown there); a form without a file or kind is shown again.
pub async fn upload(at: Asked, form: Multipart) -> Result<Response, AppError> {
    let upload = Upload::read(form).await?;
    let scope = scope(&at.state, &at.viewer).await?;
    let project = upload.field("project");
    let opts = upload.options(
        &at.viewer.user.username,
        Some(project.to_string()).filter(|p| !p.is_empty()),
    );
    let project = project.to_string();
    let started = upload
        .start(
            &at.state,
            Module::Relocation,
            opts,
            ImportScope::relocation(scope.clone()),
        )
        .await?;
    match started {
        Ok(id) => Ok(crate::pages::jobs::go_to(id)),
        Err(outcome) => Ok(show_page(&at.state, &at.viewer, &scope, &project, outcome)
            .await?
            .into_response()),
    }
}

/// The empty template of a kind, with one example row.
pub async fn template(Path(kind): Path<String>) -> Result<Response, AppError> {
    crate::pages::imports::template(Module::Relocation, &kind)
}
