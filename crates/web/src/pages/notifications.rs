//! The notification outbox for staff: every message with its state and tries, retry and
//! cancel, the counts by channel and state, and the channels' settings (masked).

use super::{Asked, Chrome, Keyed, render};
use crate::error::AppError;
use crate::form::{self, Form};
use crate::pages::Paged;
use crate::routes::roles::NOTIFY_WRITE;
use crate::session::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, Response};
use domain::platform::notify::{Audience, IdempotencyKey, mask_secret, mask_url};
use domain::platform::notify::{Channel, State as MessageState};
use domain::platform::time::show_local;
use serde::{Deserialize, Serialize};
use store::platform::notify::{self as outbox, Message, NewMessage, delivery};

/// The chat-group robot a form chose (DingTalk or WeCom): every page that sets a group's
/// robot or posts to it reads the choice this way.
pub(crate) fn robot(code: Option<&str>) -> Result<Channel, AppError> {
    code.and_then(Channel::parse)
        .filter(|c| c.is_robot())
        .ok_or_else(|| AppError::BadRequest("请选择钉钉群或企业微信群".into()))
}

/// A group's robot settings form, the one every group's page posts: the chosen robot, an
/// http(s) webhook, the signing secret and (for a project's robot) the daily report's time.
#[derive(Deserialize)]
pub struct RobotForm {
    #[serde(default, deserialize_with = "form::text")]
    channel: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    webhook: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    secret: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    report_at: Option<String>,
}

impl RobotForm {
    /// The robot and its route; the daily report's time is read only for a group that
    /// sends one (`with_report`), and ignored otherwise.
    pub(crate) fn route(self, with_report: bool) -> Result<(Channel, outbox::Route), AppError> {
        let channel = robot(self.channel.as_deref())?;
        let webhook = self
            .webhook
            .filter(|w| w.starts_with("https://") || w.starts_with("http://"))
            .ok_or_else(|| AppError::BadRequest("机器人地址应以 https:// 开头".into()))?;
        let report_at = match self.report_at.filter(|_| with_report) {
            Some(t) => Some(chrono::NaiveTime::parse_from_str(&t, "%H:%M").map_err(|_| {
                AppError::BadRequest(format!("每日发送时间应为 时:分，如 20:30：{t}"))
            })?),
            None => None,
        };
        let route = outbox::Route {
            webhook,
            secret: self.secret.unwrap_or_default(),
            report_at,
        };
        Ok((channel, route))
    }
}

/// Saves a group's robot, as [`RobotForm::route`] read it, under `group` (`project:12`,
/// `union:7`) and answers with a redirect to `back`: the one save of every group's settings
/// page, so that a project's and a union's robot are kept and audited alike.
pub(crate) async fn save_robot(
    state: &AppState,
    viewer: &Viewer,
    group: &str,
    (channel, route): (Channel, outbox::Route),
    back: String,
) -> Result<Response, AppError> {
    Ok(super::change(state, viewer, &back.clone(), async |tx| {
        outbox::set_route(tx, &viewer.user.username, group, channel, &route).await?;
        Ok(back)
    })
    .await)
}

/// A group's robots (DingTalk, WeCom) as its settings page shows them: channel code,
/// label, and the webhook and secret masked, or that the default group is used. Shared by
/// the project's and the union's pages so a secret is masked the same way on both.
pub(crate) async fn masked_robots(
    state: &AppState,
    group: &str,
) -> Result<Vec<(&'static str, &'static str, String)>, AppError> {
    let mut out = Vec::new();
    for c in [Channel::DingTalk, Channel::WeCom] {
        let shown = match outbox::route(&state.db, group, c).await? {
            Some(r) => format!(
                "{}（密钥 {}）",
                mask_url(&r.webhook),
                mask_secret(&r.secret)
            ),
            None => "未设置：发往默认群".to_string(),
        };
        out.push((c.code(), c.label(), shown));
    }
    Ok(out)
}

/// A templated text to many people, as the project's and the union's pages post it:
/// `send` unset previews it, set queues it.
#[derive(Deserialize)]
pub struct TextForm {
    #[serde(default, deserialize_with = "form::text")]
    template: Option<String>,
    #[serde(default, deserialize_with = "form::flag")]
    send: bool,
}

impl TextForm {
    /// The template and whether to queue it (rather than preview); a form without a text
    /// is refused.
    pub(crate) fn read(self) -> Result<(String, bool), AppError> {
        let template = self
            .template
            .ok_or_else(|| AppError::BadRequest("请填写短信内容".into()))?;
        Ok((template, self.send))
    }
}

/// One row of the list, ready to show.
struct Row {
    id: i64,
    channel: &'static str,
    recipient: String,
    text: String,
    state: MessageState,
    attempts: i64,
    reason: String,
    source: String,
    created: String,
    sent: String,
    may_retry: bool,
    may_cancel: bool,
}

impl Row {
    fn of(m: Message) -> Row {
        let text: String = m.body.chars().take(60).collect();
        Row {
            id: m.id,
            channel: m.channel.label(),
            recipient: if m.recipient.is_empty() && m.channel.is_robot() {
                "默认群".into()
            } else {
                m.recipient
            },
            text,
            state: m.state,
            attempts: m.attempts,
            reason: m.last_error,
            source: m.source,
            created: show_local(m.created_at),
            sent: m.sent_at.map(show_local).unwrap_or_default(),
            may_retry: m.state.retry().is_ok(),
            may_cancel: m.state.cancel().is_ok(),
        }
    }
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct ListPage {
    chrome: Chrome,
    list: Paged<Row>,
    states: &'static [MessageState],
    q: ListQuery,
    /// The filters as a query string, kept by the pager, the state links and the export.
    base: String,
    counts: Vec<(String, Vec<i64>)>,
    settings: Vec<(&'static str, String)>,
    may_write: bool,
}

/// The list's query: one state or all, a search, the page.
#[derive(Deserialize, Serialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    state: String,
    #[serde(default, deserialize_with = "form::text")]
    q: Option<String>,
    #[serde(default)]
    page: Option<i64>,
}

impl ListQuery {
    /// The store's filter, within what the reader sees (`seen_by`).
    fn filter<'a>(&self, seen_by: Option<&'a Audience>) -> outbox::MessageFilter<'a> {
        outbox::MessageFilter {
            state: MessageState::parse(&self.state),
            seen_by,
            q: self.q.clone(),
        }
    }
}

/// Messages on a page of the list.
const PER_PAGE: i64 = 100;

/// The messages the reader sees, newest first, page by page (optionally in one state or
/// matching a search), the counts, the settings.
pub async fn list(
    Asked { state, viewer }: Asked,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let seen_by = Audience::of(&viewer.user.account);
    let (page, per, offset) = super::paging(q.page, PER_PAGE);
    let (rows, total) = outbox::page(&state.db, &q.filter(seen_by.as_ref()), per, offset).await?;
    let all = outbox::counts(&state.db, seen_by.as_ref()).await?;
    let counts = Channel::ALL
        .iter()
        .map(|c| {
            let per_state = MessageState::ALL
                .iter()
                .map(|s| {
                    all.iter()
                        .find(|(ch, st, _)| ch == c && st == s)
                        .map_or(0, |(_, _, n)| *n)
                })
                .collect();
            (c.label().to_string(), per_state)
        })
        .collect();
    render(&ListPage {
        chrome: Chrome::new("通知发送", &viewer),
        list: Paged::new(rows.into_iter().map(Row::of).collect(), total, page, per),
        states: MessageState::ALL,
        base: super::kept_filters(&q),
        q,
        counts,
        settings: state.notify_settings.as_ref().clone(),
        may_write: viewer.may(NOTIFY_WRITE),
    })
}

/// Messages an export holds at most.
const EXPORT_ROWS: i64 = 100_000;

/// The filtered list as Excel: the page's columns, with the whole text. One read, so that
/// messages queued meanwhile neither repeat nor push others out.
pub async fn export(
    Asked { state, viewer }: Asked,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let seen_by = Audience::of(&viewer.user.account);
    let filter = q.filter(seen_by.as_ref());
    let (messages, _) = outbox::page(&state.db, &filter, EXPORT_ROWS, 0).await?;
    let lines = messages.into_iter().map(|m| {
        let text = m.body.clone();
        let r = Row::of(m);
        vec![
            r.id.to_string(),
            r.channel.to_string(),
            r.recipient,
            text,
            r.state.label().to_string(),
            r.attempts.to_string(),
            r.reason,
            r.source,
            r.created,
            r.sent,
        ]
    });
    let headers = [
        "编号",
        "渠道",
        "收件人",
        "内容",
        "状态",
        "本轮次数",
        "原因",
        "来源",
        "排队时间",
        "发送时间",
    ];
    crate::download::xlsx("通知发送.xlsx", Some("通知发送"), &headers, lines)
}

#[derive(Template)]
#[template(path = "notification.html")]
struct DetailPage {
    chrome: Chrome,
    m: Row,
    body: String,
    key: String,
    provider_id: String,
    attempts: Vec<delivery::Attempt>,
    may_write: bool,
}

/// One message with every try and what the provider answered.
pub async fn detail(at: Keyed) -> Result<Html<String>, AppError> {
    let seen_by = Audience::of(&at.viewer.user.account);
    let m = outbox::get_for(&at.state.db, at.key, seen_by.as_ref()).await?;
    let attempts = delivery::attempts(&at.state.db, at.key).await?;
    let (body, key, provider_id) = (
        m.body.clone(),
        m.key.as_str().to_string(),
        m.provider_id.clone(),
    );
    render(&DetailPage {
        chrome: Chrome::new(format!("通知 {}", at.key), &at.viewer),
        m: Row::of(m),
        body,
        key,
        provider_id,
        attempts,
        may_write: at.viewer.may(NOTIFY_WRITE),
    })
}

/// A message to one person or group, written on the list page.
#[derive(Deserialize)]
pub struct ComposeForm {
    #[serde(default, deserialize_with = "form::text")]
    channel: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    to: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    subject: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    text: Option<String>,
    #[serde(default, deserialize_with = "form::flag")]
    markdown: bool,
}

/// Queues one message (the worker sends it).
pub async fn compose(
    Asked { state, viewer }: Asked,
    Form(f): Form<ComposeForm>,
) -> Result<Response, AppError> {
    let channel = f
        .channel
        .as_deref()
        .and_then(Channel::parse)
        .ok_or_else(|| AppError::BadRequest("请选择渠道".into()))?;
    let text = f
        .text
        .ok_or_else(|| AppError::BadRequest("请填写内容".into()))?;
    let token = store::platform::auth::random_token()?;
    let key = IdempotencyKey::derived(&["compose", &token]);
    let mut m = NewMessage::text(channel, f.to.as_deref().unwrap_or(""), &text, key);
    m.subject = f.subject.unwrap_or_default();
    m.markdown = f.markdown;
    m.source = "人工发送".into();
    // What its author can see again: a commander's goes to the town, a union
    // administrator's to the union; an administrator's is the platform's.
    m.audience = Audience::of(&viewer.user.account).unwrap_or(Audience::Platform);
    Ok(
        super::change(&state, &viewer, "/notifications", async |tx| {
            let q = outbox::enqueue(tx, &viewer.user.username, &m).await?;
            Ok(format!("/notifications/{}", q.id))
        })
        .await,
    )
}

/// Queues a failed or cancelled message again.
pub async fn retry(at: Keyed) -> Response {
    let back = format!("/notifications/{}", at.key);
    super::change(&at.state, &at.viewer, &back.clone(), async |tx| {
        let seen_by = Audience::of(&at.viewer.user.account);
        outbox::retry(tx, &at.viewer.user.username, at.key, seen_by.as_ref()).await?;
        Ok(back)
    })
    .await
}

/// Withdraws a queued or failed message.
pub async fn cancel(at: Keyed) -> Response {
    let back = format!("/notifications/{}", at.key);
    super::change(&at.state, &at.viewer, &back.clone(), async |tx| {
        let seen_by = Audience::of(&at.viewer.user.account);
        outbox::cancel(tx, &at.viewer.user.username, at.key, seen_by.as_ref()).await?;
        Ok(back)
    })
    .await
}

/// The outbox's lines of `/metrics`: messages by channel and state.
pub async fn metrics_lines(state: &AppState) -> String {
    let mut out = String::from(
        "# HELP groundwork_notifications Notifications in the outbox by channel and state.\n\
         # TYPE groundwork_notifications gauge\n",
    );
    let counts = outbox::counts(&state.db, None).await.unwrap_or_default();
    for c in Channel::ALL {
        for s in MessageState::ALL {
            let n = counts
                .iter()
                .find(|(ch, st, _)| ch == c && st == s)
                .map_or(0, |(_, _, n)| *n);
            out.push_str(&format!(
                "groundwork_notifications{{channel=\"{}\",state=\"{}\"}} {n}\n",
                c.code(),
                s.code()
            ));
        }
    }
    out
}
