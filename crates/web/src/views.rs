//! What every page shares: the frame around it ([`Chrome`]) and the one-message page that
//! errors and refusals use. It sits below everything else in the crate — errors, the
//! access guard and the pages all use it, and it knows none of them — so that the arrows
//! between modules run one way.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// Who is looking at a page, as far as the frame needs to know: the session's viewer
/// implements it, so this module does not depend on how sessions work.
pub trait Onlooker {
    /// The name shown in the header.
    fn display_name(&self) -> &str;
    /// The role's Chinese name.
    fn role_label(&self) -> &'static str;
    /// The navigation entries (label, link) they may use.
    fn nav(&self) -> Vec<(&'static str, &'static str)>;
    /// The CSRF token for the page's forms.
    fn csrf(&self) -> &str;
}

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
    /// A project's supervision hotline (监督电话), printed on its public pages.
    pub hotline: Option<String>,
}

impl Chrome {
    /// The frame for a logged-in viewer.
    pub fn new(title: impl Into<String>, viewer: &impl Onlooker) -> Chrome {
        Chrome {
            title: title.into(),
            user_name: Some(viewer.display_name().to_string()),
            role_label: viewer.role_label().to_string(),
            nav: viewer.nav(),
            csrf: viewer.csrf().to_string(),
            hotline: None,
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
            hotline: None,
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    chrome: Chrome,
    heading: &'a str,
    message: &'a str,
}

/// The Chinese message a message page carries, kept on the response so that the access
/// guard can answer an API client in JSON whichever extractor or handler refused.
#[derive(Debug, Clone)]
pub struct Refusal(pub String);

/// A page with one message (errors, confirmations).
pub fn message_page(status: StatusCode, heading: &str, message: &str) -> Response {
    let page = MessagePage {
        chrome: Chrome::anonymous(heading),
        heading,
        message,
    };
    let mut response = match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, message.to_string()).into_response(),
    };
    response
        .extensions_mut()
        .insert(Refusal(message.to_string()));
    response
}

#[derive(Template)]
#[template(path = "busy.html")]
struct BusyPage<'a> {
    chrome: Chrome,
    message: &'a str,
    action: &'a str,
    fields: Vec<(String, String)>,
    /// The fields as typed, for the person to see (tokens and passwords left out).
    shown: Vec<(String, String)>,
    asks_password: bool,
}

/// The answer to a form posted while the database was busy with an import: a 503 page
/// holding everything that was typed, ready to be submitted again (a password is never
/// echoed back: it is asked for again).
pub fn busy_page(message: &str, action: &str, form: &[u8]) -> Response {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(form).unwrap_or_default();
    let asks_password = pairs.iter().any(|(k, _)| k == "password");
    let fields: Vec<(String, String)> =
        pairs.into_iter().filter(|(k, _)| k != "password").collect();
    let shown = fields
        .iter()
        .filter(|(k, _)| !k.starts_with('_'))
        .cloned()
        .collect();
    let page = BusyPage {
        chrome: Chrome::anonymous("系统正在导入"),
        message,
        action,
        fields,
        shown,
        asks_password,
    };
    let status = StatusCode::SERVICE_UNAVAILABLE;
    match page.render() {
        Ok(html) => (
            status,
            [(axum::http::header::RETRY_AFTER, "10")],
            Html(html),
        )
            .into_response(),
        Err(_) => (status, message.to_string()).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_busy_answer_gives_back_what_was_typed_but_never_a_password() {
        let form = b"_csrf=abc&username=wang&password=secret-123&concerns=%E8%A6%81%E6%B1%82";
        let r = busy_page("稍候", "/login?next=%2F", form);
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        let body = axum::body::to_bytes(r.into_body(), 1 << 20)
            .await
            .unwrap_or_default();
        let html = String::from_utf8_lossy(&body);
        assert!(html.contains(r#"name="username" value="wang""#), "{html}");
        assert!(html.contains(r#"name="_csrf" value="abc""#));
        assert!(html.contains("要求") && html.contains("重新提交"));
        assert!(!html.contains("secret-123") && html.contains(r#"type="password""#));
    }
}
