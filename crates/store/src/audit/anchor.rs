//! Anchors: the chain's head written down outside the database. Deleting the newest
//! changes together with their entries leaves a shorter chain that is still intact; an
//! anchor kept elsewhere (printed, mailed, sent to inspectors) shows that an entry the
//! chain once held is gone or different.

use crate::db::Db;
use crate::error::StoreResult;
use crate::on_pool;
use serde::{Deserialize, Serialize};

/// The head of the chain at a moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    /// The newest entry's sequence number.
    pub sequence: i64,
    /// Its hash.
    pub hash: String,
    /// When the anchor was taken (UTC, RFC 3339).
    pub anchored_at: String,
}

/// The chain's head now; `None` while the log is empty.
pub async fn anchor(db: &Db) -> StoreResult<Option<Anchor>> {
    let head: Option<(i64, String)> = on_pool!(db, |p| {
        sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(p)
            .await?
    });
    Ok(head.map(|(sequence, hash)| Anchor {
        sequence,
        hash,
        anchored_at: crate::now_text(),
    }))
}

/// Whether the chain still holds the anchored entry with the anchored hash.
pub async fn holds(db: &Db, a: &Anchor) -> StoreResult<bool> {
    let hash: Option<String> = on_pool!(db, |p| {
        sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
            .bind(a.sequence)
            .fetch_optional(p)
            .await?
    });
    Ok(hash.is_some_and(|h| h == a.hash))
}
