//! The JSON API under `/api/v1/`, authenticated by session or `Authorization: Bearer`.

use crate::error::ApiError;
use crate::pages::audit::AuditQuery;
use crate::routes::RouteTable;
use crate::session::Viewer;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::{Extension, Json};
use serde_json::{Value, json};
use std::sync::Arc;

/// `GET /api/v1/me`: who the token or session belongs to.
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

/// `GET /api/openapi.json`: the API described from the route table itself.
pub async fn openapi(Extension(table): Extension<Arc<RouteTable>>) -> Json<Value> {
    let mut paths = serde_json::Map::new();
    for spec in table
        .all()
        .iter()
        .filter(|s| s.path.starts_with("/api/v1/"))
    {
        let entry = paths
            .entry(spec.path.to_string())
            .or_insert_with(|| json!({}));
        let roles = match spec.access {
            crate::access::Access::Public => "公开".to_string(),
            crate::access::Access::AnyUser => "任何登录用户".to_string(),
            crate::access::Access::Roles(rs) => {
                rs.iter().map(|r| r.code()).collect::<Vec<_>>().join(", ")
            }
        };
        let params: Vec<Value> = spec
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        entry[spec.method.as_str().to_lowercase()] = json!({
            "summary": spec.summary,
            "description": format!("可用角色：{roles}"),
            "parameters": params,
            "security": [{"bearer": []}],
            "responses": {"200": {"description": "成功"}, "401": {"description": "未登录"}, "403": {"description": "无权访问"}}
        });
    }
    Json(json!({
        "openapi": "3.0.3",
        "info": {"title": "groundwork API", "version": env!("CARGO_PKG_VERSION")},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": paths,
    }))
}
