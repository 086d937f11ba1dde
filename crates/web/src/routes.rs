//! Every route, declared once with who may use it. The router, the access guard, the
//! OpenAPI document and the route-by-role test all read this one table, so a route
//! cannot be added without deciding who may use it.

use crate::access::{self, Access};
use crate::state::AppState;
use crate::{api, assets, pages};
use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodRouter, get as get_route, post as post_route};
use domain::platform::Role;
use std::collections::HashMap;

/// Role groups used by the table.
pub mod roles {
    use domain::platform::Role::{self, *};
    /// System administration.
    pub const ADMIN: &[Role] = &[Admin];
    /// Readers of the audit log.
    pub const AUDIT_READERS: &[Role] = &[Admin, Inspector];
    /// Who reads union records.
    pub const UNION_READ: &[Role] = &[Admin, UnionAdmin, UnionStaff, Inspector];
    /// Who changes union records.
    pub const UNION_WRITE: &[Role] = &[Admin, UnionAdmin, UnionStaff];
    /// City-wide union administration (not township staff).
    pub const UNION_CITY: &[Role] = &[Admin, UnionAdmin];
    /// Who reads relocation records.
    pub const RELOCATION_READ: &[Role] = &[Admin, RelocationCommander, RelocationStaff, Inspector];
    /// Who changes relocation records.
    pub const RELOCATION_WRITE: &[Role] = &[Admin, RelocationCommander, RelocationStaff];
    /// Who runs a project (standards, teams, assignments).
    pub const RELOCATION_COMMAND: &[Role] = &[Admin, RelocationCommander];
    /// Members using the portal.
    pub const MEMBERS: &[Role] = &[Member];
    /// Everyone who works with records (not members): may hold API tokens.
    pub const STAFF: &[Role] = &[
        Admin,
        UnionAdmin,
        UnionStaff,
        RelocationCommander,
        RelocationStaff,
        Inspector,
    ];
}

/// One route's declaration.
#[derive(Debug, Clone)]
pub struct RouteSpec {
    /// GET or POST.
    pub method: Method,
    /// Path pattern as axum writes it (`/users/{id}`).
    pub path: &'static str,
    /// Who may use it.
    pub access: Access,
    /// What it is, in Chinese (shown in the OpenAPI document).
    pub summary: &'static str,
    /// The label of its entry in the navigation, for the pages people start from; the
    /// navigation shows a viewer exactly the entries whose route they may use.
    pub nav: Option<&'static str>,
}

/// A declaration with its handler.
pub struct Route {
    /// The declaration.
    pub spec: RouteSpec,
    handler: MethodRouter<AppState>,
}

impl Route {
    /// Puts the route into the navigation under `label`.
    pub fn nav(mut self, label: &'static str) -> Route {
        self.spec.nav = Some(label);
        self
    }
}

/// Declares a GET route.
pub fn get<H, T>(path: &'static str, access: Access, summary: &'static str, h: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    Route {
        spec: RouteSpec {
            method: Method::GET,
            path,
            access,
            summary,
            nav: None,
        },
        handler: get_route(h),
    }
}

/// Declares a POST route.
pub fn post<H, T>(path: &'static str, access: Access, summary: &'static str, h: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    Route {
        spec: RouteSpec {
            method: Method::POST,
            path,
            access,
            summary,
            nav: None,
        },
        handler: post_route(h),
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

/// The declarations, indexed for the guard.
pub struct RouteTable {
    specs: Vec<RouteSpec>,
    index: HashMap<(Method, &'static str), usize>,
}

impl RouteTable {
    /// Builds the table from [`declare`].
    pub fn build() -> RouteTable {
        let specs: Vec<RouteSpec> = declare().into_iter().map(|r| r.spec).collect();
        let index = specs
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.method.clone(), s.path), i))
            .collect();
        RouteTable { specs, index }
    }

    /// The declaration for a matched route.
    pub fn find(&self, method: &Method, path: &str) -> Option<&RouteSpec> {
        let m = if method == Method::HEAD {
            &Method::GET
        } else {
            method
        };
        self.index.get(&(m.clone(), path)).map(|&i| &self.specs[i])
    }

    /// Every declaration, in table order.
    pub fn all(&self) -> &[RouteSpec] {
        &self.specs
    }

    /// The navigation for a role: (label, link) of every page in the navigation that
    /// the role may open, in table order. Derived from the access rules, so the menu can
    /// never offer a page the guard would refuse.
    pub fn nav_for(&self, role: Role) -> Vec<(&'static str, &'static str)> {
        self.specs
            .iter()
            .filter(|s| s.method == Method::GET && s.access.allows(Some(role)))
            .filter_map(|s| Some((s.nav?, s.path)))
            .collect()
    }
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
        .with_state(state)
}
