//! The start page of each role and the public start page.

use super::{Chrome, render};
use crate::error::AppError;
use crate::session::Viewer;
use askama::Template;
use axum::response::Html;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
}

/// The logged-in start page: tiles for what the role may use.
pub async fn home(viewer: Viewer) -> Result<Html<String>, AppError> {
    render(&HomePage {
        chrome: Chrome::new("工作台", &viewer),
    })
}

#[derive(Template)]
#[template(path = "public_home.html")]
struct PublicHome {
    chrome: Chrome,
    links: Vec<(&'static str, &'static str)>,
}

/// The public start page: only masked, published information.
pub async fn public_home() -> Result<Html<String>, AppError> {
    render(&PublicHome {
        chrome: Chrome::anonymous("公开信息"),
        links: super::relocation::public_links()
            .into_iter()
            .chain([("登录（工作人员）", "/login")])
            .collect(),
    })
}
