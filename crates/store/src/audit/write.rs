//! Writing entries: reading a record as the log stores it, hashing an entry onto the
//! chain and appending it in the caller's transaction.

use super::{AuditedTable, GENESIS_HASH};
use crate::db::{Backend, Tx};
use crate::error::StoreResult;
use crate::on_tx;
use crate::sql::Bind;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{Column, Row};
use std::collections::BTreeMap;

macro_rules! row_to_json {
    ($row:expr, $secrets:expr) => {{
        let row = $row;
        let mut map = BTreeMap::new();
        for (i, col) in row.columns().iter().enumerate() {
            let name = col.name();
            let value = if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
                v.map(Value::from).unwrap_or(Value::Null)
            } else if let Ok(v) = row.try_get::<Option<bool>, _>(i) {
                v.map(Value::from).unwrap_or(Value::Null)
            } else if let Ok(v) = row.try_get::<Option<String>, _>(i) {
                v.map(Value::from).unwrap_or(Value::Null)
            } else if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
                v.map(Value::from).unwrap_or(Value::Null)
            } else {
                Value::String("<unreadable>".into())
            };
            let value = if $secrets.contains(&name) {
                match value {
                    Value::String(s) => {
                        Value::String(format!("sha256:{}", super::write::digest(&s)))
                    }
                    other => other,
                }
            } else {
                value
            };
            map.insert(name.to_string(), value);
        }
        map
    }};
}

/// Shared with verification, which reads records the same way.
pub(super) use row_to_json;

pub(super) fn digest(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Canonical text of a snapshot: keys sorted, no whitespace.
pub(super) fn canonical(map: &BTreeMap<String, Value>) -> String {
    serde_json::to_string(map).unwrap_or_default()
}

/// Re-canonicalises stored JSON text (tolerates key order changes by other writers).
pub(super) fn recanonical(text: &str) -> Option<String> {
    serde_json::from_str::<BTreeMap<String, Value>>(text)
        .ok()
        .map(|m| canonical(&m))
}

/// Reads a record as the log stores it; `None` if it does not exist.
pub(super) async fn snapshot(
    tx: &mut Tx,
    table: &AuditedTable,
    id: i64,
) -> StoreResult<Option<String>> {
    let sql = format!("SELECT * FROM {} WHERE id = $1", table.table);
    let snap = on_tx!(tx, |c| {
        let row = sqlx::query(crate::dynamic(&sql))
            .bind(id)
            .fetch_optional(&mut *c)
            .await?;
        row.map(|r| canonical(&row_to_json!(&r, table.secret_columns)))
    });
    Ok(snap)
}

/// Logs a change whose snapshots the caller already has.
/// `before` is `None` for a creation, `after` is `None` for a deletion.
pub(super) async fn record_change(
    tx: &mut Tx,
    actor: &str,
    action: &str,
    table: &AuditedTable,
    id: i64,
    before: Option<String>,
    after: Option<String>,
) -> StoreResult<()> {
    let entry = NewEntry::single(actor, action, table.entity, id.to_string(), before, after);
    append(tx, entry).await?;
    Ok(())
}

/// One entry about to be appended.
pub(super) struct NewEntry<'a> {
    pub(super) actor: &'a str,
    pub(super) action: &'a str,
    pub(super) entity: &'a str,
    pub(super) entity_id: String,
    pub(super) before: Option<String>,
    pub(super) after: Option<String>,
    /// A batch entry's first and last record id.
    pub(super) range: Option<(i64, i64)>,
}

impl<'a> NewEntry<'a> {
    /// An entry about one record or event (not a batch).
    fn single(
        actor: &'a str,
        action: &'a str,
        entity: &'a str,
        entity_id: String,
        before: Option<String>,
        after: Option<String>,
    ) -> NewEntry<'a> {
        NewEntry {
            actor,
            action,
            entity,
            entity_id,
            before,
            after,
            range: None,
        }
    }
}

/// The hash of an entry given its predecessor's hash.
#[allow(clippy::too_many_arguments)]
pub(super) fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    for part in [
        prev_hash,
        &seq.to_string(),
        at,
        actor,
        action,
        entity,
        entity_id,
        before.unwrap_or(""),
        after.unwrap_or(""),
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    hex::encode(h.finalize())
}

/// The last entry's (seq, hash), read once per transaction under the log's write lock.
async fn head(tx: &mut Tx) -> StoreResult<(i64, String)> {
    Ok(match tx.audit_head.take() {
        Some(head) => head,
        None => {
            if tx.backend() == Backend::Postgres {
                // Appends are serialised so the chain has no forks; SQLite's BEGIN
                // IMMEDIATE already does this.
                on_tx!(tx, |c| sqlx::query("SELECT pg_advisory_xact_lock(7302)")
                    .execute(&mut *c)
                    .await
                    .map(|_| ())?);
            }
            let last: Option<(i64, String)> = on_tx!(tx, |c| {
                sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                    .fetch_optional(&mut *c)
                    .await?
            });
            last.unwrap_or((0, GENESIS_HASH.to_string()))
        }
    })
}

pub(super) async fn append(tx: &mut Tx, e: NewEntry<'_>) -> StoreResult<i64> {
    let (prev_seq, prev_hash) = head(tx).await?;
    let seq = prev_seq + 1;
    let at = crate::now_text();
    let hash = entry_hash(
        &prev_hash,
        seq,
        &at,
        e.actor,
        e.action,
        e.entity,
        &e.entity_id,
        e.before.as_deref(),
        e.after.as_deref(),
    );
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash, first_id, last_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(seq)
        .bind(&at)
        .bind(e.actor)
        .bind(e.action)
        .bind(e.entity)
        .bind(&e.entity_id)
        .bind(&e.before)
        .bind(&e.after)
        .bind(&prev_hash)
        .bind(&hash)
        .bind(e.range.map(|r| r.0))
        .bind(e.range.map(|r| r.1))
        .execute(&mut *c)
        .await
        .map(|_| ())?
    });
    tx.audit_head = Some((seq, hash));
    Ok(seq)
}

/// Logs the creation of record `id` (call after the INSERT, in the same transaction).
pub async fn record_insert(
    tx: &mut Tx,
    actor: &str,
    table: &AuditedTable,
    id: i64,
) -> StoreResult<()> {
    let after = snapshot(tx, table, id).await?;
    record_change(tx, actor, "create", table, id, None, after).await
}

/// Logs an event that changes no record (a login, an export of personal data).
pub async fn record_event(
    tx: &mut Tx,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
) -> StoreResult<()> {
    let entry = NewEntry::single(actor, action, entity, entity_id.to_string(), None, None);
    append(tx, entry).await?;
    Ok(())
}

/// Runs `sql`, an INSERT … RETURNING id, with `binds` and logs the creation of the new
/// record of `table`; returns its id.
pub async fn insert(
    tx: &mut Tx,
    actor: &str,
    table: &AuditedTable,
    sql: &str,
    binds: &[Bind],
) -> StoreResult<i64> {
    let id = crate::query::one(&mut *tx, sql, binds).await?;
    record_insert(tx, actor, table, id).await?;
    Ok(id)
}
