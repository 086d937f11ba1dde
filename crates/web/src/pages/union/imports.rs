//! Uploading a spreadsheet of enterprises, unions or members, and downloading the
//! templates. The same import engine as `groundwork import`, limited to the viewer's
//! township, run as a job; its report lists every rejected row with its Excel row number.

use super::scope;
use crate::error::AppError;
use crate::pages::imports::{Outcome, Upload};
use crate::pages::{Asked, Chrome, render};
use crate::session::Viewer;
use askama::Template;
use axum::extract::{Multipart, Path};
use axum::response::{Html, IntoResponse, Response};
use imports::{ImportScope, Module};

#[derive(Template)]
#[template(path = "union/import.html")]
struct ImportPage {
    chrome: Chrome,
    /// The area's path (`/union/import`, `/union/templates/…`).
    area: &'static str,
    /// The union kinds: name and Chinese label.
    kinds: Vec<(&'static str, &'static str)>,
    outcome: Outcome,
}

fn show_page(viewer: &Viewer, outcome: Outcome) -> Result<Html<String>, AppError> {
    render(&ImportPage {
        chrome: Chrome::new("批量导入", viewer),
        area: "union",
        kinds: crate::pages::imports::choices(Module::Union),
        outcome,
    })
}

/// The upload form.
pub async fn form(viewer: Viewer) -> Result<Html<String>, AppError> {
    show_page(&viewer, Outcome::default())
}

/// Starts the import of the uploaded file as a job and goes to its page (the report is
/// shown there); a form without a file or kind is shown again with the reason.
pub async fn upload(at: Asked, form: Multipart) -> Result<Response, AppError> {
    let upload = Upload::read(form).await?;
    let opts = upload.options(&at.viewer.user.username, None);
    let scope = scope(&at.viewer)?;
    let started = upload
        .start(&at.state, Module::Union, opts, ImportScope::union(scope))
        .await?;
    match started {
        Ok(id) => Ok(crate::pages::jobs::go_to(id)),
        Err(outcome) => Ok(show_page(&at.viewer, outcome)?.into_response()),
    }
}

/// The empty template of a kind, with one example row.
pub async fn template(Path(kind): Path<String>) -> Result<Response, AppError> {
    crate::pages::imports::template(Module::Union, &kind)
}
