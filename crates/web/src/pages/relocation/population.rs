//! The resettlement population's sunshine verification (安置人口阳光核定) through the
//! web: staff do the initial review and record objections; the commander (for the policy
//! group) re-reviews, posts, resolves objections and confirms; the public sees what is
//! posted, masked.

use super::change;
use super::public::PostedProject;
use crate::error::AppError;
use crate::form::Form;
use crate::pages::{Chrome, Keyed, render};
use crate::session::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::response::{Html, Response};
use domain::platform::time::today_local;
use domain::relocation::posting::{DEFAULT_POSTING_DAYS, Resolution};
use serde::Deserialize;
use store::relocation::households;
use store::relocation::population::{self, PostedList, Step};
use store::relocation::projects::Project;

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
        ("re_review", true) => Step::ReReview,
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

/// Staff steps: initial review, recording an objection.
pub async fn review(at: Keyed, Form(f): Form<StepForm>) -> Response {
    take(&at.state, &at.viewer, at.key, &f, false).await
}

/// The policy group's steps (taken by the commander): re-review, posting, resolving
/// objections, confirmation.
pub async fn decide(at: Keyed, Form(f): Form<StepForm>) -> Response {
    take(&at.state, &at.viewer, at.key, &f, true).await
}

#[derive(Template)]
#[template(path = "relocation/public_population.html")]
struct PostingPage {
    chrome: Chrome,
    p: Project,
    lists: Vec<PostedList>,
}

/// `/public/relocation/{code}/population`: the lists posted and confirmed, masked.
pub async fn posting(PostedProject(state, p): PostedProject) -> Result<Html<String>, AppError> {
    let lists = population::posting(&state.db, p.id).await?;
    render(&PostingPage {
        chrome: super::public_report::public_chrome(&state, &p, format!("{} 安置人口公示", p.name))
            .await?,
        p,
        lists,
    })
}

/// The review of a household for its page.
pub async fn of_household(
    state: &AppState,
    household: &households::Household,
) -> Result<domain::relocation::PopulationReview, AppError> {
    Ok(population::of_household(&state.db, household.id).await?)
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
