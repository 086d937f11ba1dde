//! Every route, declared once with who may use it. The router, the access guard, the
//! OpenAPI document and the route-by-role test all read this one table, so a route
//! cannot be added without deciding who may use it.

use crate::state::AppState;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodRouter, get as get_route, post as post_route, put as put_route};
use domain::platform::Role;
use std::collections::HashMap;

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, logged in or not (login page, `/public/…`, health, assets).
    Public,
    /// Any logged-in user.
    AnyUser,
    /// Only these roles.
    Roles(&'static [Role]),
}

impl Access {
    /// Whether a viewer with `role` (or an anonymous one) may use the route.
    pub fn allows(self, role: Option<Role>) -> bool {
        match self {
            Access::Public => true,
            Access::AnyUser => role.is_some(),
            Access::Roles(rs) => role.is_some_and(|r| rs.contains(&r)),
        }
    }
}

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
    /// Who reads the discipline register: the commanders and the inspectors (not staff,
    /// whose conduct it records).
    pub const RELOCATION_OVERSIGHT: &[Role] = &[Admin, RelocationCommander, Inspector];
    /// Who reads the notification outbox: the offices' administrators and commanders, and
    /// the inspectors (who read, never send).
    pub const NOTIFY_READ: &[Role] = &[Admin, UnionAdmin, RelocationCommander, Inspector];
    /// Who retries or cancels notifications.
    pub const NOTIFY_WRITE: &[Role] = &[Admin, UnionAdmin, RelocationCommander];
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
    /// GET, POST or PUT.
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
    /// The handler, mounted by the application router (`app::router`).
    pub handler: MethodRouter<AppState>,
}

impl Route {
    /// Puts the route into the navigation under `label`.
    pub fn nav(mut self, label: &'static str) -> Route {
        self.spec.nav = Some(label);
        self
    }
}

/// A declaration of `method` on `path` with its handler.
fn declared(
    method: Method,
    path: &'static str,
    access: Access,
    summary: &'static str,
    handler: MethodRouter<AppState>,
) -> Route {
    Route {
        spec: RouteSpec {
            method,
            path,
            access,
            summary,
            nav: None,
        },
        handler,
    }
}

/// Declares a GET route.
pub fn get<H, T>(path: &'static str, access: Access, summary: &'static str, h: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    declared(Method::GET, path, access, summary, get_route(h))
}

/// Declares a POST route.
pub fn post<H, T>(path: &'static str, access: Access, summary: &'static str, h: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    declared(Method::POST, path, access, summary, post_route(h))
}

/// Declares a PUT route (the API's corrections of a whole record).
pub fn put<H, T>(path: &'static str, access: Access, summary: &'static str, h: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    declared(Method::PUT, path, access, summary, put_route(h))
}

/// The declarations, indexed for the guard.
pub struct RouteTable {
    specs: Vec<RouteSpec>,
    index: HashMap<(Method, &'static str), usize>,
}

impl RouteTable {
    /// Indexes declarations (the application's own are declared in `app`).
    pub fn new(specs: Vec<RouteSpec>) -> RouteTable {
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
