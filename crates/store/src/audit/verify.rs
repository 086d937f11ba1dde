//! Verification: the chain, then the audited records against their latest entries.
//!
//! A full run walks the chain from the first entry and compares every record; a plain
//! (incremental) run starts from the prefix the last successful run wrote down
//! ([`super::prefix`]): it checks that entry still has its hash, walks only the entries
//! after it and compares only the records they touched. Either way everything is read as
//! a stream or a page at a time ([`super::merge`]), so memory does not grow with the log.

use super::merge;
use super::prefix::{self, Verified};
use super::write::entry_hash;
use super::{GENESIS_HASH, Registry};
use crate::db::Db;
use crate::error::StoreResult;
use crate::on_pool;
use crate::progress::Progress;
use futures::TryStreamExt;
use serde::Serialize;

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
    /// The entry a previous verification ended on is gone: the chain's tail was cut back
    /// past it (the newest changes deleted together with their entries).
    VerifiedEntryLost {
        /// That entry's sequence number.
        seq: i64,
        /// When it was verified.
        verified_at: String,
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
            Problem::VerifiedEntryLost { seq, verified_at } => write!(
                f,
                "审计日志第 {seq} 条（{verified_at} 校验通过时的链尾）已不在链中，其后的变更可能连同日志一起被删除"
            ),
        }
    }
}

/// How much a verification checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Mode {
    /// The whole chain and every record.
    Full,
    /// From the last verified prefix on: the entries after it and the records they
    /// touched (everything, the first time). A record changed by raw SQL whose last
    /// logged change is older than the prefix is only found by [`Mode::Full`].
    Incremental,
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
    /// The verified prefix this run started after; `None` for a full run.
    pub since: Option<Verified>,
}

impl Verification {
    /// What was checked, in the words the command line and the page print.
    pub fn scope(&self) -> String {
        match &self.since {
            None => format!(
                "完整校验：自第 1 条起 {} 条日志，{} 条记录",
                self.entries, self.records
            ),
            Some(v) => format!(
                "增量校验：自第 {} 条（{} 校验通过）之后 {} 条日志，及其涉及的 {} 条记录",
                v.seq, v.verified_at, self.entries, self.records
            ),
        }
    }
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

impl EntryRow {
    /// Whether the entry's hash is its own fields' hash after `prev_hash`, and a batch's
    /// id range (not hashed on its own) says what the hashed entity id says.
    fn holds_after(&self, prev_hash: &str) -> bool {
        let expect = entry_hash(
            prev_hash,
            self.seq,
            &self.at,
            &self.actor,
            &self.action,
            &self.entity,
            &self.entity_id,
            self.before_json.as_deref(),
            self.after_json.as_deref(),
        );
        let range_ok = match (self.first_id, self.last_id) {
            (None, None) => true,
            (Some(first), Some(last)) => self.entity_id == format!("{first}-{last}"),
            _ => false,
        };
        self.prev_hash == prev_hash && self.hash == expect && range_ok
    }
}

/// What the chain walk found.
struct Walk {
    entries: i64,
    /// The last entry walked (or the prefix started from).
    head: Option<(i64, String)>,
    problem: Option<Problem>,
}

/// Walks the chain as a stream: from the first entry, or from `since` (whose entry must
/// still hold its hash). `must_hold`, on a full walk, is a prefix verified earlier that
/// the walk must pass through with the same hash.
async fn walk(
    db: &Db,
    since: Option<&Verified>,
    must_hold: Option<&Verified>,
    progress: &Progress,
) -> StoreResult<Walk> {
    let mut entries = 0i64;
    let mut problem = None;
    let mut head = since.map(|v| (v.seq, v.hash.clone()));
    on_pool!(db, |p| {
        let mut rows =
            sqlx::query_as::<_, EntryRow>("SELECT * FROM audit_log WHERE seq >= $1 ORDER BY seq")
                .bind(since.map_or(i64::MIN, |v| v.seq))
                .fetch(p);
        let mut prev_hash = GENESIS_HASH.to_string();
        let mut next_seq = 1;
        if let Some(v) = since {
            let lost = Problem::VerifiedEntryLost {
                seq: v.seq,
                verified_at: v.verified_at.clone(),
            };
            match rows.try_next().await? {
                Some(e) if e.seq == v.seq => {
                    if e.hash != v.hash || !e.holds_after(&e.prev_hash) {
                        problem = Some(Problem::BadHash { seq: v.seq });
                    }
                }
                _ => problem = Some(lost),
            }
            prev_hash = v.hash.clone();
            next_seq = v.seq + 1;
        }
        while problem.is_none()
            && let Some(e) = rows.try_next().await?
        {
            entries += 1;
            progress.read(1);
            if e.seq != next_seq {
                problem = Some(Problem::Gap {
                    expected: next_seq,
                    found: e.seq,
                });
                break;
            }
            if !e.holds_after(&prev_hash)
                || must_hold.is_some_and(|v| v.seq == e.seq && v.hash != e.hash)
            {
                problem = Some(Problem::BadHash { seq: e.seq });
                break;
            }
            next_seq += 1;
            head = Some((e.seq, e.hash.clone()));
            prev_hash = e.hash;
        }
    });
    if problem.is_none()
        && let Some(v) = must_hold
        && head.as_ref().is_none_or(|h| h.0 < v.seq)
    {
        problem = Some(Problem::VerifiedEntryLost {
            seq: v.seq,
            verified_at: v.verified_at.clone(),
        });
    }
    Ok(Walk {
        entries,
        head,
        problem,
    })
}

/// Checks the whole chain, then every record of the tables in `registry` (normally
/// [`crate::audited`]) against its latest entry; the entry a previous verification ended
/// on must still be in the chain. Stops at the first problem. Writes nothing (see
/// [`verify_and_record`]).
pub async fn verify(db: &Db, registry: &Registry) -> StoreResult<Verification> {
    let last = prefix::last_verified(db).await?;
    let progress = Progress::default();
    Ok(run(db, registry, None, last.as_ref(), &progress).await?.0)
}

/// Verifies in `mode` and, when nothing is wrong, writes down the chain's head it reached
/// as the prefix the next incremental run starts from. An incremental run with no prefix
/// yet is a full one. Every entry walked and record compared is counted as read in
/// `progress`, for whoever watches (a terminal's bar, a web job's page).
pub async fn verify_and_record(
    db: &Db,
    registry: &Registry,
    mode: Mode,
    progress: &Progress,
) -> StoreResult<Verification> {
    let last = prefix::last_verified(db).await?;
    let since = match mode {
        Mode::Full => None,
        Mode::Incremental => last.as_ref(),
    };
    let (v, head) = run(db, registry, since, last.as_ref(), progress).await?;
    if v.problem.is_none()
        && let Some((seq, hash)) = head
        && last.as_ref().is_none_or(|l| l.seq != seq || l.hash != hash)
    {
        let mode = match mode {
            Mode::Full => "full",
            Mode::Incremental if since.is_some() => "incremental",
            Mode::Incremental => "full",
        };
        prefix::record(db, seq, &hash, mode).await?;
    }
    Ok(v)
}

async fn run(
    db: &Db,
    registry: &Registry,
    since: Option<&Verified>,
    must_hold: Option<&Verified>,
    progress: &Progress,
) -> StoreResult<(Verification, Option<(i64, String)>)> {
    let walked = walk(db, since, must_hold, progress).await?;
    let mut v = Verification {
        entries: walked.entries,
        records: 0,
        problem: walked.problem,
        since: since.cloned(),
    };
    if v.problem.is_some() {
        return Ok((v, walked.head));
    }
    for table in registry.tables() {
        let (read, problem) = match since {
            None => merge::check_all(db, table, progress).await?,
            Some(p) => merge::check_since(db, table, p.seq, progress).await?,
        };
        v.records += read;
        if problem.is_some() {
            v.problem = problem;
            break;
        }
    }
    Ok((v, walked.head))
}
