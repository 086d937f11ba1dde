//! Server-rendered pages: one module per area, one function per page.

pub mod audit;
pub mod home;
pub mod imports;
pub mod login;
pub mod platform;
pub mod relocation;
pub mod union;
pub mod users;

use crate::error::AppError;
use crate::session::Viewer;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;

/// The frame around every page: title, who is logged in, what they may use.
pub struct Chrome {
    /// Page title.
    pub title: String,
    /// Display name of the logged-in user, if any.
    pub user_name: Option<String>,
    /// Their role's Chinese name.
    pub role_label: String,
    /// Navigation entries (label, link) the role may use.
    pub nav: Vec<(&'static str, &'static str)>,
    /// CSRF token for the forms on the page.
    pub csrf: String,
}

impl Chrome {
    /// The frame for a logged-in viewer.
    pub fn new(title: impl Into<String>, viewer: &Viewer) -> Chrome {
        Chrome {
            title: title.into(),
            user_name: Some(viewer.user.display_name.clone()),
            role_label: viewer.user.role().label().to_string(),
            nav: viewer.nav.clone(),
            csrf: viewer.csrf().to_string(),
        }
    }

    /// The frame for an anonymous visitor.
    pub fn anonymous(title: impl Into<String>) -> Chrome {
        Chrome {
            title: title.into(),
            user_name: None,
            role_label: String::new(),
            nav: vec![],
            csrf: String::new(),
        }
    }
}

/// Renders a template into a response.
pub fn render<T: Template>(t: &T) -> Result<Html<String>, AppError> {
    Ok(Html(t.render()?))
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    chrome: Chrome,
    heading: &'a str,
    message: &'a str,
}

/// A page with one message (errors, confirmations).
pub fn message_page(status: StatusCode, heading: &str, message: &str) -> Response {
    let page = MessagePage {
        chrome: Chrome::anonymous(heading),
        heading,
        message,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, message.to_string()).into_response(),
    }
}

#[derive(Template)]
#[template(path = "refused.html")]
struct RefusedPage {
    chrome: Chrome,
    message: String,
    back: String,
}

/// What a form post answers: a redirect to the target it returned when it worked; a page
/// with the reason (in Chinese) and a link back to `back` when a rule refused it; the
/// usual error page otherwise.
pub fn after_form(result: Result<String, AppError>, viewer: &Viewer, back: &str) -> Response {
    match result {
        Ok(to) => axum::response::Redirect::to(&to).into_response(),
        Err(e)
            if matches!(
                e.status(),
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT
            ) =>
        {
            let page = RefusedPage {
                chrome: Chrome::new("未能保存", viewer),
                message: e.user_message(),
                back: back.to_string(),
            };
            match page.render() {
                Ok(html) => (e.status(), Html(html)).into_response(),
                Err(_) => e.into_response(),
            }
        }
        Err(e) => e.into_response(),
    }
}

/// A form date (`2019-06-01`, or as people type it); empty is `None`.
pub(crate) fn form_date(text: &str, what: &str) -> Result<Option<NaiveDate>, AppError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    domain::platform::time::parse_date(t)
        .map(Some)
        .ok_or_else(|| AppError::BadRequest(format!("{what}格式不正确：{t}")))
}

/// A required form date.
pub(crate) fn required_date(text: &str, what: &str) -> Result<NaiveDate, AppError> {
    form_date(text, what)?.ok_or_else(|| AppError::BadRequest(format!("请填写{what}")))
}

/// The 404 page for unknown paths.
pub async fn not_found() -> Response {
    AppError::NotFound.into_response()
}

/// Page number and size from a query, clamped to sane values.
pub fn paging(page: Option<i64>, per_page: i64) -> (i64, i64, i64) {
    let page = page.unwrap_or(1).max(1);
    (page, per_page, (page - 1) * per_page)
}

/// Number of pages for `total` rows.
pub fn page_count(total: i64, per_page: i64) -> i64 {
    ((total + per_page - 1) / per_page).max(1)
}
