//! Public postings (公示), for anyone, without login: every household's compensation
//! items and amounts, and the order in which households choose resettlement flats. Heads'
//! names are masked; nothing else personal appears.

use super::public_report::public_chrome;
use crate::error::ApiError;
use crate::error::AppError;
use crate::pages::{Chrome, render};
use askama::Template;
use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use chrono::SecondsFormat;
use domain::platform::time::show_local;
use domain::relocation::choosing_order::RULE;
use serde_json::{Value, json};
use store::relocation::Scope;
use store::relocation::choosing::Session;
use store::relocation::projects::{self, Project};
use store::relocation::public::{self, CompensationPosting, OrderLine, ProjectScope};
use store::relocation::standards::{self, StandardVersion};

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
#[template(path = "relocation/public_project.html")]
struct ProjectPage {
    chrome: Chrome,
    p: Project,
    scope: ProjectScope,
    standard: Option<StandardVersion>,
    /// Households that have chosen, masked, in the order they chose (after a session).
    chosen: Vec<OrderLine>,
}

/// A project's disclosure (征收信息公开): its scope, deadlines, the published standard,
/// links to its current postings, and who chose which flat once the session has run.
pub async fn project_page(
    PostedProject(state, p): PostedProject,
) -> Result<Html<String>, AppError> {
    let (_, order) = public::choosing_order_of(&state.db, &p).await?;
    render(&ProjectPage {
        chrome: public_chrome(&state, &p, format!("{} 信息公开", p.name)).await?,
        scope: public::project_scope(&state.db, p.id).await?,
        standard: standards::published(&state.db, p.id).await?,
        chosen: order
            .into_iter()
            .filter(|l| l.flat_code.is_some())
            .collect(),
        p,
    })
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
    qualified_at: String,
    lottery: String,
    flat_code: String,
}

#[derive(Template)]
#[template(path = "relocation/public_order.html")]
struct OrderPage {
    chrome: Chrome,
    p: Project,
    rule: &'static str,
    session: Option<Session>,
    lines: Vec<ShownOrder>,
}

/// The choosing order (先签约且腾空者先选房), with the seed's commitment and, once the
/// session has started, the seed and each household's lottery value and flat.
pub async fn choosing_order(
    PostedProject(state, p): PostedProject,
) -> Result<Html<String>, AppError> {
    let (session, lines) = public::choosing_order_of(&state.db, &p).await?;
    let lines = lines
        .into_iter()
        .map(|l| ShownOrder {
            position: l.position.position,
            code: l.position.code,
            head_name: l.head_name,
            signed_at: show_local(l.position.signed_at),
            qualified_at: show_local(l.position.qualified_at),
            lottery: l
                .position
                .lottery
                .map(|v| v[..12].to_string())
                .unwrap_or_default(),
            flat_code: l.flat_code.unwrap_or_default(),
        })
        .collect();
    render(&OrderPage {
        chrome: public_chrome(&state, &p, format!("{} 选房顺序", p.name)).await?,
        rule: RULE,
        session,
        p,
        lines,
    })
}

/// The choosing order as JSON, enough for anyone to recompute it: the seed's SHA-256
/// (published before the session), the seed (null until revealed), the rule, and per
/// household its qualifying and signing moments in RFC 3339 and the flat it chose.
pub async fn choosing_order_json(
    PostedProject(state, p): PostedProject,
) -> Result<Json<Value>, ApiError> {
    let (session, lines) = public::choosing_order_of(&state.db, &p).await?;
    let rfc = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(SecondsFormat::AutoSi, true);
    let order: Vec<Value> = lines
        .into_iter()
        .map(|l| {
            json!({
                "position": l.position.position,
                "household_code": l.position.code,
                "qualified_at": rfc(l.position.qualified_at),
                "signed_at": rfc(l.position.signed_at),
                "flat_code": l.flat_code,
            })
        })
        .collect();
    Ok(Json(json!({
        "seed_sha256": session.as_ref().map(|s| s.seed_sha256.clone()),
        "seed": session.and_then(|s| s.seed),
        "rule": RULE,
        "order": order,
    })))
}
