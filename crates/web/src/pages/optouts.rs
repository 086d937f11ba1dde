//! Recipients who asked for no more messages (退订): the list, adding one (a member who
//! phoned to say so) and withdrawing one (they want messages again). The worker skips an
//! opted-out recipient's messages (cancelled with the reason); the activity reminders are
//! not even queued for them. Mobiles are shown masked; every change is audited.

use super::{Asked, Chrome, Keyed, Paged, kept_filters, paging, render};
use crate::error::AppError;
use crate::form::{self, Form};
use crate::routes::roles::NOTIFY_WRITE;
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, Response};
use domain::platform::masking::mask_mobile;
use domain::platform::notify::Channel;
use store::platform::notify as outbox;

/// One opt-out as the list shows it.
struct Row {
    id: i64,
    channel: &'static str,
    recipient: String,
    created: String,
}

#[derive(Template)]
#[template(path = "optouts.html")]
struct ListPage {
    chrome: Chrome,
    list: Paged<Row>,
    channels: Vec<(&'static str, &'static str)>,
    may_write: bool,
    q: ListQuery,
    base: String,
}

/// The list's search (a mobile or address, or part of one) and page.
#[derive(serde::Deserialize, serde::Serialize, Default)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "form::text")]
    q: Option<String>,
    #[serde(default)]
    page: Option<i64>,
}

/// The opt-outs, newest first, a hundred to a page, with the forms to add or withdraw one.
pub async fn list(
    Asked { state, viewer }: Asked,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let (page, per, offset) = paging(q.page, 100);
    let (found, total) = outbox::opt_outs(&state.db, q.q.as_deref(), (per, offset)).await?;
    let rows = found
        .into_iter()
        .map(|o| Row {
            id: o.id,
            channel: o.channel.label(),
            recipient: match o.channel {
                Channel::Sms => mask_mobile(&o.recipient),
                _ => o.recipient,
            },
            created: store::parse_timestamp(&o.created_at)
                .map(domain::platform::time::show_local)
                .unwrap_or(o.created_at),
        })
        .collect();
    render(&ListPage {
        chrome: Chrome::new("退订名单", &viewer),
        list: Paged::new(rows, total, page, per),
        channels: [Channel::Sms, Channel::Email]
            .iter()
            .map(|c| (c.code(), c.label()))
            .collect(),
        may_write: viewer.may(NOTIFY_WRITE),
        base: kept_filters(&q),
        q,
    })
}

/// An opt-out to record.
#[derive(serde::Deserialize)]
pub struct AddForm {
    #[serde(default, deserialize_with = "form::text")]
    channel: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    recipient: Option<String>,
}

/// Records that a mobile or address wants no more messages on a channel.
pub async fn add(
    Asked { state, viewer }: Asked,
    Form(f): Form<AddForm>,
) -> Result<Response, AppError> {
    let channel = f
        .channel
        .as_deref()
        .and_then(Channel::parse)
        .filter(|c| !c.is_robot())
        .ok_or_else(|| AppError::BadRequest("请选择短信或电子邮件".into()))?;
    let to = f
        .recipient
        .ok_or_else(|| AppError::BadRequest("请填写手机号或邮箱".into()))?;
    Ok(
        super::change(&state, &viewer, "/notifications/optouts", async |tx| {
            outbox::opt_out(tx, &viewer.user.username, channel, &to).await?;
            Ok("/notifications/optouts".to_string())
        })
        .await,
    )
}

/// Withdraws an opt-out: the recipient receives messages again.
pub async fn remove(at: Keyed) -> Response {
    super::change(
        &at.state,
        &at.viewer,
        "/notifications/optouts",
        async |tx| {
            outbox::remove_opt_out(tx, &at.viewer.user.username, at.key).await?;
            Ok("/notifications/optouts".to_string())
        },
    )
    .await
}
