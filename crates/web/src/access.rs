//! The access guard: runs before every handler, resolves the viewer, enforces the route
//! table's access rule and checks the CSRF token of every state-changing browser request.

use crate::error::{AppError, ErrorBody};
use crate::routes::RouteTable;
use crate::session::{self, Viewer};
use crate::state::AppState;
use crate::views::Refusal;
use axum::body::{Body, to_bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::sync::Arc;

pub use crate::routes::Access;

/// Largest form body read for the CSRF check (uploads go as multipart, checked by query).
const FORM_LIMIT: usize = 4 * 1024 * 1024;

/// The guard itself (a route layer, so the matched route is known). Under `/api/` every
/// refusal is answered in JSON (`ErrorBody`), whoever refused: the guard, an extractor or
/// the handler.
pub async fn guard(state: State<AppState>, req: Request, next: Next) -> Response {
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_default();
    if path.starts_with("/api/") {
        as_json(check(state, path, req, next).await).await
    } else {
        check(state, path, req, next).await
    }
}

/// An error answer that is not JSON made JSON, with the Chinese message the error left on
/// it, or one for its status (with the extractor's own words as detail).
async fn as_json(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    if let Some(Refusal(message)) = response.extensions().get::<Refusal>().cloned() {
        return ErrorBody::answer(status, message);
    }
    let detail = to_bytes(response.into_body(), 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let message = match status {
        StatusCode::NOT_FOUND => "资源不存在".to_string(),
        StatusCode::METHOD_NOT_ALLOWED => "此路径不支持该请求方法".to_string(),
        StatusCode::PAYLOAD_TOO_LARGE => "请求内容超过了允许的大小".to_string(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "请求内容应为 JSON（Content-Type: application/json）".to_string()
        }
        s if s.is_server_error() => "服务器内部错误，请稍后重试或联系管理员".to_string(),
        _ if detail.is_empty() => "请求内容有误".to_string(),
        _ => format!("请求内容有误：{detail}"),
    };
    ErrorBody::answer(status, message)
}

/// The access rule, the viewer and the CSRF check, then the handler.
async fn check(
    State(state): State<AppState>,
    path: String,
    mut req: Request,
    next: Next,
) -> Response {
    let method = req.method().clone();
    let Some(table) = req.extensions().get::<Arc<RouteTable>>().cloned() else {
        tracing::error!("the route table is not installed in front of the guard");
        return AppError::NotFound.into_response();
    };
    let Some(spec) = table.find(&method, &path) else {
        return AppError::NotFound.into_response();
    };
    let is_api = path.starts_with("/api/");

    // Who is asking.
    let mut viewer = None;
    if let Some(token) = session::bearer(req.headers()) {
        match store::platform::tokens::user_of(&state.db, &token).await {
            Ok(Some(user)) => {
                let nav = table.nav_for(user.role());
                viewer = Some(Viewer::new(user, None, nav))
            }
            Ok(None) => {}
            Err(e) => return AppError::from(e).into_response(),
        }
    } else if let Some(token) = session::cookie(req.headers(), session::SESSION_COOKIE) {
        match store::platform::auth::session(&state.db, &token).await {
            Ok(Some((user, csrf))) => {
                let nav = table.nav_for(user.role());
                viewer = Some(Viewer::new(user, Some(csrf), nav))
            }
            Ok(None) => {}
            Err(e) => return AppError::from(e).into_response(),
        }
    }

    if let Some(v) = &viewer {
        crate::telemetry::record_user(&v.user.username);
    }
    let role = viewer.as_ref().map(|v| v.user.role());
    if !spec.access.allows(role) {
        return match &viewer {
            None if is_api => AppError::Unauthenticated.into_response(),
            None => {
                let next = req
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                Redirect::to(&format!("/login?next={}", urlencode(next))).into_response()
            }
            Some(_) => AppError::Forbidden.into_response(),
        };
    }

    // A browser form's body is read once here: the CSRF check reads it, and if the
    // database is busy with an import the answer gives it back to be submitted again.
    let mut posted_form = None;
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if method == Method::POST && !is_api && is_form {
        let (parts, body) = req.into_parts();
        let Ok(bytes) = to_bytes(body, FORM_LIMIT).await else {
            return crate::views::message_page(
                StatusCode::PAYLOAD_TOO_LARGE,
                "提交的内容过大",
                "提交的内容超过了允许的大小，请分批提交或改用批量导入。",
            );
        };
        posted_form = Some((parts.uri.to_string(), bytes.clone()));
        req = Request::from_parts(parts, Body::from(bytes));
    }

    // CSRF: a browser session changing state must prove the page came from us.
    let csrf_expected = match &viewer {
        Some(Viewer {
            csrf: Some(expected),
            ..
        }) if method != Method::GET && method != Method::HEAD => Some(expected.clone()),
        _ => None,
    };
    if let Some(expected) = csrf_expected {
        let (check, rebuilt) = csrf_ok(req, &expected).await;
        req = rebuilt;
        match check {
            CsrfCheck::Valid => {}
            CsrfCheck::TooLarge => {
                return crate::views::message_page(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "提交的内容过大",
                    "提交的内容超过了允许的大小，请分批提交或改用批量导入。",
                );
            }
            CsrfCheck::Invalid => {
                return crate::views::message_page(
                    StatusCode::FORBIDDEN,
                    "请求已失效",
                    "表单校验码（CSRF）不正确或已过期，请刷新页面后重试。",
                );
            }
        }
    }
    if let Some(v) = viewer {
        req.extensions_mut().insert(v);
    }
    let response = next.run(req).await;
    match posted_form {
        Some((action, form)) if response.status() == StatusCode::SERVICE_UNAVAILABLE => {
            crate::views::busy_page(crate::error::BUSY_MESSAGE, &action, &form)
        }
        _ => response,
    }
}

/// What the CSRF check found.
enum CsrfCheck {
    /// The token matches.
    Valid,
    /// Missing or wrong.
    Invalid,
    /// The form body is over the limit: answered 413, not as a token problem.
    TooLarge,
}

/// Checks the token in the `X-CSRF-Token` header, the `_csrf` query parameter or the
/// `_csrf` field of a urlencoded form; returns the request rebuilt with its body.
async fn csrf_ok(req: Request, expected: &str) -> (CsrfCheck, Request) {
    let from_header = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let from_query = req.uri().query().and_then(|q| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == "_csrf")
            .map(|(_, v)| v)
    });
    let verdict = |ok: bool| {
        if ok {
            CsrfCheck::Valid
        } else {
            CsrfCheck::Invalid
        }
    };
    if let Some(t) = from_header.or(from_query) {
        return (verdict(constant_eq(&t, expected)), req);
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return (CsrfCheck::Invalid, req);
    }
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, FORM_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return (
                CsrfCheck::TooLarge,
                Request::from_parts(parts, Body::empty()),
            );
        }
    };
    let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|kv| kv.into_iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v));
    let ok = token.is_some_and(|t| constant_eq(&t, expected));
    (verdict(ok), Request::from_parts(parts, Body::from(bytes)))
}

/// Compares secrets without an early exit that would leak how much matched.
fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Percent-encodes a path for a `next=` parameter.
pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e.trim_start_matches('=').to_string())
        .unwrap_or_default()
}
