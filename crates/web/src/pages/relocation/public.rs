//! Public postings (公示), for anyone, without login: every household's compensation
//! items and amounts, and the order in which households choose resettlement flats. Heads'
//! names are masked; nothing else personal appears.

use crate::error::AppError;
use crate::pages::{Chrome, render};
use askama::Template;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
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
}

/// The projects with their postings.
pub async fn index(State(state): State<AppState>) -> Result<Html<String>, AppError> {
    render(&IndexPage {
        chrome: Chrome::anonymous("征收安置公示"),
        projects: projects::all(&state.db).await?,
    })
}

/// The project a public posting's path names (`{code}`), in whichever town: postings are
/// public.
pub(crate) struct PostedProject(pub AppState, pub Project);

impl FromRequestParts<AppState> for PostedProject {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Path(code) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match projects::by_code(&state.db, &Scope::All, &code).await {
            Ok(p) => Ok(PostedProject(state.clone(), p)),
            Err(e) => Err(AppError::from(e).into_response()),
        }
    }
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
    PostedProject(state, p): PostedProject,
) -> Result<Html<String>, AppError> {
    let posting = public::compensation_posting(&state.db, &p).await?;
    render(&CompensationPage {
        chrome: Chrome::anonymous(format!("{} 补偿公示", p.name)),
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
    PostedProject(state, p): PostedProject,
) -> Result<Html<String>, AppError> {
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
        chrome: Chrome::anonymous(format!("{} 选房顺序", p.name)),
        p,
        lines,
    })
}
