//! Uploading a spreadsheet of enterprises, unions or members, and downloading the
//! templates. The same import engine as `groundwork import`, limited to the viewer's
//! township; the report lists every rejected row with its Excel row number.

use super::scope;
use crate::error::AppError;
use crate::pages::imports::{Outcome, Upload};
use crate::pages::{Asked, Chrome, render};
use crate::session::Viewer;
use askama::Template;
use axum::extract::{Multipart, Path};
use axum::response::{Html, Response};
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

/// Runs the uploaded file through the import and shows the report.
pub async fn upload(at: Asked, form: Multipart) -> Result<Html<String>, AppError> {
    let upload = Upload::read(form).await?;
    let opts = upload.options(&at.viewer.user.username, None);
    let scope = scope(&at.viewer)?;
    let outcome = upload
        .import(
            &at.state.db,
            Module::Union,
            &opts,
            &ImportScope::union(scope),
        )
        .await?;
    show_page(&at.viewer, outcome)
}

/// The empty template of a kind, with one example row.
pub async fn template(Path(kind): Path<String>) -> Result<Response, AppError> {
    crate::pages::imports::template(Module::Union, &kind)
}
