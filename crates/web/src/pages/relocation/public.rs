//! Public postings (公示), for anyone, without login: every household's compensation
//! items and amounts, and the order in which households choose resettlement flats. Heads'
//! names are masked; nothing else personal appears.

use super::public_report::public_chrome;
use crate::error::AppError;
use crate::pages::{Chrome, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use domain::platform::time::show_local;
use store::relocation::Scope;
use store::relocation::projects::{self, Project};
use store::relocation::public::{self, CompensationPosting, OrderLine};

use crate::state::AppState;

#[derive(Template)]
#[template(path = "relocation/public_index.html")]
struct IndexPage {
    chrome: Chrome,
    projects: Vec<Project>,
    hotlines: std::collections::HashMap<i64, String>,
}

/// The projects with their postings.
pub async fn index(State(state): State<AppState>) -> Result<Html<String>, AppError> {
    render(&IndexPage {
        chrome: Chrome::anonymous("征收安置公示"),
        projects: projects::all(&state.db).await?,
        hotlines: store::relocation::hotlines::hotlines(&state.db).await?,
    })
}

async fn project(state: &AppState, code: &str) -> Result<Project, AppError> {
    Ok(projects::by_code(&state.db, &Scope::All, code).await?)
}

#[derive(Template)]
#[template(path = "relocation/public_compensation.html")]
struct CompensationPage {
    chrome: Chrome,
    p: Project,
    posting: CompensationPosting,
}

/// Every household's items and amounts.
pub async fn compensation(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Html<String>, AppError> {
    let p = project(&state, &code).await?;
    let posting = public::compensation_posting(&state.db, &p).await?;
    render(&CompensationPage {
        chrome: public_chrome(&state, &p, format!("{} 补偿公示", p.name)).await?,
        p,
        posting,
    })
}

/// A line of the choosing order as shown: times in Beijing time.
pub struct ShownOrder {
    position: usize,
    code: String,
    head_name: String,
    signed_at: String,
    vacated_at: String,
    qualified_at: String,
}

#[derive(Template)]
#[template(path = "relocation/public_order.html")]
struct OrderPage {
    chrome: Chrome,
    p: Project,
    lines: Vec<ShownOrder>,
}

/// The choosing order (先签约且腾空者先选房).
pub async fn choosing_order(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Html<String>, AppError> {
    let p = project(&state, &code).await?;
    let lines = public::choosing_order_of(&state.db, &p)
        .await?
        .into_iter()
        .map(
            |OrderLine {
                 position,
                 head_name,
             }| ShownOrder {
                position: position.position,
                code: position.code,
                head_name,
                signed_at: show_local(position.signed_at),
                vacated_at: show_local(position.vacated_at),
                qualified_at: show_local(position.qualified_at),
            },
        )
        .collect();
    render(&OrderPage {
        chrome: public_chrome(&state, &p, format!("{} 选房顺序", p.name)).await?,
        p,
        lines,
    })
}
