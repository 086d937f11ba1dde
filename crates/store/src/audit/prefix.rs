//! The verified prefix: the chain's head as of the last verification that found nothing
//! wrong, kept in the database so the next plain run starts from it.
//!
//! It is a convenience, not an anchor: whoever can rewrite the log can rewrite this table
//! too. What it buys is speed (a plain run reads only what changed since) and one more
//! check: the entry it names must still be there with the same hash, so cutting the
//! chain's tail back past it is noticed even without an anchor kept outside.

use crate::db::Db;
use crate::error::StoreResult;
use crate::{on_pool, on_tx};
use serde::Serialize;

/// The last entry a successful verification checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verified {
    /// Its sequence number.
    pub seq: i64,
    /// Its hash.
    pub hash: String,
    /// When that verification ran (UTC, RFC 3339).
    pub verified_at: String,
}

/// The newest verified prefix, if any run has succeeded.
pub async fn last_verified(db: &Db) -> StoreResult<Option<Verified>> {
    let row: Option<(i64, String, String)> = on_pool!(db, |p| {
        sqlx::query_as(
            "SELECT seq, hash, verified_at FROM audit_verifications ORDER BY id DESC LIMIT 1",
        )
        .fetch_optional(p)
        .await?
    });
    Ok(row.map(|(seq, hash, verified_at)| Verified {
        seq,
        hash,
        verified_at,
    }))
}

/// Writes down that the chain up to entry `seq` with `hash` was verified (`mode` is
/// `full` or `incremental`). Rows are only added, so the table is also the history of
/// verifications.
pub(super) async fn record(db: &Db, seq: i64, hash: &str, mode: &str) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, |c| {
        sqlx::query(
            "INSERT INTO audit_verifications (seq, hash, verified_at, mode) VALUES ($1, $2, $3, $4)",
        )
        .bind(seq)
        .bind(hash)
        .bind(crate::now_text())
        .bind(mode)
        .execute(&mut *c)
        .await
        .map(|_| ())?
    });
    tx.commit().await
}
