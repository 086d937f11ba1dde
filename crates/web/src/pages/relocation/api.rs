//! The campaign's records through the API: households (list, read, add, correct), their
//! buildings (register, verify), milestones (record, undo) and visits. Each write reads
//! its body with the page's own form struct and runs the form's own rule in one unit of
//! work with the caller's scope (a working group writes only its households), its audit
//! entry and the live wall told, exactly as the pages do.

use super::households::{HouseholdForm, ListQuery, PER_PAGE};
use super::records::{BuildingForm, MilestoneForm, VisitForm};
use super::scope;
use crate::access::Access;
use crate::api::{Body, Saved};
use crate::error::{ApiError, AppError, ErrorBody};
use crate::pages::{Keyed, commit, paging};
use crate::routes::{Route, get, post, put};
use axum::Json;
use axum::extract::Query;
use axum::http::StatusCode;
use serde::Serialize;
use serde_json::{Value, json};
use store::Tx;
use store::relocation::households::{self, Household, Stage};
use store::relocation::{Scope, buildings, projects, worklog};
use utoipa::ToSchema;

/// The records API's routes: the same roles as the pages (commanders add households,
/// staff change their households, readers read).
pub(super) fn routes(read: Access, write: Access, command: Access) -> Vec<Route> {
    vec![
        get(
            "/api/v1/relocation/projects/{code}/households",
            read,
            "被征收户列表（JSON）",
            households_list,
        ),
        post(
            "/api/v1/relocation/projects/{code}/households",
            command,
            "新增被征收户",
            household_create,
        ),
        get(
            "/api/v1/relocation/households/{id}",
            read,
            "户详情（JSON）",
            household,
        ),
        put(
            "/api/v1/relocation/households/{id}",
            write,
            "修改户信息",
            household_update,
        ),
        get(
            "/api/v1/relocation/households/{id}/buildings",
            read,
            "户的房屋（JSON）",
            buildings_list,
        ),
        post(
            "/api/v1/relocation/households/{id}/buildings",
            write,
            "登记房屋",
            building_add,
        ),
        post(
            "/api/v1/relocation/buildings/{id}/verify",
            write,
            "确权",
            building_verify,
        ),
        post(
            "/api/v1/relocation/households/{id}/milestones",
            write,
            "登记节点",
            milestone_record,
        ),
        post(
            "/api/v1/relocation/households/{id}/milestones/undo",
            write,
            "撤销节点",
            milestone_undo,
        ),
        get(
            "/api/v1/relocation/households/{id}/visits",
            read,
            "走访记录（JSON）",
            visits_list,
        ),
        post(
            "/api/v1/relocation/households/{id}/visits",
            write,
            "登记走访",
            visit_add,
        ),
    ]
}

/// A page of a project's households.
#[derive(Serialize, ToSchema)]
pub struct HouseholdPage {
    total: i64,
    page: i64,
    per_page: i64,
    /// Each household with `team_name`, `person_name` and `stage` (its progress).
    #[schema(value_type = Vec<Object>)]
    households: Vec<Value>,
}

/// A household as the API shows it: the record, with its stage's label.
fn household_json(h: &Household) -> Value {
    let mut v = json!(h);
    v["stage"] = json!(Stage::of(h).label());
    v
}

/// Runs `work` as one unit of work with the caller's relocation scope; `work` gives its
/// value and the project whose wall to tell.
async fn write<K, T, F>(at: &Keyed<K>, work: F) -> Result<T, ApiError>
where
    F: AsyncFnOnce(&mut Tx, &str, &Scope) -> Result<(T, Option<i64>), AppError>,
{
    let scope = scope(&at.state, &at.viewer).await?;
    let actor = at.viewer.user.username.as_str();
    Ok(commit(&at.state, async |tx| work(tx, actor, &scope).await).await?)
}

/// `GET /api/v1/relocation/projects/{code}/households`: the project's households in the
/// caller's scope, with the list page's search, filters and order, fifty per page.
#[utoipa::path(get, path = "/api/v1/relocation/projects/{code}/households",
    params(("code" = String, Path, description = "项目编号", example = "YCQ2019-01"), ListQuery),
    responses((status = 200, body = HouseholdPage), (status = 404, body = ErrorBody)),
    tag = "relocation")]
pub async fn households_list(
    at: Keyed<String>,
    Query(q): Query<ListQuery>,
) -> Result<Json<HouseholdPage>, ApiError> {
    let scope = scope(&at.state, &at.viewer).await?;
    let p = projects::by_code(&at.state.db, &scope, &at.key).await?;
    let (page, per, offset) = paging(q.page, PER_PAGE);
    let (rows, total) =
        households::list(&at.state.db, &scope, p.id, &q.filter()?, per, offset).await?;
    Ok(Json(HouseholdPage {
        total,
        page,
        per_page: per,
        households: rows
            .iter()
            .map(|r| {
                let mut v = household_json(&r.household);
                v["team_name"] = json!(r.team_name);
                v["person_name"] = json!(r.person_name);
                v
            })
            .collect(),
    }))
}

/// `POST /api/v1/relocation/projects/{code}/households`: adds a household (commanders);
/// 201 with its id, 422 when the code is already used.
#[utoipa::path(post, path = "/api/v1/relocation/projects/{code}/households",
    params(("code" = String, Path, description = "项目编号", example = "YCQ2019-01")), request_body = HouseholdForm,
    responses((status = 201, body = Saved), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)), tag = "relocation")]
pub async fn household_create(
    at: Keyed<String>,
    Body(f): Body<HouseholdForm>,
) -> Result<(StatusCode, Json<Saved>), ApiError> {
    let id = write(&at, async |tx, actor, scope| {
        let p = projects::by_code(&mut *tx, scope, &at.key).await?;
        Ok((f.create_in(tx, actor, &p).await?, Some(p.id)))
    })
    .await?;
    Ok(Saved::created(id))
}

/// `GET /api/v1/relocation/households/{id}`: a household with its buildings and visits.
#[utoipa::path(get, path = "/api/v1/relocation/households/{id}", params(("id" = i64, Path, example = 1)),
    responses((status = 200, body = Value), (status = 404, body = ErrorBody)),
    tag = "relocation")]
pub async fn household(at: Keyed) -> Result<Json<Value>, ApiError> {
    let scope = scope(&at.state, &at.viewer).await?;
    let h = households::get(&at.state.db, &scope, at.key).await?;
    let mut v = household_json(&h);
    v["buildings"] = json!(buildings::of_household(&at.state.db, h.id).await?);
    v["visits"] = json!(worklog::of_household(&at.state.db, h.id).await?);
    Ok(Json(v))
}

/// `PUT /api/v1/relocation/households/{id}`: corrects a household's identity and contact
/// fields (the code stays); the household as saved.
#[utoipa::path(put, path = "/api/v1/relocation/households/{id}", params(("id" = i64, Path, example = 1)),
    request_body = HouseholdForm,
    responses((status = 200, body = Value), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)), tag = "relocation")]
pub async fn household_update(
    at: Keyed,
    Body(f): Body<HouseholdForm>,
) -> Result<Json<Value>, ApiError> {
    let h = write(&at, async |tx, actor, scope| {
        let project = f.update(tx, actor, scope, at.key).await?;
        Ok((
            households::get(&mut *tx, scope, at.key).await?,
            Some(project),
        ))
    })
    .await?;
    Ok(Json(household_json(&h)))
}

/// `GET /api/v1/relocation/households/{id}/buildings`: a household's buildings.
#[utoipa::path(get, path = "/api/v1/relocation/households/{id}/buildings",
    params(("id" = i64, Path, example = 1)),
    responses((status = 200, body = Value), (status = 404, body = ErrorBody)),
    tag = "relocation")]
pub async fn buildings_list(at: Keyed) -> Result<Json<Value>, ApiError> {
    let scope = scope(&at.state, &at.viewer).await?;
    let h = households::get(&at.state.db, &scope, at.key).await?;
    Ok(Json(json!(
        buildings::of_household(&at.state.db, h.id).await?
    )))
}

/// `POST /api/v1/relocation/households/{id}/buildings`: registers a building (201) or
/// corrects the one with the same certificate number (200); a corrected figure clears
/// its verification, as on the page.
#[utoipa::path(post, path = "/api/v1/relocation/households/{id}/buildings",
    params(("id" = i64, Path, example = 1)), request_body = BuildingForm,
    responses((status = 201, body = Saved), (status = 200, body = Saved),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), tag = "relocation")]
pub async fn building_add(
    at: Keyed,
    Body(f): Body<BuildingForm>,
) -> Result<(StatusCode, Json<Saved>), ApiError> {
    let (id, created) = write(&at, async |tx, actor, scope| {
        Ok((
            buildings::upsert(tx, actor, scope, at.key, &f.fields()?).await?,
            None,
        ))
    })
    .await?;
    Ok(if created {
        Saved::created(id)
    } else {
        (StatusCode::OK, Json(Saved { id }))
    })
}

/// `POST /api/v1/relocation/buildings/{id}/verify`: title verification confirms a
/// building's figures (recorded with who and when).
#[utoipa::path(post, path = "/api/v1/relocation/buildings/{id}/verify",
    params(("id" = i64, Path, example = 1)),
    responses((status = 200, body = Saved), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)), tag = "relocation")]
pub async fn building_verify(at: Keyed) -> Result<Json<Saved>, ApiError> {
    write(&at, async |tx, actor, scope| {
        buildings::verify(tx, actor, scope, at.key).await?;
        Ok(((), None))
    })
    .await?;
    Ok(Json(Saved { id: at.key }))
}

/// `POST /api/v1/relocation/households/{id}/milestones`: records signing, vacating,
/// demolition or clearing, in order; the household as it then is.
#[utoipa::path(post, path = "/api/v1/relocation/households/{id}/milestones",
    params(("id" = i64, Path, example = 1)), request_body = MilestoneForm,
    responses((status = 200, body = Value), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)), tag = "relocation")]
pub async fn milestone_record(
    at: Keyed,
    Body(f): Body<MilestoneForm>,
) -> Result<Json<Value>, ApiError> {
    let h = write(&at, async |tx, actor, scope| {
        let project = f.record(tx, actor, scope, at.key).await?.project_id;
        Ok((
            households::get(&mut *tx, scope, at.key).await?,
            Some(project),
        ))
    })
    .await?;
    Ok(Json(household_json(&h)))
}

/// `POST /api/v1/relocation/households/{id}/milestones/undo`: undoes the latest
/// milestone (the one the body names); the household as it then is.
#[utoipa::path(post, path = "/api/v1/relocation/households/{id}/milestones/undo",
    params(("id" = i64, Path, example = 1)), request_body = MilestoneForm,
    responses((status = 200, body = Value), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)), tag = "relocation")]
pub async fn milestone_undo(
    at: Keyed,
    Body(f): Body<MilestoneForm>,
) -> Result<Json<Value>, ApiError> {
    let h = write(&at, async |tx, actor, scope| {
        let project = f.undo(tx, actor, scope, at.key).await?.project_id;
        Ok((
            households::get(&mut *tx, scope, at.key).await?,
            Some(project),
        ))
    })
    .await?;
    Ok(Json(household_json(&h)))
}

/// `GET /api/v1/relocation/households/{id}/visits`: a household's visits, newest first.
#[utoipa::path(get, path = "/api/v1/relocation/households/{id}/visits",
    params(("id" = i64, Path, example = 1)),
    responses((status = 200, body = Value), (status = 404, body = ErrorBody)),
    tag = "relocation")]
pub async fn visits_list(at: Keyed) -> Result<Json<Value>, ApiError> {
    let scope = scope(&at.state, &at.viewer).await?;
    let h = households::get(&at.state.db, &scope, at.key).await?;
    Ok(Json(json!(
        worklog::of_household(&at.state.db, h.id).await?
    )))
}

/// `POST /api/v1/relocation/households/{id}/visits`: logs a visit or call; 201 with its id.
#[utoipa::path(post, path = "/api/v1/relocation/households/{id}/visits",
    params(("id" = i64, Path, example = 1)), request_body = VisitForm,
    responses((status = 201, body = Saved), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)), tag = "relocation")]
pub async fn visit_add(
    at: Keyed,
    Body(f): Body<VisitForm>,
) -> Result<(StatusCode, Json<Saved>), ApiError> {
    let id = write(&at, async |tx, actor, scope| {
        let (id, project) = f.add(tx, actor, scope, at.key).await?;
        Ok((id, Some(project)))
    })
    .await?;
    Ok(Saved::created(id))
}
