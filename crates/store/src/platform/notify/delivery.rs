//! The worker's side of the outbox: claiming the next due message, recording how its
//! try ended, and resolving messages whose worker died between handing them over and
//! recording the outcome.
//!
//! A message is claimed (`queued` → `sending`, a try row `started`) and that claim is
//! committed *before* anything is sent: so after a crash the outbox shows exactly which
//! messages may have gone out, and [`stale`] finds them for the worker to check with the
//! provider instead of sending them again.

use super::{COLUMNS, Message, NOTIFICATIONS, Row};
use crate::audit;
use crate::db::{Conn, Db, Tx};
use crate::error::{StoreError, StoreResult};
use crate::{on_conn, on_tx, timestamp_text};
use chrono::{DateTime, Utc};
use domain::platform::notify::{Backoff, Channel, State};

/// The actor the worker's changes are logged under.
pub const WORKER: &str = "通知发送程序";

/// A message claimed for one try.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// The message, as it is now (`sending`, its `attempts` counting this try).
    pub message: Message,
    /// The try's row in `notification_attempts`.
    pub attempt_id: i64,
}

/// What [`claim_next`] found.
#[derive(Debug, Clone)]
pub enum Claim {
    /// A message to send now.
    Send(Box<Claimed>),
    /// A message whose recipient opted out: cancelled with the reason, not sent.
    Skipped(i64),
}

/// Claims the message due first (its `next_attempt_at` passed) on one of `channels` (the
/// ones whose rate limit allows a send now), or `None` if none is due.
pub async fn claim_next(
    db: &Db,
    now: DateTime<Utc>,
    channels: &[Channel],
) -> StoreResult<Option<Claim>> {
    if channels.is_empty() {
        return Ok(None);
    }
    let codes: Vec<String> = channels.iter().map(|c| format!("'{}'", c.code())).collect();
    let mut tx = db.begin().await?;
    let sql = format!(
        "SELECT id FROM notifications WHERE state = 'queued' AND next_attempt_at <= $1 \
         AND channel IN ({}) ORDER BY next_attempt_at, id LIMIT 1{}",
        codes.join(", "),
        tx.backend().claim_suffix()
    );
    let now_text = timestamp_text(now);
    let id: Option<i64> = on_tx!(&mut tx, |c| sqlx::query_scalar(crate::dynamic(&sql))
        .bind(&now_text)
        .fetch_optional(&mut *c)
        .await?);
    let Some(id) = id else {
        return Ok(None);
    };
    let m = super::get(&mut tx, id).await?;
    let to = m.state.claim()?;
    let change = audit::Change::begin(&mut tx, &NOTIFICATIONS, id).await?;
    if !m.channel.is_robot() && super::opted_out(&mut tx, m.channel, &m.recipient).await? {
        on_tx!(&mut tx, |c| {
            sqlx::query(
            "UPDATE notifications SET state = 'cancelled', last_error = '收件人已退订，未发送' WHERE id = $1"
        )
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|_| ())?
        });
        change.finish(&mut tx, WORKER, "skip").await?;
        tx.commit().await?;
        return Ok(Some(Claim::Skipped(id)));
    }
    on_tx!(&mut tx, |c| {
        sqlx::query(
        "UPDATE notifications SET state = $1, attempts = attempts + 1, claimed_at = $2 WHERE id = $3"
    )
    .bind(to.code())
    .bind(&now_text)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|_| ())?
    });
    let attempt_id: i64 = on_tx!(&mut tx, |c| sqlx::query_scalar(
        "INSERT INTO notification_attempts (notification_id, started_at, outcome) \
         VALUES ($1, $2, 'started') RETURNING id"
    )
    .bind(id)
    .bind(&now_text)
    .fetch_one(&mut *c)
    .await?);
    change.finish(&mut tx, WORKER, "claim").await?;
    let message = super::get(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Some(Claim::Send(Box::new(Claimed {
        message,
        attempt_id,
    }))))
}

/// How a try ended, as the provider answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The provider's status (HTTP status and code, SMTP reply code).
    pub status: String,
    /// The start of the provider's answer (kept on the try, shown to staff).
    pub excerpt: String,
    /// The provider's id for the delivery (SMS BizId, …), if it gave one.
    pub provider_id: String,
}

/// Keeps the answer short enough for a list page (and free of anything long).
fn excerpt(text: &str) -> String {
    text.chars().take(300).collect()
}

async fn finish_attempt(
    tx: &mut Tx,
    attempt_id: i64,
    outcome: &str,
    a: &Answer,
) -> StoreResult<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE notification_attempts SET finished_at = $1, outcome = $2, status = $3, response = $4 WHERE id = $5"
    )
    .bind(crate::now_text())
    .bind(outcome)
    .bind(&a.status)
    .bind(excerpt(&a.excerpt))
    .bind(attempt_id)
    .execute(&mut *c)
    .await
    .map(|_| ())?
    });
    Ok(())
}

/// Records that the provider accepted the claimed message.
pub async fn record_sent(db: &Db, claimed: &Claimed, answer: &Answer) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let id = claimed.message.id;
    let m = super::get(&mut tx, id).await?;
    m.state.sent()?;
    let change = audit::Change::begin(&mut tx, &NOTIFICATIONS, id).await?;
    on_tx!(&mut tx, |c| {
        sqlx::query(
        "UPDATE notifications SET state = 'sent', sent_at = $1, provider_id = $2, last_error = '' WHERE id = $3"
    )
    .bind(crate::now_text())
    .bind(&answer.provider_id)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|_| ())?
    });
    finish_attempt(&mut tx, claimed.attempt_id, "ok", answer).await?;
    change.finish(&mut tx, WORKER, "send").await?;
    tx.commit().await
}

/// Records a failed try: back in the queue after its back-off, or failed when the round
/// is spent or the failure is `permanent` (a refused key, a wrong number: trying again
/// cannot help). Returns the state it is left in.
pub async fn record_failure(
    db: &Db,
    claimed: &Claimed,
    answer: &Answer,
    reason: &str,
    permanent: bool,
    backoff: &Backoff,
    now: DateTime<Utc>,
) -> StoreResult<State> {
    let mut tx = db.begin().await?;
    let id = claimed.message.id;
    let m = super::get(&mut tx, id).await?;
    let tries = u32::try_from(m.attempts).unwrap_or(u32::MAX);
    let wait = if permanent {
        None
    } else {
        backoff.after(tries)
    };
    let to = m.state.attempt_failed(wait.is_some())?;
    let next = wait
        .and_then(|w| chrono::Duration::from_std(w).ok())
        .map_or(now, |w| now + w);
    let change = audit::Change::begin(&mut tx, &NOTIFICATIONS, id).await?;
    on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE notifications SET state = $1, next_attempt_at = $2, last_error = $3 WHERE id = $4"
    )
    .bind(to.code())
    .bind(timestamp_text(next))
    .bind(excerpt(reason))
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|_| ())?);
    finish_attempt(&mut tx, claimed.attempt_id, "error", answer).await?;
    change.finish(&mut tx, WORKER, "fail").await?;
    tx.commit().await?;
    Ok(to)
}

/// Messages left `sending` by a worker that died: claimed before `claimed_before` and
/// never recorded.
pub async fn stale(
    conn: impl Into<Conn<'_>>,
    claimed_before: DateTime<Utc>,
) -> StoreResult<Vec<Message>> {
    let mut conn = conn.into();
    let sql = format!(
        "SELECT {COLUMNS} FROM notifications WHERE state = 'sending' AND claimed_at < $1 ORDER BY id"
    );
    let rows: Vec<Row> = on_conn!(&mut conn, |c| sqlx::query_as(crate::dynamic(&sql))
        .bind(timestamp_text(claimed_before))
        .fetch_all(&mut *c)
        .await?);
    rows.into_iter().map(Row::into_message).collect()
}

/// Settles a message found [`stale`]: `delivered` is what the provider said when asked by
/// the message's key (`Some(true)`: sent, with its id; `Some(false)`: never arrived, back
/// in the queue), `None` when it cannot be asked (failed, for a person to check: it may
/// have arrived, so it is not sent again on its own).
pub async fn resolve_stale(
    db: &Db,
    id: i64,
    delivered: Option<bool>,
    provider_id: &str,
) -> StoreResult<State> {
    let mut tx = db.begin().await?;
    let m = super::get(&mut tx, id).await?;
    if m.state != State::Sending {
        return Err(StoreError::Conflict(format!("通知 {id} 已不在发送中")));
    }
    let to = m.state.recover(delivered)?;
    let reason = match delivered {
        Some(true) => "",
        Some(false) => "发送中断，服务商未收到，已重新排队",
        None => "发送中断，无法确认是否送达：请核实后再决定是否重试",
    };
    let change = audit::Change::begin(&mut tx, &NOTIFICATIONS, id).await?;
    let now = crate::now_text();
    on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE notifications SET state = $1, last_error = $2, next_attempt_at = $3, \
         provider_id = CASE WHEN $4 = '' THEN provider_id ELSE $4 END, \
         sent_at = CASE WHEN $1 = 'sent' THEN $3 ELSE sent_at END WHERE id = $5"
    )
    .bind(to.code())
    .bind(reason)
    .bind(&now)
    .bind(provider_id)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|_| ())?);
    on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE notification_attempts SET outcome = 'interrupted', finished_at = $1, response = $2 \
         WHERE notification_id = $3 AND outcome = 'started'"
    )
    .bind(&now)
    .bind(reason)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|_| ())?);
    change.finish(&mut tx, WORKER, "recover").await?;
    tx.commit().await?;
    Ok(to)
}

/// One try of a message, for the list page.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Attempt {
    /// When it began.
    pub started_at: String,
    /// When it was recorded (none if the worker died).
    pub finished_at: Option<String>,
    /// `started`, `ok`, `error` or `interrupted`.
    pub outcome: String,
    /// The provider's status.
    pub status: String,
    /// The start of the provider's answer.
    pub response: String,
}

/// Every try of a message, oldest first.
pub async fn attempts(conn: impl Into<Conn<'_>>, id: i64) -> StoreResult<Vec<Attempt>> {
    let mut conn = conn.into();
    Ok(on_conn!(&mut conn, |c| sqlx::query_as(
        "SELECT started_at, finished_at, outcome, status, response FROM notification_attempts \
         WHERE notification_id = $1 ORDER BY id"
    )
    .bind(id)
    .fetch_all(&mut *c)
    .await?))
}
