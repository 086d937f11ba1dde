//! Logging in and out.

use super::{Chrome, render};
use crate::error::AppError;
use crate::session::{self, Viewer};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, header};
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

/// Query of the login page.
#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only local paths are followed after login, never another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") => n.to_string(),
        _ => "/".to_string(),
    }
}

/// The login form.
pub async fn form(Query(q): Query<NextQuery>) -> Result<Response, AppError> {
    let page = LoginPage {
        chrome: Chrome::anonymous("登录"),
        next: safe_next(q.next.as_deref()),
        error: None,
    };
    Ok(render(&page)?.into_response())
}

/// Login form fields.
#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

/// Checks the password (throttled) and starts a session.
pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    let next = safe_next(f.next.as_deref());
    let outcome = auth::login(
        &state.db,
        f.username.trim(),
        &f.password,
        &addr.ip().to_string(),
    )
    .await?;
    let error = match outcome {
        LoginOutcome::Ok { session_token, .. } => {
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
    let page = LoginPage {
        chrome: Chrome::anonymous("登录"),
        next,
        error: Some(error),
    };
    Ok((axum::http::StatusCode::UNAUTHORIZED, render(&page)?).into_response())
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
