//! The union module's JSON API under `/api/v1/union/`: member search and lookup, the
//! ranking, a township's checklist. Same roles and scope as the pages; member data is
//! masked in searches and full only in a lookup of a member within the caller's scope.

use super::members::ListQuery;
use super::scope;
use crate::access::Access::Roles;
use crate::error::{ApiError, AppError};
use crate::pages::Asked;
use crate::pages::YearQuery;
use crate::routes::roles::{UNION_READ, UNION_WRITE};
use crate::routes::{Route, get, post, put};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use domain::platform::ResidentId;
use domain::union::township::Township;
use serde_json::{Value, json};
use store::union::coverage;
use store::union::members::{self, Member, MemberSort};

pub mod records;

/// The union API's routes: the same roles as the pages (readers read, staff write, in
/// their scope).
pub(super) fn routes() -> Vec<Route> {
    use records::*;
    let (read, write) = (Roles(UNION_READ), Roles(UNION_WRITE));
    vec![
        get("/api/v1/union/members", read, "会员检索（JSON）", members),
        post(
            "/api/v1/union/members",
            write,
            "登记会员（入会）",
            member_join,
        ),
        get(
            "/api/v1/union/members/{resident_id}",
            read,
            "会员详情（JSON）",
            member,
        ),
        post(
            "/api/v1/union/members/{resident_id}/transfer",
            write,
            "会员转会",
            member_transfer,
        ),
        post(
            "/api/v1/union/members/{resident_id}/leave",
            write,
            "会员离会",
            member_leave,
        ),
        get("/api/v1/union/ranking", read, "乡镇排名（JSON）", ranking),
        get(
            "/api/v1/union/townships/{code}/checklist",
            read,
            "建会清单（JSON）",
            checklist,
        ),
        get(
            "/api/v1/union/enterprises",
            read,
            "企业名录（JSON）",
            enterprises_list,
        ),
        post(
            "/api/v1/union/enterprises",
            write,
            "登记企业",
            enterprise_create,
        ),
        get(
            "/api/v1/union/enterprises/{id}",
            read,
            "企业详情（JSON）",
            enterprise,
        ),
        put(
            "/api/v1/union/enterprises/{id}",
            write,
            "修改企业",
            enterprise_update,
        ),
        get(
            "/api/v1/union/unions",
            read,
            "工会组织（JSON）",
            unions_list,
        ),
        post("/api/v1/union/unions", write, "新建工会", union_create),
        get("/api/v1/union/unions/{id}", read, "工会详情（JSON）", union),
    ]
}

pub(crate) fn member_json(m: &Member, full: bool) -> Value {
    json!({
        "id": m.id,
        "name": m.name,
        "resident_id": if full { m.resident_id.to_string() } else { m.masked_id() },
        "mobile": match (&m.mobile, full) {
            (Some(mobile), true) => mobile.to_string(),
            _ => m.masked_mobile(),
        },
        "sex": m.sex_label(),
        "birth_date": m.birth_date().to_string(),
        "union_id": m.union_id,
        "union": m.union_name,
        "township": m.township.map(|t| t.name()),
        "joined_on": m.joined_on,
        "migrant_worker": m.migrant_worker,
        "left_on": m.left_on,
    })
}

/// `GET /api/v1/union/members`: the registry in the caller's scope, masked — a search
/// by name (prefix), resident ID or mobile with `q`, the list page's filters and orders,
/// read by keyset: `next` and `previous` are cursors to pass back as `after` / `before`,
/// so a client can walk every member of a province at the cost of the first page.
#[utoipa::path(get, path = "/api/v1/union/members", params(ListQuery),
    responses((status = 200, body = Value)), tag = "union")]
pub async fn members(at: Asked, Query(q): Query<ListQuery>) -> Result<Json<Value>, ApiError> {
    let mut filter = q.filter();
    if q.sort.is_none() && filter.q.is_some() {
        filter.sort = MemberSort::Name; // a search reads best by name
    }
    let limit = q.limit.unwrap_or(20).clamp(1, 200);
    let cursor = q.cursor();
    let page = members::list_from(
        &at.state.db,
        scope(&at.viewer)?,
        &filter,
        cursor.as_ref(),
        limit,
    )
    .await?;
    Ok(Json(json!({
        "q": filter.q,
        "total": page.total,
        "count": page.rows.len(),
        "members": page.rows.iter().map(|m| member_json(m, false)).collect::<Vec<_>>(),
        "next": page.next.map(|c| c.token()),
        "previous": page.previous.map(|c| c.token()),
    })))
}

/// `GET /api/v1/union/members/{resident_id}`: one member in full, if in scope.
#[utoipa::path(get, path = "/api/v1/union/members/{resident_id}",
    params(("resident_id" = String, Path, description = "身份证号")),
    responses((status = 200, body = Value), (status = 404, body = crate::error::ErrorBody)), tag = "union")]
pub async fn member(at: Asked, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let id = ResidentId::parse(&id).map_err(|_| AppError::NotFound)?;
    let m = members::by_resident_id(&at.state.db, scope(&at.viewer)?, &id).await?;
    let history = members::transfers(&at.state.db, m.id).await?;
    let mut v = member_json(&m, true);
    v["transfers"] = json!(
        history
            .iter()
            .map(|t| json!({"on": t.transferred_on, "from": t.from_union, "to": t.to_union}))
            .collect::<Vec<_>>()
    );
    Ok(Json(v))
}

/// `GET /api/v1/union/ranking?year=`: the ranking with every figure.
#[utoipa::path(get, path = "/api/v1/union/ranking", params(YearQuery),
    responses((status = 200, body = Value)), tag = "union")]
pub async fn ranking(
    State(state): State<AppState>,
    Query(q): Query<YearQuery>,
) -> Result<Json<Value>, ApiError> {
    let r = state.figures.read(&state.db).await?;
    let year = super::year_in(&r, &state, q.year.as_deref()).await?;
    let ranked = super::dashboard::ranked(&r, &state.db, year).await?;
    Ok(Json(json!({ "year": year, "ranking": *ranked })))
}

/// `GET /api/v1/union/townships/{code}/checklist`: a township's open checklist.
#[utoipa::path(get, path = "/api/v1/union/townships/{code}/checklist",
    params(("code" = String, Path, description = "乡镇代码或名称")),
    responses((status = 200, body = Value), (status = 404, body = crate::error::ErrorBody)), tag = "union")]
pub async fn checklist(at: Asked, Path(code): Path<String>) -> Result<Json<Value>, ApiError> {
    let t = Township::from_code(&code)
        .or_else(|| Township::parse(&code).ok())
        .ok_or(AppError::NotFound)?;
    if !scope(&at.viewer)?.allows_code(Some(t.code())) {
        return Err(AppError::NotFound.into());
    }
    let open = coverage::checklist(&at.state.db, t).await?;
    Ok(Json(json!({
        "township": t.name(),
        "code": t.code(),
        "outstanding": open.iter().map(|e| json!({
            "id": e.id,
            "name": e.name,
            "credit_code": e.credit_code,
            "headcount": e.headcount,
            "provincial": e.provincial,
        })).collect::<Vec<_>>(),
    })))
}
