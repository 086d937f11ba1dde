//! The public side of grievances, without login: the hotline printed on every public page
//! of a project ([`public_chrome`]), the form on which anyone may report (我要反映), and the
//! lookup of a report by its reference number, which shows how it is handled and nothing
//! about who reported it or who handles it.
//!
//! The form is rate-limited per client address ([`LIMIT`] an hour), counted in the
//! database under a digest of the address, so the limit holds across restarts and the
//! address itself is never stored. The objection form of the population posting goes
//! through the same limit ([`within_limit`]): one count per client for both.

use super::public::PostedProject;
use crate::error::AppError;
use crate::form::{self, Form};
use crate::pages::{Chrome, render};
use crate::session::MaybeViewer;
use crate::state::AppState;
use askama::Template;
use axum::extract::{ConnectInfo, Query};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{Duration, Utc};
use domain::platform::time::today_local;
use domain::relocation::{Channel, GrievanceKind, Reference, Reporter};
use serde::Deserialize;
use std::net::SocketAddr;
use store::relocation::grievances::{self, NewGrievance, PublicStatus};
use store::relocation::projects::Project;

/// Reports one client address may send in an hour.
pub const LIMIT: i64 = 5;

/// The frame of a public page of project `p`: anonymous, with its hotline.
pub(crate) async fn public_chrome(
    state: &AppState,
    p: &Project,
    title: impl Into<String>,
) -> Result<Chrome, AppError> {
    let mut chrome = Chrome::anonymous(title);
    chrome.hotline = store::relocation::hotlines::hotline(&state.db, p.id).await?;
    Ok(chrome)
}

#[derive(Template)]
#[template(path = "relocation/public_report.html")]
struct ReportPage {
    chrome: Chrome,
    p: Project,
    kinds: &'static [GrievanceKind],
    /// The CSRF token of a logged-in visitor (whose browser sends its session cookie, so
    /// the guard asks for it); empty for the public.
    csrf: String,
    /// The reference of the report just received.
    received: Option<String>,
    /// The lookup asked for, and what it found.
    lookup: Option<(String, Option<PublicStatus>)>,
}

async fn page(
    state: &AppState,
    viewer: &MaybeViewer,
    p: Project,
    received: Option<String>,
    lookup: Option<(String, Option<PublicStatus>)>,
) -> Result<Html<String>, AppError> {
    render(&ReportPage {
        chrome: public_chrome(state, &p, format!("{} 我要反映", p.name)).await?,
        kinds: GrievanceKind::ALL,
        csrf: viewer
            .0
            .as_ref()
            .map(|v| v.csrf().to_string())
            .unwrap_or_default(),
        p,
        received,
        lookup,
    })
}

/// The form and the lookup.
pub async fn form(
    viewer: MaybeViewer,
    PostedProject(state, p): PostedProject,
) -> Result<Html<String>, AppError> {
    page(&state, &viewer, p, None, None).await
}

/// A report from the public.
#[derive(Deserialize)]
pub struct ReportForm {
    #[serde(default, deserialize_with = "form::parsed")]
    kind: Option<GrievanceKind>,
    #[serde(default, deserialize_with = "form::text")]
    subject: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    content: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    name: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    phone: Option<String>,
}

/// Receives a report: answers the page with its reference number, or 429 when the
/// address has sent [`LIMIT`] reports in the last hour.
pub async fn submit(
    viewer: MaybeViewer,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    PostedProject(state, p): PostedProject,
    Form(f): Form<ReportForm>,
) -> Result<Response, AppError> {
    let today = today_local();
    let mut tx = state.db.begin().await?;
    let key = within_limit(&mut tx, &addr).await?;
    let new = NewGrievance {
        channel: Channel::PublicForm,
        kind: f.kind.unwrap_or(GrievanceKind::Consultation),
        subject: f.subject.unwrap_or_default(),
        content: f.content.unwrap_or_default(),
        reporter: Reporter {
            name: f.name.unwrap_or_default(),
            phone: f.phone.unwrap_or_default(),
        },
        received_on: today,
        handler_id: None,
        client_key: Some(key),
    };
    let (_, reference) = grievances::create(&mut tx, "公众", p.id, &new, today).await?;
    tx.commit().await?;
    let html = page(&state, &viewer, p, Some(reference.to_string()), None).await?;
    Ok((StatusCode::CREATED, html).into_response())
}

/// The digest of the client's address if it may submit one more thing through a public
/// form; 429 with the reason when it has sent [`LIMIT`] in the last hour. Counted in the
/// caller's transaction, which then writes the submission under that digest.
pub(crate) async fn within_limit(
    tx: &mut store::Tx,
    addr: &SocketAddr,
) -> Result<String, AppError> {
    let key = grievances::client_key(&addr.ip().to_string());
    let recent =
        grievances::submissions_since(&mut *tx, &key, Utc::now() - Duration::hours(1)).await?;
    if recent >= LIMIT {
        return Err(AppError::TooManyRequests(format!(
            "提交过于频繁：同一网络每小时最多提交{LIMIT}件，请稍后再试，或拨打监督电话反映。"
        )));
    }
    Ok(key)
}

/// The reference number asked for.
#[derive(Deserialize)]
pub struct LookupQuery {
    #[serde(default)]
    reference: String,
}

/// How the report with a reference number is handled (state and answer only).
pub async fn lookup(
    viewer: MaybeViewer,
    PostedProject(state, p): PostedProject,
    Query(q): Query<LookupQuery>,
) -> Result<Html<String>, AppError> {
    let asked = q.reference.trim().to_string();
    let found = match Reference::parse(&asked) {
        Some(r) => grievances::public_status(&state.db, p.id, r).await?,
        None => None,
    };
    page(&state, &viewer, p, None, Some((asked, found))).await
}
