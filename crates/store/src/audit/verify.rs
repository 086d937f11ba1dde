//! Verification: the chain from the first entry to the last, then every audited record
//! against its latest entry.

use super::batch::batch_records;
use super::write::{canonical, entry_hash, recanonical, row_to_json};
use super::{GENESIS_HASH, Registry};
use crate::db::Db;
use crate::error::StoreResult;
use crate::on_pool;
use futures::TryStreamExt;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{Column, Row};
use std::collections::{BTreeMap, HashMap};

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

/// Checks the chain from the first entry to the last, then every record of the tables in
/// `registry` (normally [`crate::audited`]) against its latest entry. Stops at the first
/// problem.
pub async fn verify(db: &Db, registry: &Registry) -> StoreResult<Verification> {
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
    for table in registry.tables() {
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
