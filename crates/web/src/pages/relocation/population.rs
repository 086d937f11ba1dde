//! The resettlement population's sunshine verification (安置人口阳光核定) through the
//! web: staff do the initial review and record objections; a member of the project's
//! policy group (staff or commander linked to a person of 综合政策组) re-reviews — the
//! store refuses anyone else, the commander included; the commander posts, resolves
//! objections and confirms. The public sees what was posted (the frozen list), masked,
//! may object to a list being posted (rate-limited with the grievance form) and follows
//! the objection up by its reference number.

use super::change;
use crate::error::AppError;
use crate::form;
use crate::form::Form;
use crate::pages::{Chrome, Keyed, render};
use crate::session::MaybeViewer;
use crate::session::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use domain::platform::time::today_local;
use domain::relocation::ObjectionReference;
use domain::relocation::posting::{DEFAULT_POSTING_DAYS, Resolution};
use serde::Deserialize;
use std::net::SocketAddr;
use store::relocation::objections::{self, PublicObjection};
use store::relocation::population::{self, PostedList, Step};
use store::relocation::projects::{self, Project};
use store::relocation::{Scope, households};

/// The fields of both forms; `step` says which.
#[derive(Deserialize)]
pub struct StepForm {
    step: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    by: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    index: String,
    #[serde(default)]
    note: String,
}

fn step_of(f: &StepForm, commander: bool) -> Result<Step, AppError> {
    let bad = |m: String| AppError::BadRequest(m);
    Ok(match (f.step.as_str(), commander) {
        ("initial_review", false) => Step::InitialReview,
        ("object", false) => Step::Object {
            by: f.by.clone(),
            content: f.content.clone(),
        },
        // Either route: who may re-review is the policy group's membership, checked by
        // the store for everyone.
        ("re_review", _) => Step::ReReview,
        ("post", true) => Step::Post {
            from: super::form_date(&f.from, "公示开始日期")?.unwrap_or_else(today_local),
            days: match f.days.trim() {
                "" => DEFAULT_POSTING_DAYS,
                d => d.parse().map_err(|_| bad(format!("公示天数不正确：{d}")))?,
            },
        },
        ("uphold" | "dismiss", true) => Step::Resolve {
            index: f
                .index
                .trim()
                .parse::<usize>()
                .ok()
                .and_then(|i| i.checked_sub(1))
                .ok_or_else(|| bad(format!("异议序号不正确：{}", f.index)))?,
            resolution: if f.step == "uphold" {
                Resolution::Upheld {
                    note: f.note.clone(),
                }
            } else {
                Resolution::Dismissed {
                    reason: f.note.clone(),
                }
            },
        },
        ("confirm", true) => Step::Confirm,
        (other, _) => return Err(bad(format!("此处不能进行该步骤：{other}"))),
    })
}

async fn take(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    f: &StepForm,
    commander: bool,
) -> Response {
    let back = format!("/relocation/households/{id}");
    change(state, viewer, &back, async |tx, actor, scope| {
        let step = step_of(f, commander)?;
        population::apply(tx, actor, scope, id, step, today_local()).await?;
        Ok(None)
    })
    .await
}

/// Staff steps: initial review, re-review (policy group members only), recording an
/// objection.
pub async fn review(at: Keyed, Form(f): Form<StepForm>) -> Response {
    take(&at.state, &at.viewer, at.key, &f, false).await
}

/// The commander's steps: posting, resolving objections, confirmation (and the
/// re-review, for a commander who is a member of the policy group).
pub async fn decide(at: Keyed, Form(f): Form<StepForm>) -> Response {
    take(&at.state, &at.viewer, at.key, &f, true).await
}

#[derive(Template)]
#[template(path = "relocation/public_population.html")]
struct PostingPage {
    chrome: Chrome,
    p: Project,
    lists: Vec<PostedList>,
    /// The CSRF token of a logged-in visitor; empty for the public.
    csrf: String,
    /// The reference of the objection just received.
    received: Option<String>,
    /// The lookup asked for, and what it found.
    lookup: Option<(String, Option<PublicObjection>)>,
}

async fn posting_page(
    state: &AppState,
    viewer: &MaybeViewer,
    p: Project,
    received: Option<String>,
    lookup: Option<(String, Option<PublicObjection>)>,
) -> Result<Html<String>, AppError> {
    let lists = population::posting(&state.db, p.id).await?;
    render(&PostingPage {
        chrome: super::public_report::public_chrome(state, &p, format!("{} 安置人口公示", p.name))
            .await?,
        csrf: viewer
            .0
            .as_ref()
            .map(|v| v.csrf().to_string())
            .unwrap_or_default(),
        p,
        lists,
        received,
        lookup,
    })
}

/// `/public/relocation/{code}/population`: the lists as posted (frozen at posting time)
/// and confirmed, masked, with the objection form and the lookup.
pub async fn posting(
    State(state): State<AppState>,
    viewer: MaybeViewer,
    Path(code): Path<String>,
) -> Result<Html<String>, AppError> {
    let p = projects::by_code(&state.db, &Scope::All, &code).await?;
    posting_page(&state, &viewer, p, None, None).await
}

/// An objection from the public.
#[derive(Deserialize)]
pub struct ObjectionForm {
    #[serde(default, deserialize_with = "form::text")]
    household: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    content: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    name: Option<String>,
}

/// Receives an objection to a posted list: answers the page with its reference number,
/// or 429 when the address has used up the public forms' hourly limit.
pub async fn object(
    State(state): State<AppState>,
    viewer: MaybeViewer,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    form::Form(f): form::Form<ObjectionForm>,
) -> Result<Response, AppError> {
    let p = projects::by_code(&state.db, &Scope::All, &code).await?;
    let mut tx = state.db.begin().await?;
    let key = super::public_report::within_limit(&mut tx, &addr).await?;
    let reference = objections::lodge_public(
        &mut tx,
        p.id,
        f.household.as_deref().unwrap_or_default(),
        f.name.as_deref().unwrap_or_default(),
        f.content.as_deref().unwrap_or_default(),
        today_local(),
        &key,
    )
    .await?;
    tx.commit().await?;
    let html = posting_page(&state, &viewer, p, Some(reference.to_string()), None).await?;
    Ok((StatusCode::CREATED, html).into_response())
}

/// The reference number asked for.
#[derive(Deserialize)]
pub struct LookupQuery {
    #[serde(default)]
    reference: String,
}

/// How the objection with a reference number was dealt with (state and resolution only).
pub async fn lookup(
    State(state): State<AppState>,
    viewer: MaybeViewer,
    Path(code): Path<String>,
    Query(q): Query<LookupQuery>,
) -> Result<Html<String>, AppError> {
    let p = projects::by_code(&state.db, &Scope::All, &code).await?;
    let asked = q.reference.trim().to_string();
    let found = match ObjectionReference::parse(&asked) {
        Some(r) => objections::public_status(&state.db, p.id, r).await?,
        None => None,
    };
    posting_page(&state, &viewer, p, None, Some((asked, found))).await
}

/// What the household page shows of the review: the review, the reference numbers of
/// its objections by index, and the history of its postings with the frozen lists.
pub struct ReviewView {
    /// The review.
    pub review: domain::relocation::PopulationReview,
    /// Reference numbers of the objections, by index.
    pub references: std::collections::HashMap<usize, String>,
    /// Every posting, oldest first.
    pub rounds: Vec<population::Round>,
}

impl ReviewView {
    /// The reference number of objection `index` (0-based), or empty.
    pub fn reference(&self, index: usize) -> &str {
        self.references.get(&index).map_or("", String::as_str)
    }
}

/// The review of a household for its page.
pub async fn of_household(
    state: &AppState,
    household: &households::Household,
) -> Result<ReviewView, AppError> {
    Ok(ReviewView {
        review: population::of_household(&state.db, household.id).await?,
        references: objections::of_household(&state.db, household.id).await?,
        rounds: population::rounds(&state.db, household.id).await?,
    })
}

/// The stage of a review as a short code (`draft`, `initially_reviewed`, `re_reviewed`,
/// `posted`, `confirmed`), for pages that offer the next step.
pub fn stage_code(review: &domain::relocation::PopulationReview) -> &'static str {
    use domain::relocation::ReviewStage::*;
    match review.stage() {
        Draft => "draft",
        InitiallyReviewed { .. } => "initially_reviewed",
        ReReviewed { .. } => "re_reviewed",
        Posted { .. } => "posted",
        Confirmed { .. } => "confirmed",
    }
}
