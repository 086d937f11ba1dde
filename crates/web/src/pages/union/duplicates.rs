//! The duplicate finder of the member registry: pairs of records that look like one
//! person under two resident IDs (same name, birth date and mobile), and the merge that
//! keeps one record and both histories. The same ID twice never gets this far: the
//! registry refuses it when it is entered.

use super::scope;
use crate::error::AppError;
use crate::form::{self, Form};
use crate::pages::{Asked, Chrome, change, given, render};
use askama::Template;
use axum::response::{Html, Response};
use serde::Deserialize;
use store::union::members::duplicates::{self, MAX_SUSPECTS, Suspects};

#[derive(Template)]
#[template(path = "union/duplicates.html")]
struct DuplicatesPage {
    chrome: Chrome,
    pairs: Vec<Suspects>,
    limit: i64,
    may_write: bool,
}

/// `/union/members/duplicates`: the suspects inside the viewer's scope.
pub async fn list(at: Asked) -> Result<Html<String>, AppError> {
    let pairs = duplicates::suspects(&at.state.db, scope(&at.viewer)?).await?;
    render(&DuplicatesPage {
        chrome: Chrome::new("疑似重复会员", &at.viewer),
        pairs,
        limit: MAX_SUSPECTS,
        may_write: super::may_write(&at.viewer),
    })
}

/// Fields of the merge form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MergeForm {
    #[serde(deserialize_with = "form::id")]
    first: Option<i64>,
    #[serde(deserialize_with = "form::id")]
    second: Option<i64>,
    #[serde(deserialize_with = "form::id")]
    kept: Option<i64>,
    reason: String,
}

/// Merges one record of a pair into the other; the kept member's page shows the merge.
pub async fn merge(at: Asked, Form(f): Form<MergeForm>) -> Response {
    let back = "/union/members/duplicates";
    change(&at.state, &at.viewer, back, async |tx| {
        let pair = (
            given(&f.first, "缺少会员记录")?,
            given(&f.second, "缺少会员记录")?,
        );
        let kept = given(&f.kept, "请选择保留的会员记录")?;
        let merged = match pair {
            (a, b) if a == kept => b,
            (a, b) if b == kept => a,
            _ => return Err(AppError::BadRequest("请选择保留的会员记录".into())),
        };
        duplicates::merge(
            &mut *tx,
            &at.viewer.user.username,
            scope(&at.viewer)?,
            kept,
            merged,
            &f.reason,
        )
        .await?;
        Ok(format!("/union/members/{kept}"))
    })
    .await
}
