//! The JSON API under `/api/v1/`, authenticated by session or `Authorization: Bearer`.
//!
//! Its handlers live beside the pages of their area and read bodies with the pages' own
//! form structs, so the API and the forms share one rule per change. The OpenAPI document
//! is generated from those handlers' annotations and types (`utoipa`), and each operation
//! names the roles the route table lets use it; a test holds the document and the route
//! table to the same set of paths.

use crate::error::{ApiError, AppError, ErrorBody};
use crate::pages;
use crate::pages::audit::AuditQuery;
use crate::routes::{Access, RouteTable};
use crate::session::Viewer;
use crate::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Query, Request, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::sync::Arc;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

/// A JSON request body decoded into `T` (most often a page's form struct); a body that
/// does not decode is refused with a Chinese message naming what was wrong, as JSON.
#[derive(Debug, Clone, Copy, Default)]
pub struct Body<T>(pub T);

impl<T, S> FromRequest<S> for Body<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(refusal(&rejection)),
        }
    }
}

/// The refusal of a body that does not decode.
fn refusal(rejection: &JsonRejection) -> ApiError {
    let message = match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            "请求内容应为 JSON（Content-Type: application/json）".to_string()
        }
        JsonRejection::JsonSyntaxError(_) => "请求内容不是有效的 JSON".to_string(),
        other => {
            // serde says "Failed to deserialize the JSON body into the target type: FIELD:
            // REASON at line 1 column 9"; the readers' own reasons are already Chinese.
            let text = other.body_text();
            let detail = text.split_once(": ").map_or(text.as_str(), |(_, r)| r);
            format!("请求内容无法读取：{detail}")
        }
    };
    ApiError(AppError::BadRequest(message))
}

/// The id of a record an API call created or changed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Saved {
    /// The record's id.
    pub id: i64,
}

impl Saved {
    /// 201 Created with the new record's id.
    pub fn created(id: i64) -> (StatusCode, Json<Saved>) {
        (StatusCode::CREATED, Json(Saved { id }))
    }
}

/// `GET /api/v1/me`: who the token or session belongs to.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = Value)), tag = "platform")]
pub async fn me(viewer: Viewer) -> Json<Value> {
    let c = viewer.user.account.columns();
    Json(json!({
        "username": viewer.user.username,
        "display_name": viewer.user.display_name,
        "role": viewer.user.role(),
        "township": c.township,
        "town": c.town,
        "team_id": c.team_id,
    }))
}

/// `GET /api/v1/audit`: entries, newest first, with the same filters as the page.
#[utoipa::path(get, path = "/api/v1/audit", params(AuditQuery),
    responses((status = 200, body = Value)), tag = "platform")]
pub async fn audit_entries(
    State(state): State<AppState>,
    _viewer: Viewer,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Value>, ApiError> {
    let (page, per, offset) = crate::pages::paging(q.page(), 100);
    let (entries, total) = store::audit::list(&state.db, &q.filter(), per, offset).await?;
    Ok(Json(
        json!({ "total": total, "page": page, "entries": entries }),
    ))
}

/// Every API operation, gathered from the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(title = "groundwork API", description = "市总工会与征收安置指挥部的数据接口。\
        以 `Authorization: Bearer 令牌` 调用（令牌在“我的账户”页创建）。错误以 JSON 返回：\
        `{\"code\": \"not_found\", \"error\": \"中文说明\"}`。金额以分为单位的整数，面积为文字形式的精确小数。"),
    paths(
        me,
        audit_entries,
        pages::users::api_tokens,
        pages::users::api_revoke_token,
        pages::yearbook::api,
        pages::jobs::api,
        pages::union::api::members,
        pages::union::api::member,
        pages::union::api::ranking,
        pages::union::api::checklist,
        pages::union::api::records::enterprises_list,
        pages::union::api::records::enterprise,
        pages::union::api::records::enterprise_create,
        pages::union::api::records::enterprise_update,
        pages::union::api::records::unions_list,
        pages::union::api::records::union,
        pages::union::api::records::union_create,
        pages::union::api::records::member_join,
        pages::union::api::records::member_transfer,
        pages::union::api::records::member_leave,
        pages::union::services::activities::list_json,
        pages::union::services::activities::figures_json,
        pages::union::welfare::api::programmes,
        pages::union::welfare::api::create,
        pages::union::welfare::api::enrol,
        pages::union::rights::figures_api,
        pages::relocation::wall::api,
        pages::relocation::grievances::api,
        pages::relocation::flats::api_list,
        pages::relocation::choosing::api_choose,
        pages::relocation::api::households_list,
        pages::relocation::api::household_create,
        pages::relocation::api::household,
        pages::relocation::api::household_update,
        pages::relocation::api::buildings_list,
        pages::relocation::api::building_add,
        pages::relocation::api::building_verify,
        pages::relocation::api::milestone_record,
        pages::relocation::api::milestone_undo,
        pages::relocation::api::visits_list,
        pages::relocation::api::visit_add,
    ),
    components(schemas(ErrorBody, Saved)),
    security(("bearer" = [])),
)]
struct ApiDoc;

/// The document: the handlers' operations, each told who may use it (from the route
/// table, the same rule the guard enforces) and given the bearer scheme.
pub fn document(table: &RouteTable) -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
    );
    for spec in table
        .all()
        .iter()
        .filter(|s| s.path.starts_with("/api/v1/"))
    {
        let Some(item) = doc.paths.paths.get_mut(spec.path) else {
            continue;
        };
        let operation = match spec.method.as_str() {
            "GET" => item.get.as_mut(),
            "POST" => item.post.as_mut(),
            "PUT" => item.put.as_mut(),
            _ => None,
        };
        if let Some(op) = operation {
            let roles = match spec.access {
                Access::Public => "公开".to_string(),
                Access::AnyUser => "任何登录用户".to_string(),
                Access::Roles(rs) => rs.iter().map(|r| r.code()).collect::<Vec<_>>().join(", "),
            };
            op.summary = Some(spec.summary.to_string());
            let said = op.description.take().unwrap_or_default();
            op.description = Some(format!("{said}\n\n可用角色：{roles}").trim().to_string());
        }
    }
    doc
}

/// `GET /api/openapi.json`: the API described (see [`document`]).
pub async fn openapi(
    Extension(table): Extension<Arc<RouteTable>>,
) -> Json<utoipa::openapi::OpenApi> {
    Json(document(&table))
}
