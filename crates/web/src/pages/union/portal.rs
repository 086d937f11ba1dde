//! The member portal: a member sees their own record, matched by the resident ID their
//! account is linked to, masked as everything member-facing is.

use crate::error::AppError;
use crate::pages::{Asked, Chrome, render};
use askama::Template;
use axum::response::Html;
use domain::platform::Account;
use domain::platform::masking::mask_name;
use store::StoreError;
use store::union::Scope;
use store::union::members::{self, Member, Transfer};

#[derive(Template)]
#[template(path = "union/portal.html")]
struct PortalPage {
    chrome: Chrome,
    member: Option<(Member, Vec<Transfer>)>,
    masked_name: String,
}

/// `/union/me`.
pub async fn me(Asked { state, viewer }: Asked) -> Result<Html<String>, AppError> {
    let id = match &viewer.user.account {
        Account::Member { resident_id } => Some(resident_id),
        _ => None,
    };
    let member = match id {
        Some(id) => match members::by_resident_id(&state.db, Scope::City, id).await {
            Ok(m) => {
                let history = members::transfers(&state.db, m.id).await?;
                Some((m, history))
            }
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    render(&PortalPage {
        chrome: Chrome::new("我的会员信息", &viewer),
        masked_name: member
            .as_ref()
            .map(|(m, _)| mask_name(&m.name))
            .unwrap_or_default(),
        member,
    })
}
