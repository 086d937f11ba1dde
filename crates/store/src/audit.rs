//! The append-only, hash-chained audit log.
//!
//! Every change to an audited record writes one entry in the same transaction as the
//! change: sequence, time, actor, action, entity, id, and the record before and after as
//! JSON snapshots read back from the database. Each entry's hash is SHA-256 over the
//! previous entry's hash and the entry's own fields, so editing, deleting or reordering
//! an entry breaks the chain. [`verify`] also compares every audited record with the
//! `after` of its latest entry, so a record changed by raw SQL, without an entry, is
//! caught too.
//!
//! Records that one bulk write creates together (a batch of an import) are logged as one
//! *batch entry* ([`record_batch`]) whose `after` lists every record in full, column
//! names once: a million imported members make a hundred entries of ten thousand
//! records instead of a million entries, which is what lets an import keep its pace
//! (bench/RESULTS.md). Nothing is lost: [`verify`] compares each record with its line
//! of the batch exactly as with a one-record entry, and a record's history finds the
//! batch through the id range the entry covers.

use crate::db::{Backend, Db, Tx};
use crate::error::StoreResult;
use crate::{on_pool, on_tx};
use futures::TryStreamExt;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{Column, Row};
use std::collections::{BTreeMap, HashMap};

/// A table whose every change is audited.
#[derive(Debug, Clone, Copy)]
pub struct AuditedTable {
    /// The entity name written in the log (`user`, `member`, …).
    pub entity: &'static str,
    /// The SQL table; it must have an `id BIGINT` primary key.
    pub table: &'static str,
    /// Columns whose values are secrets (password hashes): the log keeps a digest of
    /// them, so a change is still detected but the secret is not shown to inspectors.
    pub secret_columns: &'static [&'static str],
}

/// Every audited table of the system; each area lists its own.
pub fn audited_tables() -> Vec<&'static AuditedTable> {
    crate::platform::AUDITED_TABLES
        .iter()
        .chain(crate::union::AUDITED_TABLES)
        .chain(crate::relocation::AUDITED_TABLES)
        .collect()
}

/// The hash before the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

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
                    Value::String(s) => Value::String(format!("sha256:{}", digest(&s))),
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

fn digest(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Canonical text of a snapshot: keys sorted, no whitespace.
fn canonical(map: &BTreeMap<String, Value>) -> String {
    serde_json::to_string(map).unwrap_or_default()
}

/// Re-canonicalises stored JSON text (tolerates key order changes by other writers).
fn recanonical(text: &str) -> Option<String> {
    serde_json::from_str::<BTreeMap<String, Value>>(text)
        .ok()
        .map(|m| canonical(&m))
}

/// Reads a record as the log stores it; `None` if it does not exist.
pub async fn snapshot(tx: &mut Tx, table: &AuditedTable, id: i64) -> StoreResult<Option<String>> {
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
pub async fn record_change(
    tx: &mut Tx,
    actor: &str,
    action: &str,
    table: &AuditedTable,
    id: i64,
    before: Option<String>,
    after: Option<String>,
) -> StoreResult<()> {
    append(
        tx,
        NewEntry {
            actor,
            action,
            entity: table.entity,
            entity_id: id.to_string(),
            before,
            after,
            range: None,
        },
    )
    .await?;
    Ok(())
}

/// One value of a record written by a bulk path, given as [`snapshot`] would read it
/// back, so a [`Batch`] can be logged without reading its records again.
#[derive(Debug, Clone, Copy)]
pub enum Field<'a> {
    /// An integer column.
    Int(i64),
    /// A boolean column: SQLite stores and reads back 0 or 1, PostgreSQL true or false.
    Bool(bool),
    /// A text column, or NULL.
    Text(Option<&'a str>),
}

/// The action of a batch entry.
pub const BATCH_ACTION: &str = "bulk-create";

/// Records of one table created by one bulk write, gathered for one batch entry
/// ([`record_batch`]). The rows are kept as JSON text as they are pushed, so a batch of
/// ten thousand records costs one string, not ten thousand maps.
#[derive(Debug)]
pub struct Batch {
    table: &'static AuditedTable,
    columns: &'static [&'static str],
    backend: Backend,
    rows: String,
    count: usize,
    first: i64,
    last: i64,
}

impl Batch {
    /// An empty batch. `columns` names every column of the table, `id` first, exactly
    /// as `SELECT *` returns them (their order does not matter otherwise).
    pub fn new(
        backend: Backend,
        table: &'static AuditedTable,
        columns: &'static [&'static str],
    ) -> Batch {
        Batch {
            table,
            columns,
            backend,
            rows: String::new(),
            count: 0,
            first: i64::MAX,
            last: i64::MIN,
        }
    }

    /// Adds record `id` whose other columns hold `fields`, in `columns` order after `id`.
    pub fn push(&mut self, id: i64, fields: &[Field<'_>]) {
        debug_assert_eq!(fields.len() + 1, self.columns.len(), "one field per column");
        use std::fmt::Write;
        if self.count > 0 {
            self.rows.push(',');
        }
        let _ = write!(self.rows, "[{id}");
        for f in fields {
            self.rows.push(',');
            match f {
                Field::Int(v) => {
                    let _ = write!(self.rows, "{v}");
                }
                Field::Bool(b) => self.rows.push_str(match (self.backend, b) {
                    (Backend::Sqlite, true) => "1",
                    (Backend::Sqlite, false) => "0",
                    (Backend::Postgres, true) => "true",
                    (Backend::Postgres, false) => "false",
                }),
                Field::Text(None) => self.rows.push_str("null"),
                Field::Text(Some(t)) => {
                    self.rows
                        .push_str(&serde_json::to_string(t).unwrap_or_default());
                }
            }
        }
        self.rows.push(']');
        self.count += 1;
        self.first = self.first.min(id);
        self.last = self.last.max(id);
    }

    /// Records gathered.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether nothing was gathered.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The lowest and highest record id gathered, if any.
    pub fn range(&self) -> Option<(i64, i64)> {
        (self.count > 0).then_some((self.first, self.last))
    }
}

/// Logs a [`Batch`] as one entry (action `bulk-create`, entity id `first-last`), whose
/// `after` is `{"columns":[…],"rows":[[…],…]}`. A batch of one record is logged as an
/// ordinary creation, so a record added by a form reads as it always has.
pub async fn record_batch(tx: &mut Tx, actor: &str, batch: Batch) -> StoreResult<()> {
    if batch.count == 0 {
        return Ok(());
    }
    let columns = serde_json::to_string(batch.columns).unwrap_or_default();
    if batch.count == 1 {
        let after = format!(r#"{{"columns":{columns},"rows":[{}]}}"#, batch.rows);
        let snapshot = batch_records(&after)
            .and_then(|mut rows| rows.pop())
            .map(|(_, map)| canonical(&map));
        return record_change(
            tx,
            actor,
            "create",
            batch.table,
            batch.first,
            None,
            snapshot,
        )
        .await;
    }
    let after = format!(r#"{{"columns":{columns},"rows":[{}]}}"#, batch.rows);
    append(
        tx,
        NewEntry {
            actor,
            action: BATCH_ACTION,
            entity: batch.table.entity,
            entity_id: format!("{}-{}", batch.first, batch.last),
            before: None,
            after: Some(after),
            range: Some((batch.first, batch.last)),
        },
    )
    .await?;
    Ok(())
}

/// The records a batch entry's `after` lists: each record's id and its snapshot as a
/// map, as [`snapshot`] would give it. `None` if the text is not a batch.
pub fn batch_records(after: &str) -> Option<Vec<(i64, BTreeMap<String, Value>)>> {
    #[derive(serde::Deserialize)]
    struct Shape {
        columns: Vec<String>,
        rows: Vec<Vec<Value>>,
    }
    let shape: Shape = serde_json::from_str(after).ok()?;
    let id_at = shape.columns.iter().position(|c| c == "id")?;
    shape
        .rows
        .into_iter()
        .map(|row| {
            if row.len() != shape.columns.len() {
                return None;
            }
            let id = row.get(id_at)?.as_i64()?;
            let map = shape.columns.iter().cloned().zip(row).collect();
            Some((id, map))
        })
        .collect()
}

/// One entry about to be appended.
struct NewEntry<'a> {
    actor: &'a str,
    action: &'a str,
    entity: &'a str,
    entity_id: String,
    before: Option<String>,
    after: Option<String>,
    /// A batch entry's first and last record id.
    range: Option<(i64, i64)>,
}

/// The hash of an entry given its predecessor's hash.
#[allow(clippy::too_many_arguments)]
fn entry_hash(
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

async fn append(tx: &mut Tx, e: NewEntry<'_>) -> StoreResult<i64> {
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
    append(
        tx,
        NewEntry {
            actor,
            action: "create",
            entity: table.entity,
            entity_id: id.to_string(),
            before: None,
            after,
            range: None,
        },
    )
    .await?;
    Ok(())
}

/// Logs a change of record `id`: `before` is the [`snapshot`] taken before the change.
/// `action` names what happened in the domain's words (`update`, `transfer`, `sign`, …).
pub async fn record_update(
    tx: &mut Tx,
    actor: &str,
    action: &str,
    table: &AuditedTable,
    id: i64,
    before: Option<String>,
) -> StoreResult<()> {
    let after = snapshot(tx, table, id).await?;
    append(
        tx,
        NewEntry {
            actor,
            action,
            entity: table.entity,
            entity_id: id.to_string(),
            before,
            after,
            range: None,
        },
    )
    .await?;
    Ok(())
}

/// Logs the deletion of record `id`; `before` is its snapshot before the DELETE.
pub async fn record_delete(
    tx: &mut Tx,
    actor: &str,
    table: &AuditedTable,
    id: i64,
    before: Option<String>,
) -> StoreResult<()> {
    append(
        tx,
        NewEntry {
            actor,
            action: "delete",
            entity: table.entity,
            entity_id: id.to_string(),
            before,
            after: None,
            range: None,
        },
    )
    .await?;
    Ok(())
}

/// Logs an event that changes no record (a login, an export of personal data).
pub async fn record_event(
    tx: &mut Tx,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
) -> StoreResult<()> {
    append(
        tx,
        NewEntry {
            actor,
            action,
            entity,
            entity_id: entity_id.to_string(),
            before: None,
            after: None,
            range: None,
        },
    )
    .await?;
    Ok(())
}

/// The first thing wrong with the log, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Problem {
    /// Entry `seq` is not where the chain expects it: an entry before it was deleted or
    /// the entries were reordered.
    Gap {
        /// The sequence number the chain expects next.
        expected: i64,
        /// The one found there.
        found: i64,
    },
    /// Entry `seq` was edited: its hash or its link to the previous one does not match.
    BadHash {
        /// The edited entry.
        seq: i64,
    },
    /// A record differs from the `after` of its latest entry: changed without the log.
    RecordMismatch {
        /// The record's kind.
        entity: String,
        /// The record's id.
        id: String,
    },
    /// A record has no entry at all: created without the log.
    RecordUnlogged {
        /// The record's kind.
        entity: String,
        /// The record's id.
        id: String,
    },
    /// The log says a record exists but it does not: deleted without the log.
    RecordMissing {
        /// The record's kind.
        entity: String,
        /// The record's id.
        id: String,
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Gap { expected, found } => write!(
                f,
                "审计日志第 {expected} 条缺失或顺序被改动（此处为第 {found} 条）"
            ),
            Problem::BadHash { seq } => write!(f, "审计日志第 {seq} 条被篡改（哈希不符）"),
            Problem::RecordMismatch { entity, id } => {
                write!(
                    f,
                    "记录 {entity}#{id} 与审计日志最后一条不符（绕过系统被修改）"
                )
            }
            Problem::RecordUnlogged { entity, id } => {
                write!(f, "记录 {entity}#{id} 没有审计日志（绕过系统被创建）")
            }
            Problem::RecordMissing { entity, id } => {
                write!(f, "记录 {entity}#{id} 已不存在，但审计日志中没有删除记录")
            }
        }
    }
}

/// What [`verify`] found.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    /// Entries checked.
    pub entries: i64,
    /// Records compared with the log.
    pub records: i64,
    /// The first problem found, if any.
    pub problem: Option<Problem>,
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    entity: String,
    entity_id: String,
    before_json: Option<String>,
    after_json: Option<String>,
    prev_hash: String,
    hash: String,
    first_id: Option<i64>,
    last_id: Option<i64>,
}

/// Checks the chain from the first entry to the last, then every audited record against
/// its latest entry. Stops at the first problem.
pub async fn verify(db: &Db) -> StoreResult<Verification> {
    let mut entries = 0i64;
    let mut problem = None;
    on_pool!(db, |p| {
        let mut rows =
            sqlx::query_as::<_, EntryRow>("SELECT * FROM audit_log ORDER BY seq").fetch(p);
        let mut prev_hash = GENESIS_HASH.to_string();
        while let Some(e) = rows.try_next().await? {
            entries += 1;
            if e.seq != entries {
                problem = Some(Problem::Gap {
                    expected: entries,
                    found: e.seq,
                });
                break;
            }
            let expect = entry_hash(
                &prev_hash,
                e.seq,
                &e.at,
                &e.actor,
                &e.action,
                &e.entity,
                &e.entity_id,
                e.before_json.as_deref(),
                e.after_json.as_deref(),
            );
            // A batch's id range is not hashed on its own: it must say what the hashed
            // entity id says.
            let range_ok = match (e.first_id, e.last_id) {
                (None, None) => true,
                (Some(first), Some(last)) => e.entity_id == format!("{first}-{last}"),
                _ => false,
            };
            if e.prev_hash != prev_hash || e.hash != expect || !range_ok {
                problem = Some(Problem::BadHash { seq: e.seq });
                break;
            }
            prev_hash = e.hash;
        }
    });
    if problem.is_some() {
        return Ok(Verification {
            entries,
            records: 0,
            problem,
        });
    }
    let mut records = 0i64;
    for table in audited_tables() {
        // The latest `after` of every record of this entity, as a digest.
        let mut latest: HashMap<String, Option<[u8; 32]>> = HashMap::new();
        let mut bad_batch = None;
        on_pool!(db, |p| {
            let mut rows = sqlx::query_as::<_, (i64, String, Option<String>, Option<i64>, Option<i64>)>(
                "SELECT seq, entity_id, after_json, first_id, last_id FROM audit_log WHERE entity = $1 AND NOT (before_json IS NULL AND after_json IS NULL) ORDER BY seq",
            )
            .bind(table.entity)
            .fetch(p);
            while let Some((seq, id, after, first, last)) = rows.try_next().await? {
                if let (Some(first), Some(last)) = (first, last) {
                    let records = after.as_deref().and_then(batch_records).filter(|r| {
                        r.iter().map(|(id, _)| *id).min() == Some(first)
                            && r.iter().map(|(id, _)| *id).max() == Some(last)
                    });
                    let Some(records) = records else {
                        bad_batch = Some(Problem::BadHash { seq });
                        break;
                    };
                    for (id, map) in records {
                        let d = Sha256::digest(canonical(&map).as_bytes()).into();
                        latest.insert(id.to_string(), Some(d));
                    }
                    continue;
                }
                let d = after
                    .as_deref()
                    .map(|a| Sha256::digest(recanonical(a).unwrap_or_default().as_bytes()).into());
                latest.insert(id, d);
            }
        });
        if bad_batch.is_some() {
            return Ok(Verification {
                entries,
                records,
                problem: bad_batch,
            });
        }
        let sql = format!("SELECT * FROM {} ORDER BY id", table.table);
        let found = on_pool!(db, |p| {
            let mut rows = sqlx::query(crate::dynamic(&sql)).fetch(p);
            let mut found = None;
            while let Some(r) = rows.try_next().await? {
                records += 1;
                let id: i64 = r.try_get("id")?;
                let now: [u8; 32] =
                    Sha256::digest(canonical(&row_to_json!(&r, table.secret_columns)).as_bytes())
                        .into();
                let key = id.to_string();
                match latest.remove(&key) {
                    Some(Some(d)) if d == now => {}
                    Some(Some(_)) | Some(None) => {
                        found = Some(Problem::RecordMismatch {
                            entity: table.entity.into(),
                            id: key,
                        });
                        break;
                    }
                    None => {
                        found = Some(Problem::RecordUnlogged {
                            entity: table.entity.into(),
                            id: key,
                        });
                        break;
                    }
                }
            }
            found
        });
        if found.is_some() {
            return Ok(Verification {
                entries,
                records,
                problem: found,
            });
        }
        let mut missing: Vec<&String> = latest
            .iter()
            .filter(|(_, d)| d.is_some())
            .map(|(id, _)| id)
            .collect();
        missing.sort();
        if let Some(id) = missing.first() {
            return Ok(Verification {
                entries,
                records,
                problem: Some(Problem::RecordMissing {
                    entity: table.entity.into(),
                    id: (*id).clone(),
                }),
            });
        }
    }
    Ok(Verification {
        entries,
        records,
        problem: None,
    })
}

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
