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
