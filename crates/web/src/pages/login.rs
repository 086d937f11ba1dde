//! Logging in and out.

use super::{Chrome, render};
use crate::error::AppError;
use crate::form::Form;
use crate::session::{self, Viewer};
use crate::state::AppState;
use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use store::platform::auth::{self, LoginOutcome};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    next: String,
    error: Option<String>,
}

/// Cookie holding the login form's CSRF token. There is no session yet, so the form
/// and the cookie carry the same random value (double submit): another site can make a
/// browser post the form but cannot read the cookie to fill it in.
const LOGIN_CSRF_COOKIE: &str = "gw_login_csrf";

/// A fresh CSRF token for a form posted without a session (the login, a member's first
/// activation) and the `Set-Cookie` value that carries the same token.
pub(crate) fn anonymous_csrf(state: &AppState) -> Result<(String, String), AppError> {
    let token = auth::random_token()?;
    let cookie = format!(
        "{LOGIN_CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600{}",
        if state.secure_cookies { "; Secure" } else { "" }
    );
    Ok((token, cookie))
}

/// Whether a form posted without a session carries the token its cookie holds.
pub(crate) fn anonymous_csrf_ok(headers: &HeaderMap, sent: &str) -> bool {
    let expected = session::cookie(headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    !expected.is_empty() && expected == sent
}

/// Renders the login page with a fresh login CSRF token in the form and the cookie.
fn login_page(
    state: &AppState,
    status: StatusCode,
    next: String,
    error: Option<String>,
) -> Result<Response, AppError> {
    let (token, cookie) = anonymous_csrf(state)?;
    let mut chrome = Chrome::anonymous("登录");
    chrome.csrf = token;
    let html = render(&LoginPage {
        chrome,
        next,
        error,
    })?;
    Ok((status, [(header::SET_COOKIE, cookie)], html).into_response())
}

/// Query of the login page.
#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only local paths are followed after login, never another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if is_local_path(n) => n.to_string(),
        _ => "/".to_string(),
    }
}

/// Whether `n` is a path on this site and nothing a browser could read as another host:
/// it starts with one `/`, and holds no backslash (`/\evil` is `//evil` to browsers), no
/// whitespace or control character (browsers drop tabs and newlines: `/\t/evil` becomes
/// `//evil`).
fn is_local_path(n: &str) -> bool {
    n.starts_with('/')
        && !n.starts_with("//")
        && !n
            .chars()
            .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
}

/// The login form.
pub async fn form(
    State(state): State<AppState>,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    login_page(&state, StatusCode::OK, safe_next(q.next.as_deref()), None)
}

/// Login form fields.
#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

/// Checks the password (throttled) and starts a session.
pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    let next = safe_next(f.next.as_deref());
    if !anonymous_csrf_ok(&headers, &f.csrf) {
        let msg = "登录页面已过期，请重新输入用户名和密码".to_string();
        return login_page(&state, StatusCode::BAD_REQUEST, next, Some(msg));
    }
    let outcome = auth::login(
        &state.db,
        f.username.trim(),
        &f.password,
        &addr.ip().to_string(),
    )
    .await?;
    let error = match outcome {
        LoginOutcome::Ok { session_token, .. } => {
            // The login's audit entry, kept beside the sessions, goes into the log as soon
            // as the records are free (at once, unless an import holds them).
            let db = state.db.clone();
            tokio::spawn(async move {
                if let Err(e) = store::platform::sessions::flush_events(&db).await {
                    tracing::warn!("login event not yet in the audit log: {e}");
                }
            });
            let cookie = session::session_cookie(
                &session_token,
                state.secure_cookies,
                auth::SESSION_HOURS * 3600,
            );
            return Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response());
        }
        LoginOutcome::Wrong => {
            state.metrics.login_failures.fetch_add(1, Ordering::Relaxed);
            "用户名或密码错误".to_string()
        }
        LoginOutcome::Locked { until } => {
            let shown = store::parse_timestamp(&until)
                .map(domain::platform::time::show_local)
                .unwrap_or(until);
            format!("登录失败次数过多，已锁定至 {shown}，请稍后再试")
        }
        LoginOutcome::Disabled => "该账号已停用，请联系管理员".to_string(),
    };
    login_page(&state, StatusCode::UNAUTHORIZED, next, Some(error))
}

/// Ends the session.
pub async fn logout(
    State(state): State<AppState>,
    _viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if let Some(token) = session::cookie(&headers, session::SESSION_COOKIE) {
        auth::logout(&state.db, &token).await?;
    }
    let clear = session::session_cookie("", state.secure_cookies, 0);
    Ok(([(header::SET_COOKIE, clear)], Redirect::to("/login")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_site_are_followed_after_login() {
        for good in [
            "/",
            "/union/members?page=2",
            "/relocation/projects/YCQ2019-01",
        ] {
            assert_eq!(safe_next(Some(good)), good);
        }
        for bad in [
            "//evil.example/",
            "/\\evil.example/",
            "/\t/evil.example",
            "/\n/evil.example",
            "https://evil.example/",
            "evil.example",
            "/ /evil.example",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
