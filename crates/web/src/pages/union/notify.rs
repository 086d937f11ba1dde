//! A text to a union's members: a template (`{{姓名}}`, `{{工会}}`, `{{日期}}`) previewed
//! for the first members, then queued as one SMS per current member with a mobile. The
//! messages are the union's (union staff and administrators see them on the outbox page).

use super::scope;
use crate::error::AppError;
use crate::form::{self, Form};
use crate::pages::{Chrome, render};
use crate::session::Viewer;
use crate::state::AppState;
use askama::Template as Page;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use domain::platform::notify::{Audience, Channel, IdempotencyKey, Template};
use domain::platform::time::today_local;
use serde::Deserialize;
use std::collections::BTreeMap;
use store::platform::notify::{self as outbox, NewMessage};
use store::union::members::{self, MemberFilter};
use store::union::organisations::{self, UnionOrg};

/// One member's text as it will be sent.
struct Preview {
    name: String,
    mobile: String,
    text: String,
}

#[derive(Page)]
#[template(path = "union/notify.html")]
struct NotifyPage {
    chrome: Chrome,
    u: UnionOrg,
    template: String,
    previews: Vec<Preview>,
    reachable: usize,
}

const DEFAULT_TEMPLATE: &str = "{{姓名}}您好：{{工会}}……（请写明活动或事项）。";

/// Every current member of the union with a mobile, and their text.
async fn texts(
    state: &AppState,
    viewer: &Viewer,
    u: &UnionOrg,
    template: &str,
) -> Result<Vec<Preview>, AppError> {
    let t = Template::parse(template).map_err(store::StoreError::from)?;
    let filter = MemberFilter {
        union_id: Some(u.id),
        active: Some(true),
        ..MemberFilter::default()
    };
    let (rows, _) = members::list(&state.db, scope(viewer)?, &filter, 100_000, 0).await?;
    let today = today_local().format("%Y年%-m月%-d日").to_string();
    let mut out = Vec::new();
    for m in rows {
        let Some(mobile) = m.mobile else { continue };
        let vars = BTreeMap::from([
            ("姓名".to_string(), m.name.clone()),
            ("工会".to_string(), u.name.clone()),
            ("日期".to_string(), today.clone()),
        ]);
        out.push(Preview {
            name: m.name,
            mobile: mobile.as_str().to_string(),
            text: t.render(&vars).map_err(store::StoreError::from)?,
        });
    }
    Ok(out)
}

async fn show(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    template: Option<&str>,
) -> Result<Html<String>, AppError> {
    let u = organisations::get(&state.db, scope(viewer)?, id).await?;
    let (previews, reachable) = match template {
        Some(t) => {
            let all = texts(state, viewer, &u, t).await?;
            let n = all.len();
            (all.into_iter().take(5).collect(), n)
        }
        None => (Vec::new(), 0),
    };
    render(&NotifyPage {
        chrome: Chrome::new(format!("{} 会员通知", u.name), viewer),
        template: template.unwrap_or(DEFAULT_TEMPLATE).to_string(),
        previews,
        reachable,
        u,
    })
}

/// The form.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    show(&state, &viewer, id, None).await
}

/// Preview or queue.
#[derive(Deserialize)]
pub struct MembersForm {
    #[serde(default, deserialize_with = "form::text")]
    template: Option<String>,
    #[serde(default, deserialize_with = "form::flag")]
    send: bool,
}

/// Previews the members' texts, or queues one SMS per member with a mobile (once per
/// member and text: sending the same text again queues nothing new).
pub async fn send(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(f): Form<MembersForm>,
) -> Result<Response, AppError> {
    let template = f
        .template
        .ok_or_else(|| AppError::BadRequest("请填写短信内容".into()))?;
    if !f.send {
        return Ok(show(&state, &viewer, id, Some(&template))
            .await?
            .into_response());
    }
    let u = organisations::get(&state.db, scope(&viewer)?, id).await?;
    let all = texts(&state, &viewer, &u, &template).await?;
    let back = format!("/union/unions/{id}/notify");
    Ok(crate::pages::change(&state, &viewer, &back, async |tx| {
        for p in &all {
            let key =
                IdempotencyKey::derived(&["union-members", &id.to_string(), &template, &p.mobile]);
            let mut m = NewMessage::text(Channel::Sms, &p.mobile, &p.text, key);
            m.source = format!("{} 会员通知", u.name);
            m.audience = Audience::Union;
            outbox::enqueue(tx, &viewer.user.username, &m).await?;
        }
        Ok("/notifications?state=queued".to_string())
    })
    .await)
}
