//! Who is asking: the browser session cookie or an API bearer token, resolved once per
//! request by the access guard and handed to handlers as a [`Viewer`].

use crate::error::AppError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use domain::platform::Role;
use store::platform::users::User;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "gw_session";

/// The logged-in user of this request.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The account.
    pub user: User,
    /// The session's CSRF token, put into every form; `None` for API-token requests.
    pub csrf: Option<String>,
    /// The navigation entries (label, link) of the pages the account may open, from the
    /// route table.
    pub nav: Vec<(&'static str, &'static str)>,
}

impl Viewer {
    /// The viewer for `user`, with the navigation their account may use (from the route
    /// table, [`crate::routes::RouteTable::nav_for`]).
    pub fn new(user: User, csrf: Option<String>, nav: Vec<(&'static str, &'static str)>) -> Viewer {
        Viewer { user, csrf, nav }
    }

    /// Whether the viewer's role is one of `roles` (a group from
    /// [`crate::routes::roles`]): pages use it to show only the forms the route table
    /// would let the viewer send.
    pub fn may(&self, roles: &[Role]) -> bool {
        roles.contains(&self.user.role())
    }

    /// The CSRF token for forms (empty for API requests, which have no forms).
    pub fn csrf(&self) -> &str {
        self.csrf.as_deref().unwrap_or("")
    }
}

impl crate::views::Onlooker for Viewer {
    fn display_name(&self) -> &str {
        &self.user.display_name
    }

    fn role_label(&self) -> &'static str {
        self.user.role().label()
    }

    fn nav(&self) -> Vec<(&'static str, &'static str)> {
        self.nav.clone()
    }

    fn csrf(&self) -> &str {
        Viewer::csrf(self)
    }
}

/// The viewer if logged in; anonymous visitors of public pages get `None`.
#[derive(Debug, Clone)]
pub struct MaybeViewer(pub Option<Viewer>);

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .ok_or(AppError::Unauthenticated)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for MaybeViewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeViewer(parts.extensions.get::<Viewer>().cloned()))
    }
}

/// The value of cookie `name`, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The bearer token of an `Authorization` header.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
}

/// The `Set-Cookie` value for a session: HttpOnly, SameSite=Strict, whole site.
pub fn session_cookie(token: &str, secure: bool, max_age_secs: i64) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}
