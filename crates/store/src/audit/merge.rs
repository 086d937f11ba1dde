//! Records against the log, one audited table at a time, as a merge of two sequences
//! ordered by record id: the records themselves, and each record's latest entry. Both are
//! read a page at a time by key (never one long cursor: an in-memory SQLite database has
//! a single connection), so memory stays bounded by a page and by the batch entries that
//! are open at once, whatever the size of the tables — where a map of one digest per
//! record cost about 80 MB per million records.
//!
//! A record's latest entry is either an entry about it alone, found in id order through
//! the index `audit_log_records` (migration 0013), or a line of a batch entry. Batch
//! entries are few (ten thousand records each), so their (first id, sequence) are listed
//! up front and each is opened when the merge reaches its first id.

use super::AuditedTable;
use super::batch::batch_records;
use super::verify::Problem;
use super::write::{canonical, recanonical, row_to_json};
use crate::db::Db;
use crate::error::StoreResult;
use crate::on_pool;
use crate::progress::Progress;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{Column, Row};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, VecDeque};

/// Rows read per query.
const PAGE: i64 = 1000;

/// Records looked up per query in an incremental check (well under both backends' limit
/// on bound values).
const LOOKUP: usize = 500;

type Digest32 = [u8; 32];

/// A record's state as its latest entry left it: `None` once deleted.
struct Logged {
    id: i64,
    seq: i64,
    digest: Option<Digest32>,
}

fn text_digest(after: Option<&str>) -> Option<Digest32> {
    after.map(|a| Sha256::digest(recanonical(a).unwrap_or_default().as_bytes()).into())
}

fn map_digest(map: &BTreeMap<String, Value>) -> Digest32 {
    Sha256::digest(canonical(map).as_bytes()).into()
}

/// Entries about one record each, of one entity, later than `since`, in (record id,
/// sequence) order.
struct Singles<'a> {
    db: &'a Db,
    entity: &'static str,
    since: i64,
    after: (i64, i64),
    page: VecDeque<(i64, i64, Option<String>)>,
    done: bool,
}

impl<'a> Singles<'a> {
    fn new(db: &'a Db, entity: &'static str, since: i64) -> Self {
        Singles {
            db,
            entity,
            since,
            after: (i64::MIN, i64::MIN),
            page: VecDeque::new(),
            done: false,
        }
    }

    async fn fill(&mut self) -> StoreResult<()> {
        if !self.page.is_empty() || self.done {
            return Ok(());
        }
        // The WHERE repeats the partial index's own terms, and the order is its order, so
        // both backends walk `audit_log_records` without sorting.
        let rows: Vec<(i64, i64, Option<String>)> = on_pool!(self.db, |p| {
            sqlx::query_as(
                "SELECT CAST(entity_id AS BIGINT), seq, after_json FROM audit_log
                 WHERE entity = $1 AND first_id IS NULL AND (before_json IS NOT NULL OR after_json IS NOT NULL)
                   AND CAST(entity_id AS BIGINT) >= $2 AND (CAST(entity_id AS BIGINT) > $2 OR seq > $3)
                   AND seq > $4
                 ORDER BY CAST(entity_id AS BIGINT), seq LIMIT $5",
            )
            .bind(self.entity)
            .bind(self.after.0)
            .bind(self.after.1)
            .bind(self.since)
            .bind(PAGE)
            .fetch_all(p)
            .await?
        });
        self.done = (rows.len() as i64) < PAGE;
        if let Some(last) = rows.last() {
            self.after = (last.0, last.1);
        }
        self.page.extend(rows);
        Ok(())
    }

    async fn peek(&mut self) -> StoreResult<Option<i64>> {
        self.fill().await?;
        Ok(self.page.front().map(|r| r.0))
    }

    /// The next record's latest entry.
    async fn next(&mut self) -> StoreResult<Option<Logged>> {
        self.fill().await?;
        let Some(mut latest) = self.page.pop_front() else {
            return Ok(None);
        };
        while self.peek().await? == Some(latest.0) {
            if let Some(later) = self.page.pop_front() {
                latest = later;
            }
        }
        Ok(Some(Logged {
            id: latest.0,
            seq: latest.1,
            digest: text_digest(latest.2.as_deref()),
        }))
    }
}

/// Batch entries of one entity later than `since`, opened as the merge reaches them.
struct Batches {
    /// (first id, sequence) of the batches not yet opened, the lowest first id last.
    closed: Vec<(i64, i64, i64)>,
    /// Lines of the opened batches not yet merged.
    open: BinaryHeap<Reverse<(i64, i64, Digest32)>>,
}

impl Batches {
    async fn list(db: &Db, entity: &str, since: i64) -> StoreResult<Batches> {
        let mut closed: Vec<(i64, i64, i64)> = on_pool!(db, |p| {
            sqlx::query_as(
                "SELECT first_id, seq, last_id FROM audit_log
                 WHERE entity = $1 AND last_id IS NOT NULL AND first_id IS NOT NULL AND seq > $2",
            )
            .bind(entity)
            .bind(since)
            .fetch_all(p)
            .await?
        });
        closed.sort_unstable_by(|a, b| b.cmp(a));
        Ok(Batches {
            closed,
            open: BinaryHeap::new(),
        })
    }

    /// Opens every batch whose first id is at most `upto` (the next batch if `None`).
    async fn open_upto(&mut self, db: &Db, upto: Option<i64>) -> StoreResult<Result<(), Problem>> {
        while let Some(&(first, seq, last)) = self.closed.last() {
            if upto.is_some_and(|u| first > u) {
                break;
            }
            self.closed.pop();
            let after: Option<String> = on_pool!(db, |p| {
                sqlx::query_scalar("SELECT after_json FROM audit_log WHERE seq = $1")
                    .bind(seq)
                    .fetch_one(p)
                    .await?
            });
            // The id range is what finds a record's batch: it must be the lines' own.
            let lines = after.as_deref().and_then(batch_records).filter(|r| {
                r.iter().map(|(id, _)| *id).min() == Some(first)
                    && r.iter().map(|(id, _)| *id).max() == Some(last)
            });
            let Some(lines) = lines else {
                return Ok(Err(Problem::BadHash { seq }));
            };
            for (id, map) in lines {
                self.open.push(Reverse((id, seq, map_digest(&map))));
            }
            if upto.is_none() {
                break;
            }
        }
        Ok(Ok(()))
    }
}

/// Every record's latest entry among the entries later than `since`, in record id order.
struct LogSide<'a> {
    db: &'a Db,
    singles: Singles<'a>,
    batches: Batches,
}

impl<'a> LogSide<'a> {
    async fn new(db: &'a Db, entity: &'static str, since: i64) -> StoreResult<LogSide<'a>> {
        Ok(LogSide {
            db,
            singles: Singles::new(db, entity, since),
            batches: Batches::list(db, entity, since).await?,
        })
    }

    async fn next(&mut self) -> StoreResult<Result<Option<Logged>, Problem>> {
        // The lowest id any source holds, once every batch that could hold a lower one
        // is open.
        let id = loop {
            let single = self.singles.peek().await?;
            let lined = self.batches.open.peek().map(|Reverse(l)| l.0);
            let lowest = match (single, lined) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let before = self.batches.closed.len();
            if let Err(p) = self.batches.open_upto(self.db, lowest).await? {
                return Ok(Err(p));
            }
            if self.batches.closed.len() == before {
                break lowest;
            }
        };
        let Some(id) = id else {
            return Ok(Ok(None));
        };
        let mut latest = None::<Logged>;
        if self.singles.peek().await? == Some(id) {
            latest = self.singles.next().await?;
        }
        while let Some(Reverse((line_id, seq, digest))) = self.batches.open.peek().copied() {
            if line_id != id {
                break;
            }
            self.batches.open.pop();
            if latest.as_ref().is_none_or(|l| seq > l.seq) {
                latest = Some(Logged {
                    id,
                    seq,
                    digest: Some(digest),
                });
            }
        }
        Ok(Ok(latest))
    }
}

/// Records of one table read in id order, a page at a time, as digests of their snapshots.
struct Records<'a> {
    db: &'a Db,
    table: &'static AuditedTable,
    after: i64,
    page: VecDeque<(i64, Digest32)>,
    done: bool,
}

impl Records<'_> {
    async fn next(&mut self) -> StoreResult<Option<(i64, Digest32)>> {
        if self.page.is_empty() && !self.done {
            let sql = format!(
                "SELECT * FROM {} WHERE id > $1 ORDER BY id LIMIT $2",
                self.table.table
            );
            let rows = on_pool!(self.db, |p| {
                let rows = sqlx::query(crate::dynamic(&sql))
                    .bind(self.after)
                    .bind(PAGE)
                    .fetch_all(p)
                    .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    let id: i64 = r.try_get("id")?;
                    out.push((id, map_digest(&row_to_json!(r, self.table.secret_columns))));
                }
                out
            });
            self.done = (rows.len() as i64) < PAGE;
            if let Some(last) = rows.last() {
                self.after = last.0;
            }
            self.page.extend(rows);
        }
        Ok(self.page.pop_front())
    }
}

/// The records of `table` whose ids are given (ascending), as digests, in id order.
async fn look_up(db: &Db, table: &AuditedTable, ids: &[i64]) -> StoreResult<Vec<(i64, Digest32)>> {
    // `?` marks on SQLite: it looks each `$n` up by walking the statement's whole list.
    let sql = format!(
        "SELECT * FROM {} WHERE id IN {} ORDER BY id",
        table.table,
        db.backend().values_list(1, ids.len())
    );
    Ok(on_pool!(db, |p| {
        let mut q = sqlx::query(crate::dynamic(&sql));
        for id in ids {
            q = q.bind(*id);
        }
        let rows = q.fetch_all(p).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            out.push((id, map_digest(&row_to_json!(r, table.secret_columns))));
        }
        out
    }))
}

/// What the comparison of a record (if any) with its latest entry (if any) says.
fn compare(
    entity: &str,
    logged: Option<&Logged>,
    record: Option<&(i64, Digest32)>,
    first_missing: &mut Option<i64>,
) -> Option<Problem> {
    match (logged, record) {
        (Some(l), Some(r)) if l.digest == Some(r.1) => None,
        (Some(_), Some(r)) => Some(Problem::RecordMismatch {
            entity: entity.into(),
            id: r.0.to_string(),
        }),
        (None, Some(r)) => Some(Problem::RecordUnlogged {
            entity: entity.into(),
            id: r.0.to_string(),
        }),
        (Some(l), None) => {
            if l.digest.is_some() && first_missing.is_none() {
                *first_missing = Some(l.id);
            }
            None
        }
        (None, None) => None,
    }
}

fn missing(entity: &str, first_missing: Option<i64>) -> Option<Problem> {
    first_missing.map(|id| Problem::RecordMissing {
        entity: entity.into(),
        id: id.to_string(),
    })
}

/// Compares every record of `table` with its latest entry, and every record the log says
/// exists with the table. Returns the records read and the first problem. A record
/// changed without the log is named before one deleted without it, as it always was.
pub(super) async fn check_all(
    db: &Db,
    table: &'static AuditedTable,
    progress: &Progress,
) -> StoreResult<(i64, Option<Problem>)> {
    let mut log = LogSide::new(db, table.entity, 0).await?;
    let mut records = Records {
        db,
        table,
        after: i64::MIN,
        page: VecDeque::new(),
        done: false,
    };
    let mut read = 0i64;
    let mut first_missing = None;
    let mut logged = match log.next().await? {
        Ok(l) => l,
        Err(p) => return Ok((read, Some(p))),
    };
    let mut record = records.next().await?;
    read += i64::from(record.is_some());
    progress.read(u64::from(record.is_some()));
    while logged.is_some() || record.is_some() {
        let (l_id, r_id) = (logged.as_ref().map(|l| l.id), record.map(|r| r.0));
        let take_log = l_id.is_some() && (r_id.is_none() || l_id <= r_id);
        let take_record = r_id.is_some() && (l_id.is_none() || r_id <= l_id);
        let problem = compare(
            table.entity,
            logged.as_ref().filter(|_| take_log),
            record.as_ref().filter(|_| take_record),
            &mut first_missing,
        );
        if problem.is_some() {
            return Ok((read, problem));
        }
        if take_log {
            logged = match log.next().await? {
                Ok(l) => l,
                Err(p) => return Ok((read, Some(p))),
            };
        }
        if take_record {
            record = records.next().await?;
            read += i64::from(record.is_some());
            progress.read(u64::from(record.is_some()));
        }
    }
    Ok((read, missing(table.entity, first_missing)))
}

/// Compares the records of `table` that entries later than `since` touched with their
/// latest entry. Returns the records read and the first problem.
pub(super) async fn check_since(
    db: &Db,
    table: &'static AuditedTable,
    since: i64,
    progress: &Progress,
) -> StoreResult<(i64, Option<Problem>)> {
    let mut log = LogSide::new(db, table.entity, since).await?;
    let mut read = 0i64;
    let mut first_missing = None;
    let mut chunk: Vec<Logged> = Vec::with_capacity(LOOKUP);
    loop {
        let next = match log.next().await? {
            Ok(l) => l,
            Err(p) => return Ok((read, Some(p))),
        };
        let last = next.is_none();
        chunk.extend(next);
        if chunk.len() < LOOKUP && !last {
            continue;
        }
        let ids: Vec<i64> = chunk.iter().map(|l| l.id).collect();
        let found = if ids.is_empty() {
            Vec::new()
        } else {
            look_up(db, table, &ids).await?
        };
        read += found.len() as i64;
        progress.read(found.len() as u64);
        let mut found = found.iter().peekable();
        for l in &chunk {
            let record = found.next_if(|r| r.0 == l.id);
            let problem = compare(table.entity, Some(l), record, &mut first_missing);
            if problem.is_some() {
                return Ok((read, problem));
            }
        }
        chunk.clear();
        if last {
            return Ok((read, missing(table.entity, first_missing)));
        }
    }
}
