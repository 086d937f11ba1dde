//! The notification outbox: messages queued in the transaction of the change that causes
//! them, what people do with them (list, retry, cancel), opt-outs and per-project group
//! robots. Delivery's side (claiming, recording tries, recovering after a crash) is in
//! [`delivery`].
//!
//! Every change of a message is audited like any record; its tries are a plain log
//! (`notification_attempts`). Secrets (a project's robot webhook and signing secret) are
//! kept only as digests in the audit log.

pub mod delivery;
mod optouts;

pub use optouts::{OPTOUTS, OptOut, opt_out, opt_outs, opted_out, remove_opt_out};

use crate::audit::{self, AuditedTable};
use crate::db::{Conn, Tx};
use crate::error::{StoreError, StoreResult};
use crate::query;
use crate::sql::Where;
use crate::{on_conn, on_tx};
use chrono::{DateTime, Utc};
use domain::platform::notify::{Audience, Channel, IdempotencyKey, NotifyError, State};
use std::collections::BTreeMap;

/// The messages, audited.
pub const NOTIFICATIONS: AuditedTable = AuditedTable {
    entity: "notification",
    table: "notifications",
    secret_columns: &[],
};

/// Per-scope group robots, audited with their token and secret as digests.
pub const ROUTES: AuditedTable = AuditedTable {
    entity: "notification_route",
    table: "notification_routes",
    secret_columns: &["webhook", "secret"],
};

/// A message to queue.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// Where it goes.
    pub channel: Channel,
    /// A mobile, an address, or for a robot a scope (`project:12`) or empty (the default).
    pub recipient: String,
    /// Email subject, markdown title.
    pub subject: String,
    /// The rendered text.
    pub body: String,
    /// Whether a robot shows it as markdown.
    pub markdown: bool,
    /// The SMS template code (Alibaba Cloud `TemplateCode`); empty uses the default.
    pub sms_template: String,
    /// The SMS template's variables; empty sends `{"content": body}`.
    pub sms_params: BTreeMap<String, String>,
    /// What makes it unique.
    pub key: IdempotencyKey,
    /// What caused it (`cli`, `daily-report:project:12`, …), shown on the list.
    pub source: String,
    /// Which staff see it.
    pub audience: Audience,
}

impl NewMessage {
    /// A plain text message.
    pub fn text(channel: Channel, recipient: &str, body: &str, key: IdempotencyKey) -> NewMessage {
        NewMessage {
            channel,
            recipient: recipient.trim().to_string(),
            subject: String::new(),
            body: body.to_string(),
            markdown: false,
            sms_template: String::new(),
            sms_params: BTreeMap::new(),
            key,
            source: String::new(),
            audience: Audience::Platform,
        }
    }
}

/// A message as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Database id.
    pub id: i64,
    /// Where it goes.
    pub channel: Channel,
    /// To whom (see [`NewMessage::recipient`]).
    pub recipient: String,
    /// Subject or title.
    pub subject: String,
    /// The text.
    pub body: String,
    /// Markdown for robots.
    pub markdown: bool,
    /// SMS template code.
    pub sms_template: String,
    /// SMS template variables.
    pub sms_params: BTreeMap<String, String>,
    /// The idempotency key.
    pub key: IdempotencyKey,
    /// Where it is in its life.
    pub state: State,
    /// Tries in the current round.
    pub attempts: i64,
    /// When the worker may take it next.
    pub next_attempt_at: DateTime<Utc>,
    /// Why the last try failed (or why it was skipped).
    pub last_error: String,
    /// The provider's id for the delivery (SMS BizId, robot or SMTP answer).
    pub provider_id: String,
    /// What caused it.
    pub source: String,
    /// Which staff see it (`union`, `relocation:TOWN`, empty for the platform's own).
    pub audience: String,
    /// Who queued it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When it was last claimed for sending.
    pub claimed_at: Option<DateTime<Utc>>,
    /// When the provider accepted it.
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    channel: String,
    recipient: String,
    subject: String,
    body: String,
    markdown: bool,
    sms_template: String,
    sms_params: String,
    idempotency_key: String,
    state: String,
    attempts: i64,
    next_attempt_at: String,
    last_error: String,
    provider_id: String,
    source: String,
    audience: String,
    created_by: String,
    created_at: String,
    claimed_at: Option<String>,
    sent_at: Option<String>,
}

const COLUMNS: &str = "id, channel, recipient, subject, body, markdown, sms_template, sms_params, \
    idempotency_key, state, attempts, next_attempt_at, last_error, provider_id, source, \
    audience, created_by, created_at, claimed_at, sent_at";

fn time(id: i64, text: &str) -> StoreResult<DateTime<Utc>> {
    crate::parse_timestamp(text)
        .ok_or_else(|| StoreError::corrupt(format!("通知 {id} 的时间不正确：{text}")))
}

impl Row {
    fn into_message(self) -> StoreResult<Message> {
        let id = self.id;
        let bad =
            |what: &str, v: &str| StoreError::corrupt(format!("通知 {id} 的{what}不正确：{v}"));
        let sms_params = if self.sms_params.is_empty() {
            BTreeMap::new()
        } else {
            serde_json::from_str(&self.sms_params).map_err(|_| bad("短信参数", &self.sms_params))?
        };
        Ok(Message {
            id,
            channel: Channel::parse(&self.channel).ok_or_else(|| bad("渠道", &self.channel))?,
            recipient: self.recipient,
            subject: self.subject,
            body: self.body,
            markdown: self.markdown,
            sms_template: self.sms_template,
            sms_params,
            key: IdempotencyKey::from_stored(self.idempotency_key),
            state: State::parse(&self.state).ok_or_else(|| bad("状态", &self.state))?,
            attempts: self.attempts,
            next_attempt_at: time(id, &self.next_attempt_at)?,
            last_error: self.last_error,
            provider_id: self.provider_id,
            source: self.source,
            audience: self.audience,
            created_by: self.created_by,
            created_at: time(id, &self.created_at)?,
            claimed_at: self.claimed_at.map(|t| time(id, &t)).transpose()?,
            sent_at: self.sent_at.map(|t| time(id, &t)).transpose()?,
        })
    }
}

/// What [`enqueue`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Queued {
    /// The message's id.
    pub id: i64,
    /// False when a message with the same key was already there (nothing new queued).
    pub new: bool,
}

/// Queues a message in the caller's transaction (so it exists exactly when the change
/// that causes it commits). A key already queued gives the existing message.
pub async fn enqueue(tx: &mut Tx, actor: &str, m: &NewMessage) -> StoreResult<Queued> {
    let recipient = m.channel.recipient(&m.recipient)?;
    if m.body.trim().is_empty() {
        return Err(NotifyError::Empty.into());
    }
    let params = if m.sms_params.is_empty() {
        String::new()
    } else {
        serde_json::to_string(&m.sms_params).unwrap_or_default()
    };
    let now = crate::now_text();
    let id: Option<i64> = on_tx!(tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO notifications (channel, recipient, subject, body, markdown, sms_template, \
         sms_params, idempotency_key, state, attempts, next_attempt_at, source, created_by, created_at, \
         audience) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', 0, $9, $10, $11, $9, $12) \
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING id"
    )
    .bind(m.channel.code())
    .bind(&recipient)
    .bind(&m.subject)
    .bind(&m.body)
    .bind(m.markdown)
    .bind(&m.sms_template)
    .bind(&params)
    .bind(m.key.as_str())
    .bind(&now)
    .bind(&m.source)
    .bind(actor)
    .bind(m.audience.code())
    .fetch_optional(&mut *c)
    .await?
    });
    match id {
        Some(id) => {
            audit::record_insert(tx, actor, &NOTIFICATIONS, id).await?;
            Ok(Queued { id, new: true })
        }
        None => {
            let id: i64 = on_tx!(tx, |c| sqlx::query_scalar(
                "SELECT id FROM notifications WHERE idempotency_key = $1"
            )
            .bind(m.key.as_str())
            .fetch_one(&mut *c)
            .await?);
            Ok(Queued { id, new: false })
        }
    }
}

/// One message.
pub async fn get(conn: impl Into<Conn<'_>>, id: i64) -> StoreResult<Message> {
    let mut conn = conn.into();
    let sql = format!("SELECT {COLUMNS} FROM notifications WHERE id = $1");
    let row: Option<Row> = on_conn!(&mut conn, |c| sqlx::query_as(crate::dynamic(&sql))
        .bind(id)
        .fetch_optional(&mut *c)
        .await?);
    row.ok_or(StoreError::NotFound)?.into_message()
}

/// One message, if `seen_by` (`None`: every audience) sees it.
pub async fn get_for(
    conn: impl Into<Conn<'_>>,
    id: i64,
    seen_by: Option<&Audience>,
) -> StoreResult<Message> {
    let m = get(conn, id).await?;
    match seen_by {
        Some(a) if a.code() != m.audience => Err(StoreError::NotFound),
        _ => Ok(m),
    }
}

/// Filters of the message list; unset filters do not restrict.
#[derive(Debug, Clone, Default)]
pub struct MessageFilter<'a> {
    /// One state.
    pub state: Option<State>,
    /// Only the messages of this audience (`None`: every audience).
    pub seen_by: Option<&'a Audience>,
    /// Part of the recipient (a mobile, an address) or of the subject or text.
    pub q: Option<String>,
}

impl MessageFilter<'_> {
    fn sql(&self) -> Where {
        let mut w = Where::default();
        w.push_some("state = ?", self.state.map(State::code));
        w.push_some("audience = ?", self.seen_by.map(Audience::code));
        w.push_search(
            "(recipient LIKE ? ESCAPE '\\' OR subject LIKE ? ESCAPE '\\' OR body LIKE ? ESCAPE '\\')",
            self.q.as_deref(),
        );
        w
    }
}

/// A page of the messages `f` matches, newest first, and how many match in all.
pub async fn page(
    conn: impl Into<Conn<'_>>,
    f: &MessageFilter<'_>,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<Message>, i64)> {
    let select = format!("SELECT {COLUMNS} FROM notifications");
    query::page(
        conn,
        (&select, "SELECT COUNT(*) FROM notifications"),
        &f.sql(),
        "id DESC",
        (limit, offset),
        Row::into_message,
    )
    .await
}

/// The newest messages `seen_by` sees (`None`: every audience), optionally in one state,
/// at most `limit`.
pub async fn list(
    conn: impl Into<Conn<'_>>,
    state: Option<State>,
    seen_by: Option<&Audience>,
    limit: i64,
) -> StoreResult<Vec<Message>> {
    let f = MessageFilter {
        state,
        seen_by,
        q: None,
    };
    Ok(page(conn, &f, limit, 0).await?.0)
}

/// How many messages `seen_by` sees (`None`: all, as `/metrics` counts) of each channel
/// and state.
pub async fn counts(
    conn: impl Into<Conn<'_>>,
    seen_by: Option<&Audience>,
) -> StoreResult<Vec<(Channel, State, i64)>> {
    let mut conn = conn.into();
    let rows: Vec<(String, String, i64)> = on_conn!(&mut conn, |c| sqlx::query_as(
        "SELECT channel, state, COUNT(*) FROM notifications WHERE ($1 = 0 OR audience = $2) \
         GROUP BY channel, state ORDER BY channel, state"
    )
    .bind(i64::from(seen_by.is_some()))
    .bind(seen_by.map(Audience::code).unwrap_or_default())
    .fetch_all(&mut *c)
    .await?);
    rows.into_iter()
        .map(|(ch, st, n)| {
            let channel = Channel::parse(&ch)
                .ok_or_else(|| StoreError::corrupt(format!("通知渠道不正确：{ch}")))?;
            let state = State::parse(&st)
                .ok_or_else(|| StoreError::corrupt(format!("通知状态不正确：{st}")))?;
            Ok((channel, state, n))
        })
        .collect()
}

/// Puts a failed or cancelled message `seen_by` sees back in the queue for a new round of
/// tries.
pub async fn retry(
    tx: &mut Tx,
    actor: &str,
    id: i64,
    seen_by: Option<&Audience>,
) -> StoreResult<()> {
    let m = get_for(&mut *tx, id, seen_by).await?;
    let to = m.state.retry()?;
    set_state(tx, actor, id, to, "retry", "").await
}

/// Withdraws a queued (or failed) message `seen_by` sees.
pub async fn cancel(
    tx: &mut Tx,
    actor: &str,
    id: i64,
    seen_by: Option<&Audience>,
) -> StoreResult<()> {
    let m = get_for(&mut *tx, id, seen_by).await?;
    let to = m.state.cancel()?;
    set_state(tx, actor, id, to, "cancel", "已由工作人员取消").await
}

/// A person's change of state: a retry starts a new round, due now.
async fn set_state(
    tx: &mut Tx,
    actor: &str,
    id: i64,
    to: State,
    action: &str,
    reason: &str,
) -> StoreResult<()> {
    let change = audit::Change::begin(tx, &NOTIFICATIONS, id).await?;
    let now = crate::now_text();
    on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE notifications SET state = $1, attempts = 0, next_attempt_at = $2, last_error = $3 WHERE id = $4"
    )
    .bind(to.code())
    .bind(&now)
    .bind(reason)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|_| ())?
    });
    change.finish(tx, actor, action).await
}

/// A scope's own group robot (a project's chat group), overriding the default.
#[derive(Clone, PartialEq, Eq)]
pub struct Route {
    /// The robot's URL with its token.
    pub webhook: String,
    /// The signing secret (DingTalk), empty if none.
    pub secret: String,
    /// When the project's daily report goes to this robot on its own (Asia/Shanghai).
    pub report_at: Option<chrono::NaiveTime>,
}

impl std::fmt::Debug for Route {
    /// Never prints the token or the secret (logs).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use domain::platform::notify::{mask_secret, mask_url};
        f.debug_struct("Route")
            .field("webhook", &mask_url(&self.webhook))
            .field("secret", &mask_secret(&self.secret))
            .field("report_at", &self.report_at)
            .finish()
    }
}

/// Sets (or replaces) the group robot of `scope` on a robot channel.
pub async fn set_route(
    tx: &mut Tx,
    actor: &str,
    scope: &str,
    channel: Channel,
    route: &Route,
) -> StoreResult<()> {
    let existing: Option<i64> = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT id FROM notification_routes WHERE scope = $1 AND channel = $2"
    )
    .bind(scope)
    .bind(channel.code())
    .fetch_optional(&mut *c)
    .await?);
    let now = crate::now_text();
    match existing {
        Some(id) => {
            let change = audit::Change::begin(tx, &ROUTES, id).await?;
            on_tx!(tx, |c| {
                sqlx::query(
                "UPDATE notification_routes SET webhook = $1, secret = $2, updated_at = $3, report_at = $5 WHERE id = $4"
            )
            .bind(&route.webhook)
            .bind(&route.secret)
            .bind(&now)
            .bind(id)
            .bind(at_text(route))
            .execute(&mut *c)
            .await
            .map(|_| ())?
            });
            change.finish(tx, actor, "update").await
        }
        None => {
            let id: i64 = on_tx!(tx, |c| {
                sqlx::query_scalar(
                "INSERT INTO notification_routes (scope, channel, webhook, secret, updated_at, report_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
            )
            .bind(scope)
            .bind(channel.code())
            .bind(&route.webhook)
            .bind(&route.secret)
            .bind(&now)
            .bind(at_text(route))
            .fetch_one(&mut *c)
            .await?
            });
            audit::record_insert(tx, actor, &ROUTES, id).await
        }
    }
}

fn at_text(route: &Route) -> String {
    route
        .report_at
        .map(|t| t.format("%H:%M").to_string())
        .unwrap_or_default()
}

fn read_at(text: &str) -> Option<chrono::NaiveTime> {
    chrono::NaiveTime::parse_from_str(text, "%H:%M").ok()
}

/// Every robot with a daily report time: (scope, channel, time).
pub async fn scheduled_routes(
    conn: impl Into<Conn<'_>>,
) -> StoreResult<Vec<(String, Channel, chrono::NaiveTime)>> {
    let mut conn = conn.into();
    let rows: Vec<(String, String, String)> = on_conn!(&mut conn, |c| {
        sqlx::query_as(
        "SELECT scope, channel, report_at FROM notification_routes WHERE report_at <> '' ORDER BY id"
    )
    .fetch_all(&mut *c)
    .await?
    });
    Ok(rows
        .into_iter()
        .filter_map(|(scope, ch, at)| Some((scope, Channel::parse(&ch)?, read_at(&at)?)))
        .collect())
}

/// The group robot configured for `scope` on `channel`, if any.
pub async fn route(
    conn: impl Into<Conn<'_>>,
    scope: &str,
    channel: Channel,
) -> StoreResult<Option<Route>> {
    let mut conn = conn.into();
    let row: Option<(String, String, String)> = on_conn!(&mut conn, |c| {
        sqlx::query_as(
        "SELECT webhook, secret, report_at FROM notification_routes WHERE scope = $1 AND channel = $2"
    )
    .bind(scope)
    .bind(channel.code())
    .fetch_optional(&mut *c)
    .await?
    });
    Ok(row.map(|(webhook, secret, at)| Route {
        webhook,
        secret,
        report_at: read_at(&at),
    }))
}
