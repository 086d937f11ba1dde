//! The choosing session (选房) of a project: the seed's commitment and reveal, whose turn
//! it is with the household's entitlement, recording choices and absences, voiding a
//! choice (the commander's), the hall's big screen kept live by server-sent events, the
//! printable confirmation (选房确认单) and the JSON API for the hall's devices.

use super::projects::ScopedProject;
use super::{project_page, scope};
use crate::access::Access;
use crate::error::{ApiError, AppError};
use crate::form::{self, Form};
use crate::pages::{Chrome, Keyed, after_form, given, render};
use crate::routes::{Route, get, post};
use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use domain::relocation::{FlatKind, FlatState};
use serde::Deserialize;
use serde_json::json;
use store::Db;
use store::relocation::Scope;
use store::relocation::choosing::choices::{self, Choice, ChoiceRequest, Entitlement};
use store::relocation::choosing::{self, Series, SeriesLine};
use store::relocation::flats::{self, Flat, FlatFilter, Stock};
use store::relocation::households;
use store::relocation::projects::{self, Project};

mod screen;

/// The session page, where every form of the session returns.
const SESSION: &str = "/choosing";

/// This page's routes.
pub(super) fn routes(read: Access, write: Access, command: Access) -> Vec<Route> {
    vec![
        get("/relocation/projects/{code}/choosing", read, "选房", page),
        post(
            "/relocation/projects/{code}/choosing/commit",
            command,
            "公布抽签种子承诺值",
            commit,
        ),
        post(
            "/relocation/projects/{code}/choosing/reveal",
            command,
            "揭晓抽签种子、开始选房",
            reveal,
        ),
        post(
            "/relocation/projects/{code}/choosing/close",
            command,
            "结束选房",
            close,
        ),
        post(
            "/relocation/projects/{code}/choosing/choices",
            write,
            "登记选房",
            choose,
        ),
        post(
            "/relocation/projects/{code}/choosing/absent",
            write,
            "登记未到场",
            absent,
        ),
        post(
            "/relocation/projects/{code}/choosing/void",
            command,
            "作废选房记录",
            void,
        ),
        get(
            "/relocation/projects/{code}/choosing/screen",
            read,
            "选房大屏",
            screen::screen,
        ),
        get(
            "/relocation/projects/{code}/choosing/events",
            read,
            "选房实时推送（SSE）",
            screen::events,
        ),
        get(
            "/relocation/households/{id}/choice",
            read,
            "选房确认单",
            confirmation,
        ),
        post(
            "/api/v1/relocation/projects/{code}/choices",
            write,
            "登记选房（JSON）",
            api_choose,
        ),
    ]
}

/// The project of an API call, with the caller's scope: 404 when it does not exist, 403
/// when it lies outside the caller's scope (an API client must know the difference to
/// report it).
pub(super) async fn api_project(at: &Keyed<String>) -> Result<(Scope, Project), AppError> {
    let scope = scope(&at.state, &at.viewer).await?;
    let p = projects::by_code(&at.state.db, &Scope::All, &at.key).await?;
    if scope.sees_project(p.id, &p.town) {
        Ok((scope, p))
    } else {
        Err(AppError::Forbidden)
    }
}

#[derive(Template)]
#[template(path = "relocation/choosing.html")]
struct ChoosingPage {
    chrome: Chrome,
    p: Project,
    series: Series,
    current: Option<SeriesLine>,
    entitlement: Option<Entitlement>,
    next: Vec<SeriesLine>,
    vacant: Vec<Flat>,
    storerooms: Vec<Flat>,
    parking: Vec<Flat>,
    choices: Vec<Choice>,
    stock: Vec<Stock>,
    may_write: bool,
    may_command: bool,
    /// Whether choices may be recorded now.
    open: bool,
}

async fn vacant(db: &Db, project_id: i64, kind: FlatKind) -> Result<Vec<Flat>, AppError> {
    let f = FlatFilter {
        kind: Some(kind),
        state: Some(FlatState::Vacant),
        building: None,
    };
    Ok(flats::list(db, project_id, &f).await?)
}

/// The session page for staff.
pub async fn page(ScopedProject(at, _, p): ScopedProject) -> Result<Html<String>, AppError> {
    let (db, viewer) = (&at.state.db, &at.viewer);
    let series = choosing::series(db, p.id).await?;
    let current = series.current().cloned();
    let entitlement = match &current {
        Some(c) => choices::entitlement(db, c.household_id).await?,
        None => None,
    };
    let next = series
        .waiting()
        .into_iter()
        .skip(usize::from(current.is_some()))
        .take(5)
        .cloned()
        .collect();
    render(&ChoosingPage {
        chrome: Chrome::new(format!("{} 选房", p.name), viewer),
        vacant: vacant(db, p.id, FlatKind::Flat).await?,
        storerooms: vacant(db, p.id, FlatKind::Storeroom).await?,
        parking: vacant(db, p.id, FlatKind::Parking).await?,
        choices: choices::of_project(db, p.id).await?,
        stock: flats::stock(db, p.id).await?,
        may_write: super::may_write(viewer),
        may_command: super::may_command(viewer),
        open: series
            .session
            .as_ref()
            .is_some_and(choosing::Session::is_open),
        current,
        entitlement,
        next,
        series,
        p,
    })
}

/// The commitment form: a hash from outside (a notary's), or a seed generated here.
#[derive(Deserialize)]
pub struct CommitForm {
    #[serde(default, deserialize_with = "form::text")]
    seed_sha256: Option<String>,
    #[serde(default, deserialize_with = "form::flag")]
    generate: bool,
}

#[derive(Template)]
#[template(path = "relocation/seed.html")]
struct SeedPage {
    chrome: Chrome,
    p: Project,
    seed: String,
    hash: String,
}

/// Publishes the commitment. With `generate`, a fresh seed is made, only its hash
/// stored, and the seed shown this once to be printed and sealed.
pub async fn commit(at: Keyed<String>, Form(f): Form<CommitForm>) -> Response {
    if !f.generate {
        let hash = f.seed_sha256.clone().unwrap_or_default();
        return at
            .on_project(SESSION, async |tx, actor, scope, p| {
                choosing::commit(tx, actor, scope, p.id, &hash).await?;
                Ok(())
            })
            .await;
    }
    let Keyed { state, viewer, key } = &at;
    let result = async {
        let seed = choosing::fresh_seed()?;
        let hash = choosing::commitment_of(&seed);
        let scope = scope(state, viewer).await?;
        let mut tx = state.db.begin().await?;
        let p = projects::by_code(&mut tx, &scope, key).await?;
        choosing::commit(&mut tx, &viewer.user.username, &scope, p.id, &hash).await?;
        tx.commit().await?;
        Ok::<_, AppError>((p, seed, hash))
    }
    .await;
    match result {
        Ok((p, seed, hash)) => render(&SeedPage {
            chrome: Chrome::new("抽签种子", viewer),
            p,
            seed,
            hash,
        })
        .into_response(),
        Err(e) => after_form(Err(e), viewer, &project_page(key, SESSION)),
    }
}

/// The reveal form.
#[derive(Deserialize)]
pub struct RevealForm {
    #[serde(default, deserialize_with = "form::text")]
    seed: Option<String>,
}

/// Reveals the seed (checked against the commitment): the session starts.
pub async fn reveal(at: Keyed<String>, Form(f): Form<RevealForm>) -> Response {
    at.on_project(SESSION, async |tx, actor, scope, p| {
        let seed = f.seed.clone().unwrap_or_default();
        choosing::reveal(tx, actor, scope, p.id, &seed).await?;
        Ok(())
    })
    .await
}

/// Closes the session.
pub async fn close(at: Keyed<String>) -> Response {
    at.on_project(SESSION, async |tx, actor, scope, p| {
        choosing::close(tx, actor, scope, p.id).await?;
        Ok(())
    })
    .await
}

/// A choice as the hall's staff submit it (the form and the API share the fields).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChoiceForm {
    #[serde(deserialize_with = "form::text")]
    household_code: Option<String>,
    #[serde(deserialize_with = "form::text")]
    flat_code: Option<String>,
    #[serde(deserialize_with = "form::text")]
    storeroom_code: Option<String>,
    #[serde(deserialize_with = "form::text")]
    parking_code: Option<String>,
    #[serde(deserialize_with = "form::flag")]
    accept_price_difference: bool,
}

impl ChoiceForm {
    fn request(&self) -> ChoiceRequest {
        ChoiceRequest {
            household_code: self.household_code.clone().unwrap_or_default(),
            flat_code: self.flat_code.clone().unwrap_or_default(),
            storeroom_code: self.storeroom_code.clone(),
            parking_code: self.parking_code.clone(),
            accept_price_difference: self.accept_price_difference,
        }
    }
}

/// Records the choice of the household whose turn it is.
pub async fn choose(at: Keyed<String>, Form(f): Form<ChoiceForm>) -> Response {
    at.on_project(SESSION, async |tx, actor, scope, p| {
        choices::choose(tx, actor, scope, p.id, &f.request()).await?;
        Ok(())
    })
    .await
}

/// The absence form.
#[derive(Deserialize)]
pub struct AbsentForm {
    #[serde(default, deserialize_with = "form::text")]
    household_code: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    reason: Option<String>,
}

/// Marks the household called as absent: it chooses after the rest of the series.
pub async fn absent(at: Keyed<String>, Form(f): Form<AbsentForm>) -> Response {
    at.on_project(SESSION, async |tx, actor, scope, p| {
        let household = f.household_code.clone().unwrap_or_default();
        let reason = f.reason.clone().unwrap_or_default();
        choosing::mark_absent(tx, actor, scope, p.id, &household, &reason).await?;
        Ok(())
    })
    .await
}

/// The void form.
#[derive(Deserialize)]
pub struct VoidForm {
    #[serde(default, deserialize_with = "form::id")]
    choice: Option<i64>,
    #[serde(default, deserialize_with = "form::text")]
    reason: Option<String>,
}

/// Voids a choice (commander), with the reason.
pub async fn void(at: Keyed<String>, Form(f): Form<VoidForm>) -> Response {
    at.on_project(SESSION, async |tx, actor, scope, p| {
        let id = given(&f.choice, "请选择选房记录")?;
        let reason = f.reason.as_deref().unwrap_or_default();
        let c = choices::void(tx, actor, scope, id, reason).await?;
        if c.project_id != p.id {
            return Err(AppError::NotFound);
        }
        Ok(())
    })
    .await
}

#[derive(Template)]
#[template(path = "relocation/choice_confirmation.html")]
struct ConfirmationPage {
    chrome: Chrome,
    p: Project,
    h: households::Household,
    choice: Choice,
    entitlement: Option<Entitlement>,
    flat: Option<Flat>,
}

/// The printable confirmation (选房确认单) of a household's choice.
pub async fn confirmation(at: Keyed) -> Result<Html<String>, AppError> {
    let scope = scope(&at.state, &at.viewer).await?;
    let db = &at.state.db;
    let h = households::get(db, &scope, at.key).await?;
    let choice = choices::of_household(db, h.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = projects::by_id(db, h.project_id).await?;
    render(&ConfirmationPage {
        chrome: Chrome::new(format!("{} 选房确认单", h.code), &at.viewer),
        flat: flats::by_code(db, p.id, &choice.flat_code).await?,
        entitlement: choices::entitlement(db, h.id).await?,
        choice,
        p,
        h,
    })
}

/// Records a choice from a hall device: 201 with the choice; 409 when the flat was
/// taken; 422 out of turn or beyond the entitlement; 403 outside the caller's scope.
#[utoipa::path(post, path = "/api/v1/relocation/projects/{code}/choices",
    params(("code" = String, Path, description = "项目编号", example = "YCQ2019-01")),
    request_body(content = Object, description = "household_code、flat_code（必填），storeroom_code、parking_code、accept_excess"),
    responses((status = 201, body = Value), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)), tag = "relocation")]
pub async fn api_choose(
    at: Keyed<String>,
    crate::api::Body(req): crate::api::Body<ChoiceRequest>,
) -> Result<Response, ApiError> {
    let (scope, p) = api_project(&at).await?;
    let Keyed { state, viewer, .. } = at;
    let mut tx = state.db.begin().await?;
    let c = choices::choose(&mut tx, &viewer.user.username, &scope, p.id, &req).await?;
    tx.commit().await?;
    state.wall.changed(p.id);
    let body = json!({
        "id": c.id,
        "household_code": req.household_code.trim(),
        "flat_code": c.flat_code,
        "storeroom_code": c.storeroom_code,
        "parking_code": c.parking_code,
        "position": c.position,
        "entitlement_area": super::flats::area_number(c.entitlement_area),
        "chosen_area": super::flats::area_number(c.chosen_area),
        "excess_area": super::flats::area_number(c.excess_area),
        "price_difference_fen": c.excess_price.0,
        "chosen_at": c.chosen_at.to_rfc3339(),
    });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}
