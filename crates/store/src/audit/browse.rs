//! Browsing: the queries behind the audit page, its export and the API.

use crate::db::Db;
use crate::error::StoreResult;
use crate::on_pool;
use serde::Serialize;

/// One entry as inspectors see it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Entry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When, UTC (stored text form).
    pub at: String,
    /// Username of who did it (`system` for the demo loader and migrations).
    pub actor: String,
    /// What was done.
    pub action: String,
    /// Entity name.
    pub entity: String,
    /// Record id.
    pub entity_id: String,
    /// Snapshot before.
    pub before_json: Option<String>,
    /// Snapshot after.
    pub after_json: Option<String>,
    /// This entry's hash.
    pub hash: String,
    /// A batch entry's first record id (see [`record_batch`]); `None` otherwise.
    pub first_id: Option<i64>,
    /// A batch entry's last record id.
    pub last_id: Option<i64>,
}

impl Entry {
    /// Whether this entry logs a batch of records ([`record_batch`]).
    pub fn is_batch(&self) -> bool {
        self.first_id.is_some()
    }
}

/// Filters for browsing the log.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    /// Exact actor username.
    pub actor: Option<String>,
    /// Exact entity name.
    pub entity: Option<String>,
    /// Exact record id.
    pub entity_id: Option<String>,
    /// From this date (inclusive, `YYYY-MM-DD`, compared on the UTC text).
    pub from: Option<String>,
    /// Up to this date (inclusive).
    pub to: Option<String>,
}

/// One entry by its sequence number.
pub async fn get(db: &Db, seq: i64) -> StoreResult<Option<Entry>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, Entry>(
        "SELECT seq, at, actor, action, entity, entity_id, before_json, after_json, hash, first_id, last_id
         FROM audit_log WHERE seq = $1"
    )
    .bind(seq)
    .fetch_optional(p)
    .await?
    }))
}

/// The WHERE clause of [`list`] and [`older`]: $1 actor, $2 entity, $3 entity id (with
/// $6, the same id as a number, matching the batch entries that cover it), $4/$5 dates.
const FILTER: &str = "($1 IS NULL OR actor = $1) AND ($2 IS NULL OR entity = $2)
        AND ($3 IS NULL OR entity_id = $3 OR (last_id >= $6 AND first_id <= $6))
        AND ($4 IS NULL OR at >= $4) AND ($5 IS NULL OR at <= $5)";

/// The columns of an [`Entry`].
const ENTRY_COLUMNS: &str =
    "seq, at, actor, action, entity, entity_id, before_json, after_json, hash, first_id, last_id";

/// Binds an [`EntryFilter`] as $1–$6 of [`FILTER`].
macro_rules! bind_filter {
    ($query:expr, $f:expr) => {{
        let f: &EntryFilter = $f;
        // A record's entries include the batch entries whose id range covers it.
        let record: Option<i64> = f.entity_id.as_deref().and_then(|id| id.parse().ok());
        $query
            .bind(f.actor.clone())
            .bind(f.entity.clone())
            .bind(f.entity_id.clone())
            .bind(f.from.clone())
            .bind(f.to.as_ref().map(|t| format!("{t}T99")))
            .bind(record)
    }};
}

/// A page of entries, newest first, with the total matching.
pub async fn list(
    db: &Db,
    f: &EntryFilter,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<Entry>, i64)> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE {FILTER} ORDER BY seq DESC LIMIT $7 OFFSET $8"
    );
    let count_sql = format!("SELECT COUNT(*) FROM audit_log WHERE {FILTER}");
    let (rows, total) = on_pool!(db, |p| {
        let rows = bind_filter!(sqlx::query_as::<_, Entry>(crate::dynamic(&sql)), f)
            .bind(limit)
            .bind(offset)
            .fetch_all(p)
            .await?;
        let total: i64 = bind_filter!(sqlx::query_scalar(crate::dynamic(&count_sql)), f)
            .fetch_one(p)
            .await?;
        (rows, total)
    });
    Ok((rows, total))
}

/// Up to `limit` entries matching `f` older than entry `before` (all if `None`), newest
/// first: for walking the whole log in pages (exports) without counting or offsets.
pub async fn older(
    db: &Db,
    f: &EntryFilter,
    before: Option<i64>,
    limit: i64,
) -> StoreResult<Vec<Entry>> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE {FILTER} AND seq < $7 ORDER BY seq DESC LIMIT $8"
    );
    Ok(on_pool!(db, |p| bind_filter!(
        sqlx::query_as::<_, Entry>(crate::dynamic(&sql)),
        f
    )
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(p)
    .await?))
}
