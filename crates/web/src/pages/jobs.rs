//! The background jobs' pages: the list (one's own; the administrator sees everyone's),
//! a job's page (a progress bar with rows read and written and the time left, updated
//! live by `assets/job.js` or, without script, by a refresh every two seconds; the
//! cancel button; then the result: an import's report, its rejects file, a download),
//! the result file, and `GET /api/v1/jobs/{id}`.
//!
//! A job belongs to who started it: anyone else (but the administrator) is told it does
//! not exist.

use crate::error::{ApiError, AppError};
use crate::jobs::Counters;
use crate::pages::imports::Outcome;
use crate::pages::{Asked, Chrome, Keyed, render};
use crate::session::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Json;
use axum::body::Body;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::platform::Role;
use domain::platform::time::show_local;
use serde_json::{Value, json};
use store::StoreError;
use store::platform::jobs::{self, Job};

/// How many jobs the list shows.
const LISTED: i64 = 200;

/// Where a started job's browser goes: its page.
pub fn go_to(id: i64) -> Response {
    Redirect::to(&format!("/jobs/{id}")).into_response()
}

/// Whether `viewer` may see jobs of others (the administrator).
fn sees_all(viewer: &Viewer) -> bool {
    viewer.user.role() == Role::Admin
}

/// Job `id` as `viewer` may see it: their own, or any for the administrator.
async fn visible(state: &AppState, viewer: &Viewer, id: i64) -> Result<Job, AppError> {
    match jobs::find(&state.db, id).await? {
        Some(j) if j.owner == viewer.user.username || sees_all(viewer) => Ok(j),
        _ => Err(StoreError::NotFound.into()),
    }
}

/// A job's counters: live while it runs here, else as its row has them.
fn counters(state: &AppState, job: &Job) -> Counters {
    let stored = |n: i64| u64::try_from(n).unwrap_or(0);
    match state.jobs.live(job.id) {
        Some(live) if !job.state.is_over() => live.counters(job.rows_total),
        _ => Counters {
            read: stored(job.rows_read),
            written: stored(job.rows_written),
            eta_seconds: None,
        },
    }
}

/// Seconds as people read a wait.
fn duration_text(seconds: Option<u64>) -> String {
    match seconds {
        None => "未知".to_string(),
        Some(s) if s < 60 => format!("约 {s} 秒"),
        Some(s) if s < 3600 => format!("约 {} 分 {} 秒", s / 60, s % 60),
        Some(s) => format!("约 {} 小时 {} 分", s / 3600, s % 3600 / 60),
    }
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct ListPage {
    chrome: Chrome,
    jobs: Vec<(Job, String)>,
    everyone: bool,
}

/// `GET /jobs`: the viewer's jobs, newest first (everyone's for the administrator).
pub async fn list(at: Asked) -> Result<Html<String>, AppError> {
    let everyone = sees_all(&at.viewer);
    let owner = (!everyone).then_some(at.viewer.user.username.as_str());
    let list = jobs::list(&at.state.db, owner, LISTED).await?;
    render(&ListPage {
        chrome: Chrome::new("后台任务", &at.viewer),
        jobs: list
            .into_iter()
            .map(|j| {
                let at = show_local(j.started_at);
                (j, at)
            })
            .collect(),
        everyone,
    })
}

#[derive(Template)]
#[template(path = "job.html")]
struct JobPage {
    chrome: Chrome,
    job: Job,
    counters: Counters,
    eta: String,
    started: String,
    finished: Option<String>,
    expires: Option<String>,
    /// An import's outcome (its report, or why it failed).
    outcome: Option<Outcome>,
    /// Why a job that is not an import failed.
    error: Option<String>,
    /// The lines of any other job's summary.
    lines: Vec<String>,
    /// The result file's link text, if there is one.
    file: Option<String>,
}

/// `GET /jobs/{id}`: the job's progress while it runs, then its result.
pub async fn show(at: Keyed) -> Result<Html<String>, AppError> {
    let job = visible(&at.state, &at.viewer, at.key).await?;
    let counters = counters(&at.state, &job);
    let summary = job.summary.clone().unwrap_or(Value::Null);
    let error = summary["error"].as_str().map(str::to_string);
    let outcome = job.kind.starts_with("import:").then(|| match &error {
        Some(e) => Outcome::error(e.clone()),
        None => serde_json::from_value(summary.clone()).unwrap_or_default(),
    });
    let lines = (outcome.is_none())
        .then(|| summary["lines"].as_array())
        .flatten()
        .map(|ls| {
            ls.iter()
                .filter_map(|l| l.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let file = job.result_file.as_ref().map(|_| {
        summary["file_name"]
            .as_str()
            .unwrap_or("结果文件")
            .to_string()
    });
    render(&JobPage {
        chrome: Chrome::new(&job.label, &at.viewer),
        eta: duration_text(counters.eta_seconds),
        started: show_local(job.started_at),
        finished: job.finished_at.map(show_local),
        expires: job.expires_at.map(show_local),
        error: if outcome.is_some() { None } else { error },
        outcome,
        lines,
        file,
        counters,
        job,
    })
}

/// `POST /jobs/{id}/cancel`: asks the job to stop, then shows its page (an import stops
/// at its next row and writes nothing).
pub async fn cancel(at: Keyed) -> Result<Response, AppError> {
    let job = visible(&at.state, &at.viewer, at.key).await?;
    at.state.jobs.cancel(job.id);
    Ok(go_to(job.id))
}

/// `GET /jobs/{id}/file`: the job's result file (an export, an import's rejects), read
/// from disk as it is sent.
pub async fn file(at: Keyed) -> Result<Response, AppError> {
    let job = visible(&at.state, &at.viewer, at.key).await?;
    let path = job.result_file.as_ref().ok_or(AppError::NotFound)?;
    let opened = tokio::fs::File::open(path)
        .await
        .map_err(|_| AppError::NotFound)?;
    let name = job
        .summary
        .as_ref()
        .and_then(|s| s["file_name"].as_str())
        .unwrap_or("结果.xlsx")
        .to_string();
    let chunks = futures::stream::unfold(opened, |mut f| async move {
        use tokio::io::AsyncReadExt;
        let mut buf = vec![0u8; 256 * 1024];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(buf), f))
            }
            Err(e) => Some((Err(e), f)),
        }
    });
    let mut r = crate::download::attachment(&name, crate::download::XLSX, Vec::new());
    *r.body_mut() = Body::from_stream(chunks);
    r.headers_mut().remove(header::CONTENT_LENGTH);
    Ok(r)
}

/// `GET /api/v1/jobs/{id}`: the job's state and counters (live while it runs), and its
/// summary once it ended.
#[utoipa::path(get, path = "/api/v1/jobs/{id}", params(("id" = i64, Path, example = 1)),
    responses((status = 200, body = Value), (status = 404, body = crate::error::ErrorBody)),
    tag = "platform")]
pub async fn api(at: Keyed) -> Result<Json<Value>, ApiError> {
    let job = visible(&at.state, &at.viewer, at.key).await?;
    let c = counters(&at.state, &job);
    Ok(Json(json!({
        "id": job.id,
        "kind": job.kind,
        "label": job.label,
        "owner": job.owner,
        "state": job.state,
        "state_label": job.state.label(),
        "rows_read": c.read,
        "rows_written": c.written,
        "rows_total": job.rows_total,
        "eta_seconds": c.eta_seconds,
        "eta": duration_text(c.eta_seconds),
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "expires_at": job.expires_at,
        "summary": job.summary,
        "file": job.result_file.as_ref().map(|_| format!("/jobs/{}/file", job.id)),
    })))
}
