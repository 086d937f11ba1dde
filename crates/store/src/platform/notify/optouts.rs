//! Opt-outs: recipients who asked for no more messages on a channel. The worker skips
//! them (the message is cancelled with the reason); staff list, add and withdraw them,
//! audited like any record.

use crate::audit::{self, AuditedTable};
use crate::db::{Conn, Tx};
use crate::error::{StoreError, StoreResult};
use crate::query;
use crate::sql::Where;
use crate::{on_conn, on_tx};
use domain::platform::notify::Channel;

/// Opt-outs, audited.
pub const OPTOUTS: AuditedTable = AuditedTable {
    entity: "notification_optout",
    table: "notification_optouts",
    secret_columns: &[],
};

/// Records that `recipient` wants no more messages on `channel`.
pub async fn opt_out(
    tx: &mut Tx,
    actor: &str,
    channel: Channel,
    recipient: &str,
) -> StoreResult<()> {
    let recipient = channel.recipient(recipient)?;
    let id: Option<i64> = on_tx!(tx, |c| sqlx::query_scalar(
        "INSERT INTO notification_optouts (channel, recipient, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (channel, recipient) DO NOTHING RETURNING id"
    )
    .bind(channel.code())
    .bind(&recipient)
    .bind(crate::now_text())
    .fetch_optional(&mut *c)
    .await?);
    if let Some(id) = id {
        audit::record_insert(tx, actor, &OPTOUTS, id).await?;
    }
    Ok(())
}

/// A recipient who asked for no more messages on a channel, as the opt-outs page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptOut {
    /// Database id.
    pub id: i64,
    /// The channel.
    pub channel: Channel,
    /// The mobile or address as stored.
    pub recipient: String,
    /// When it was recorded (UTC, RFC 3339).
    pub created_at: String,
}

/// A page of the opt-outs `q` finds (all when `None`), newest first, and how many match.
/// A mobile is found only whole, since the list shows mobiles masked and a search by part
/// of one would give the hidden digits away; an address may be found by any part of it.
pub async fn opt_outs(
    conn: impl Into<Conn<'_>>,
    q: Option<&str>,
    (limit, offset): (i64, i64),
) -> StoreResult<(Vec<OptOut>, i64)> {
    let mut w = Where::default();
    match q.map(|q| Channel::Sms.recipient(q)) {
        Some(Ok(mobile)) => w.push_with(
            "channel = ? AND recipient = ?",
            vec![Channel::Sms.code().into(), mobile.into()],
        ),
        Some(Err(_)) => {
            w.push_some("channel = ?", Some(Channel::Email.code()));
            let address = q.map(str::to_lowercase);
            w.push_search("recipient LIKE ? ESCAPE '\\'", address.as_deref());
        }
        None => {}
    }
    query::page(
        conn,
        (
            "SELECT id, channel, recipient, created_at FROM notification_optouts",
            "SELECT COUNT(*) FROM notification_optouts",
        ),
        &w,
        "id DESC",
        (limit, offset),
        |(id, ch, recipient, created_at): (i64, String, String, String)| {
            let channel = Channel::parse(&ch)
                .ok_or_else(|| StoreError::corrupt(format!("退订渠道不正确：{ch}")))?;
            Ok(OptOut {
                id,
                channel,
                recipient,
                created_at,
            })
        },
    )
    .await
}

/// Withdraws opt-out `id` (the recipient wants messages again), audited.
pub async fn remove_opt_out(tx: &mut Tx, actor: &str, id: i64) -> StoreResult<()> {
    let exists: Option<i64> = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT id FROM notification_optouts WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?);
    if exists.is_none() {
        return Err(StoreError::NotFound);
    }
    audit::delete(tx, actor, &OPTOUTS, id).await
}

/// Whether `recipient` opted out of `channel`.
pub async fn opted_out(
    conn: impl Into<Conn<'_>>,
    channel: Channel,
    recipient: &str,
) -> StoreResult<bool> {
    let mut conn = conn.into();
    let n: i64 = on_conn!(&mut conn, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM notification_optouts WHERE channel = $1 AND recipient = $2"
    )
    .bind(channel.code())
    .bind(recipient)
    .fetch_one(&mut *c)
    .await?);
    Ok(n > 0)
}
