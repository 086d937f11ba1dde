//! The union registry written through the API: enterprises, unions and members (join,
//! transfer, leave). Each write reads its body with the page's own form struct and runs
//! the form's own rule in one unit of work, so the scope, the checks and the audit entry
//! are those of the pages.

use super::super::enterprises::{EnterpriseForm, ListQuery};
use super::super::members::{LeaveForm, MemberForm, TransferForm};
use super::super::organisations::UnionForm;
use super::super::scope;
use super::member_json;
use crate::api::{Body, Saved};
use crate::error::{ApiError, AppError};
use crate::pages::{Asked, Keyed, commit, paging};
use axum::Json;
use axum::extract::Query;
use axum::http::StatusCode;
use domain::platform::ResidentId;
use serde::Serialize;
use serde_json::Value;
use store::union::enterprises::{self, Enterprise};
use store::union::members;
use store::union::organisations::{self, UnionOrg};
use utoipa::ToSchema;

/// Enterprises per page of the API's list.
const PER_PAGE: i64 = 100;

/// An enterprise of the registry.
#[derive(Serialize, ToSchema)]
pub struct EnterpriseBody {
    id: i64,
    name: String,
    credit_code: String,
    /// The township's code.
    township: &'static str,
    township_name: &'static str,
    headcount: i64,
    provincial: bool,
    union_id: Option<i64>,
    union_name: Option<String>,
    union_founded_on: Option<String>,
}

impl From<Enterprise> for EnterpriseBody {
    fn from(e: Enterprise) -> Self {
        EnterpriseBody {
            id: e.id,
            township: e.township.code(),
            township_name: e.township.name(),
            name: e.name,
            credit_code: e.credit_code,
            headcount: e.headcount,
            provincial: e.provincial,
            union_id: e.union_id,
            union_name: e.union_name,
            union_founded_on: e.union_founded_on,
        }
    }
}

/// A page of enterprises.
#[derive(Serialize, ToSchema)]
pub struct EnterprisePage {
    total: i64,
    page: i64,
    per_page: i64,
    enterprises: Vec<EnterpriseBody>,
}

/// `GET /api/v1/union/enterprises`: the registry in the caller's scope, with the list
/// page's search, filters and order, a hundred per page.
#[utoipa::path(get, path = "/api/v1/union/enterprises", params(ListQuery),
    responses((status = 200, body = EnterprisePage)), tag = "union")]
pub async fn enterprises_list(
    at: Asked,
    Query(q): Query<ListQuery>,
) -> Result<Json<EnterprisePage>, ApiError> {
    let (page, per, offset) = paging(q.page, PER_PAGE);
    let (rows, total) =
        enterprises::list(&at.state.db, scope(&at.viewer)?, &q.filter(), per, offset).await?;
    Ok(Json(EnterprisePage {
        total,
        page,
        per_page: per,
        enterprises: rows.into_iter().map(EnterpriseBody::from).collect(),
    }))
}

/// `GET /api/v1/union/enterprises/{id}`: one enterprise in scope.
#[utoipa::path(get, path = "/api/v1/union/enterprises/{id}", params(("id" = i64, Path, example = 1)),
    responses((status = 200, body = EnterpriseBody), (status = 404, body = crate::error::ErrorBody)),
    tag = "union")]
pub async fn enterprise(at: Keyed) -> Result<Json<EnterpriseBody>, ApiError> {
    let e = enterprises::get(&at.state.db, scope(&at.viewer)?, at.key).await?;
    Ok(Json(e.into()))
}

/// `POST /api/v1/union/enterprises`: registers an enterprise; 201 with its id.
#[utoipa::path(post, path = "/api/v1/union/enterprises", request_body = EnterpriseForm,
    responses((status = 201, body = Saved), (status = 422, body = crate::error::ErrorBody)),
    tag = "union")]
pub async fn enterprise_create(
    at: Asked,
    Body(f): Body<EnterpriseForm>,
) -> Result<(StatusCode, Json<Saved>), ApiError> {
    let id = commit(&at.state, async |tx| {
        let id = f
            .register(tx, &at.viewer.user.username, scope(&at.viewer)?)
            .await?;
        Ok((id, None))
    })
    .await?;
    Ok(Saved::created(id))
}

/// `PUT /api/v1/union/enterprises/{id}`: corrects an enterprise; the record as saved.
#[utoipa::path(put, path = "/api/v1/union/enterprises/{id}", params(("id" = i64, Path, example = 1)),
    request_body = EnterpriseForm,
    responses((status = 200, body = EnterpriseBody), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)), tag = "union")]
pub async fn enterprise_update(
    at: Keyed,
    Body(f): Body<EnterpriseForm>,
) -> Result<Json<EnterpriseBody>, ApiError> {
    let sc = scope(&at.viewer)?;
    let e = commit(&at.state, async |tx| {
        enterprises::get(&mut *tx, sc, at.key).await?;
        enterprises::update(&mut *tx, &at.viewer.user.username, sc, at.key, &f.input()?).await?;
        Ok((enterprises::get(&mut *tx, sc, at.key).await?, None))
    })
    .await?;
    Ok(Json(e.into()))
}

/// A union organisation.
#[derive(Serialize, ToSchema)]
pub struct UnionBody {
    id: i64,
    name: String,
    /// The kind's code (`joint_union` …).
    kind: &'static str,
    kind_name: &'static str,
    parent_id: Option<i64>,
    /// The township's code (none for the city federation).
    township: Option<&'static str>,
    founded_on: Option<String>,
    reform_effective_on: Option<String>,
    /// Enterprises it covers.
    enterprises: i64,
    /// Members currently registered with it.
    members: i64,
}

impl From<UnionOrg> for UnionBody {
    fn from(u: UnionOrg) -> Self {
        UnionBody {
            id: u.id,
            kind: u.kind.code(),
            kind_name: u.kind.label(),
            township: u.township.map(|t| t.code()),
            name: u.name,
            parent_id: u.parent_id,
            founded_on: u.founded_on,
            reform_effective_on: u.reform_effective_on,
            enterprises: u.enterprises,
            members: u.members,
        }
    }
}

/// `GET /api/v1/union/unions`: the unions the caller may see, parents before children.
#[utoipa::path(get, path = "/api/v1/union/unions",
    responses((status = 200, body = Vec<UnionBody>)), tag = "union")]
pub async fn unions_list(at: Asked) -> Result<Json<Vec<UnionBody>>, ApiError> {
    let list = organisations::list(&at.state.db, scope(&at.viewer)?).await?;
    Ok(Json(list.into_iter().map(UnionBody::from).collect()))
}

/// `GET /api/v1/union/unions/{id}`: one union in scope.
#[utoipa::path(get, path = "/api/v1/union/unions/{id}", params(("id" = i64, Path, example = 1)),
    responses((status = 200, body = UnionBody), (status = 404, body = crate::error::ErrorBody)),
    tag = "union")]
pub async fn union(at: Keyed) -> Result<Json<UnionBody>, ApiError> {
    let u = organisations::get(&at.state.db, scope(&at.viewer)?, at.key).await?;
    Ok(Json(u.into()))
}

/// `POST /api/v1/union/unions`: creates a union; 201 with its id.
#[utoipa::path(post, path = "/api/v1/union/unions", request_body = UnionForm,
    responses((status = 201, body = Saved), (status = 422, body = crate::error::ErrorBody)),
    tag = "union")]
pub async fn union_create(
    at: Asked,
    Body(f): Body<UnionForm>,
) -> Result<(StatusCode, Json<Saved>), ApiError> {
    let id = commit(&at.state, async |tx| {
        let id = f
            .create(tx, &at.viewer.user.username, scope(&at.viewer)?)
            .await?;
        Ok((id, None))
    })
    .await?;
    Ok(Saved::created(id))
}

/// `POST /api/v1/union/members`: registers (joins) a member; 201 with the id. An ID
/// already registered is refused (422), as on the page.
#[utoipa::path(post, path = "/api/v1/union/members", request_body = MemberForm,
    responses((status = 201, body = Saved), (status = 422, body = crate::error::ErrorBody)),
    tag = "union")]
pub async fn member_join(
    at: Asked,
    Body(f): Body<MemberForm>,
) -> Result<(StatusCode, Json<Saved>), ApiError> {
    let id = commit(&at.state, async |tx| {
        let id = f
            .join(tx, &at.viewer.user.username, scope(&at.viewer)?)
            .await?;
        Ok((id, None))
    })
    .await?;
    Ok(Saved::created(id))
}

/// Runs a change of the member whose resident ID the path names, found in the caller's
/// scope inside the unit of work; answers with the member as it then is (in full while
/// still in scope, or masked once transferred out of it).
async fn on_member<F>(at: &Keyed<String>, work: F) -> Result<Json<Value>, ApiError>
where
    F: AsyncFnOnce(&mut store::Tx, &str, store::union::Scope, i64) -> Result<(), AppError>,
{
    let rid = ResidentId::parse(&at.key).map_err(|_| AppError::NotFound)?;
    let sc = scope(&at.viewer)?;
    let m = commit(&at.state, async |tx| {
        let m = members::by_resident_id(&mut *tx, sc, &rid).await?;
        work(tx, &at.viewer.user.username, sc, m.id).await?;
        Ok((
            members::get(&mut *tx, store::union::Scope::City, m.id).await?,
            None,
        ))
    })
    .await?;
    // Shown in full while still in the caller's scope (the rule `members::get` applies).
    let in_scope = sc.allows_code(m.township.map(|t| t.code()));
    Ok(Json(member_json(&m, in_scope)))
}

/// `POST /api/v1/union/members/{resident_id}/transfer`: moves a member to another union.
#[utoipa::path(post, path = "/api/v1/union/members/{resident_id}/transfer",
    params(("resident_id" = String, Path, description = "身份证号")), request_body = TransferForm,
    responses((status = 200, body = Value), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)), tag = "union")]
pub async fn member_transfer(
    at: Keyed<String>,
    Body(f): Body<TransferForm>,
) -> Result<Json<Value>, ApiError> {
    on_member(&at, async |tx, actor, sc, id| {
        f.apply(tx, actor, sc, id).await
    })
    .await
}

/// `POST /api/v1/union/members/{resident_id}/leave`: records that a member left.
#[utoipa::path(post, path = "/api/v1/union/members/{resident_id}/leave",
    params(("resident_id" = String, Path, description = "身份证号")), request_body = LeaveForm,
    responses((status = 200, body = Value), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)), tag = "union")]
pub async fn member_leave(
    at: Keyed<String>,
    Body(f): Body<LeaveForm>,
) -> Result<Json<Value>, ApiError> {
    on_member(&at, async |tx, actor, sc, id| {
        f.apply(tx, actor, sc, id).await
    })
    .await
}
