//! The application assembled: every route declared once with who may use it, mounted
//! behind the telemetry and the access guard. This is the top of the crate: it knows
//! every page, and nothing below it knows it.

use crate::access;
use crate::routes::{Access, Route, RouteTable, get, post, roles};
use crate::state::AppState;
use crate::{api, assets, pages};
use axum::middleware::from_fn_with_state;
use axum::{Extension, Router};
use std::sync::Arc;

impl RouteTable {
    /// The application's table, from [`declare`].
    pub fn build() -> RouteTable {
        RouteTable::new(declare().into_iter().map(|r| r.spec).collect())
    }
}

/// The table itself. The navigation lists its entries in this order.
fn declare() -> Vec<Route> {
    use Access::{AnyUser, Public, Roles};
    use roles::*;
    let mut routes = vec![
        // Platform.
        get("/healthz", Public, "健康检查", pages::platform::healthz),
        get(
            "/metrics",
            Public,
            "Prometheus 指标",
            pages::platform::metrics,
        ),
        get("/api/openapi.json", Public, "OpenAPI 文档", api::openapi),
        get("/assets/{file}", Public, "静态资源", assets::serve),
        get("/login", Public, "登录页", pages::login::form),
        post("/login", Public, "登录", pages::login::submit),
        post("/logout", AnyUser, "退出登录", pages::login::logout),
        get("/", AnyUser, "首页", pages::home::home).nav("首页"),
    ];
    routes.extend(pages::union::routes());
    routes.extend(pages::relocation::routes());
    routes.extend([
        // The yearbook of both offices: each reader sees the offices they work in.
        get(
            "/reports/annual",
            Roles(STAFF),
            "年度工作年鉴数据",
            pages::yearbook::page,
        )
        .nav("年度报告"),
        get(
            "/reports/annual.xlsx",
            Roles(STAFF),
            "年度工作年鉴数据导出Excel",
            pages::yearbook::xlsx,
        ),
        get(
            "/api/v1/reports/annual",
            Roles(STAFF),
            "年度工作年鉴数据（JSON）",
            pages::yearbook::api,
        ),
        get("/admin/users", Roles(ADMIN), "用户管理", pages::users::list).nav("用户管理"),
        post(
            "/admin/users",
            Roles(ADMIN),
            "新增用户",
            pages::users::create,
        ),
        post(
            "/admin/users/{username}/disable",
            Roles(ADMIN),
            "停用用户",
            pages::users::disable,
        ),
        post(
            "/admin/users/{username}/enable",
            Roles(ADMIN),
            "启用用户",
            pages::users::enable,
        ),
        get(
            "/account",
            AnyUser,
            "我的账号与 API 令牌",
            pages::users::account,
        ),
        post(
            "/account/tokens",
            Roles(STAFF),
            "创建 API 令牌",
            pages::users::create_token,
        ),
        post(
            "/account/tokens/{id}/revoke",
            AnyUser,
            "吊销 API 令牌",
            pages::users::revoke_token,
        ),
        get(
            "/api/v1/tokens",
            AnyUser,
            "我的 API 令牌（JSON）",
            pages::users::api_tokens,
        ),
        post(
            "/api/v1/tokens/{id}/revoke",
            AnyUser,
            "吊销 API 令牌（JSON）",
            pages::users::api_revoke_token,
        ),
        get(
            "/audit",
            Roles(AUDIT_READERS),
            "审计日志",
            pages::audit::list,
        )
        .nav("审计日志"),
        get(
            "/audit/verify",
            Roles(AUDIT_READERS),
            "审计链校验",
            pages::audit::verify,
        ),
        post(
            "/audit/verify/job",
            Roles(AUDIT_READERS),
            "后台校验审计链",
            pages::audit::verify_job,
        ),
        get(
            "/audit/entries/{seq}",
            Roles(AUDIT_READERS),
            "审计日志条目",
            pages::audit::entry,
        ),
        get(
            "/audit/export",
            Roles(AUDIT_READERS),
            "审计日志导出Excel",
            pages::audit::export,
        ),
        get(
            "/notifications",
            Roles(NOTIFY_READ),
            "通知发送",
            pages::notifications::list,
        )
        .nav("通知发送"),
        get(
            "/notifications.xlsx",
            Roles(NOTIFY_READ),
            "导出通知发送",
            pages::notifications::export,
        ),
        post(
            "/notifications",
            Roles(NOTIFY_WRITE),
            "新建通知",
            pages::notifications::compose,
        ),
        get(
            "/notifications/{id}",
            Roles(NOTIFY_READ),
            "通知详情",
            pages::notifications::detail,
        ),
        post(
            "/notifications/{id}/retry",
            Roles(NOTIFY_WRITE),
            "重试通知",
            pages::notifications::retry,
        ),
        post(
            "/notifications/{id}/cancel",
            Roles(NOTIFY_WRITE),
            "取消通知",
            pages::notifications::cancel,
        ),
        get(
            "/notifications/optouts",
            Roles(NOTIFY_READ),
            "退订名单",
            pages::optouts::list,
        ),
        post(
            "/notifications/optouts",
            Roles(NOTIFY_WRITE),
            "登记退订",
            pages::optouts::add,
        ),
        post(
            "/notifications/optouts/{id}/remove",
            Roles(NOTIFY_WRITE),
            "撤销退订",
            pages::optouts::remove,
        ),
        // Background jobs: each user's own; the administrator sees all.
        get("/jobs", Roles(STAFF), "后台任务", pages::jobs::list).nav("后台任务"),
        get(
            "/jobs/{id}",
            Roles(STAFF),
            "后台任务进度与结果",
            pages::jobs::show,
        ),
        post(
            "/jobs/{id}/cancel",
            Roles(STAFF),
            "取消后台任务",
            pages::jobs::cancel,
        ),
        get(
            "/jobs/{id}/file",
            Roles(STAFF),
            "下载后台任务结果文件",
            pages::jobs::file,
        ),
        get(
            "/api/v1/jobs/{id}",
            Roles(STAFF),
            "后台任务状态（JSON）",
            pages::jobs::api,
        ),
        get("/api/v1/me", AnyUser, "当前用户", api::me),
        get(
            "/api/v1/audit",
            Roles(AUDIT_READERS),
            "审计日志（JSON）",
            api::audit_entries,
        ),
        get("/public/", Public, "公开信息首页", pages::home::public_home).nav("公开信息"),
    ]);
    routes
}

/// The application router.
pub fn router(state: AppState) -> Router {
    let mut r: Router<AppState> = Router::new();
    for route in declare() {
        r = r.route(route.spec.path, route.handler);
    }
    r.route_layer(from_fn_with_state(state.clone(), access::guard))
        .fallback(pages::not_found)
        .layer(from_fn_with_state(state.clone(), crate::telemetry::observe))
        .layer(axum::middleware::from_fn(crate::headers::secure))
        // Outermost, so the guard and the OpenAPI page find the table.
        .layer(Extension(Arc::new(RouteTable::build())))
        .with_state(state)
}
