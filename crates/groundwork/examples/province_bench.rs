//! Helper of `bench/province.sh` (not part of the product): the audit log of a database
//! that `annual_bench fill` generated (issue 14's province: twenty million members), so
//! that `groundwork audit verify` has a whole chain and every record to check.
//!
//! ```text
//! province_bench audit DB_URL
//! ```
//!
//! The generator writes its rows with `INSERT … SELECT` and logs nothing. This writes, for
//! every audited record without an entry yet, the entry the application itself would have
//! written, through the store's own code: members as the members import logs them —
//! `audit::Batch` entries of ten thousand records, built from the values read back, hashed
//! and chained by `audit::record_batch` — and every other record (unions, enterprises,
//! households, participations …) one `audit::record_insert` entry each, as a form's save
//! does. Each ten thousand records are one transaction. Run it once, on a database whose
//! log holds none of the generated records.

use std::time::Instant;

use store::audit::{self, Batch, Field};
use store::db::TxConn;
use store::{Backend, Db, Tx};

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// Records to an entry (members) and to a transaction (everything).
const CHUNK: i64 = 10_000;
const ACTOR: &str = "province_bench";

/// One member row as read back for its batch entry.
type MemberRow = (
    i64,
    String,
    String,
    Option<String>,
    i64,
    String,
    bool,
    Option<String>,
    String,
);

const MEMBER_SELECT: &str =
    "SELECT id, resident_id, name, mobile, union_id, joined_on, migrant_worker, left_on, updated_at
     FROM members WHERE id >= $1 AND id < $2 ORDER BY id";

async fn members_between(tx: &mut Tx, from: i64, to: i64) -> Result<Vec<MemberRow>, Failure> {
    Ok(match &mut tx.conn {
        TxConn::Sqlite(c) => {
            sqlx::query_as(MEMBER_SELECT)
                .bind(from)
                .bind(to)
                .fetch_all(&mut **c)
                .await?
        }
        TxConn::Postgres(c) => {
            sqlx::query_as(MEMBER_SELECT)
                .bind(from)
                .bind(to)
                .fetch_all(&mut **c)
                .await?
        }
    })
}

/// The lowest and highest id of `table` (0, -1 when empty).
async fn id_range(db: &Db, table: &str) -> Result<(i64, i64), Failure> {
    let sql = format!("SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), -1) FROM {table}");
    Ok(match db {
        Db::Sqlite(p) => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_one(p)
                .await?
        }
        Db::Postgres(p) => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_one(p)
                .await?
        }
    })
}

/// The ids of `table` in `[from, to)`.
async fn ids_between(tx: &mut Tx, table: &str, from: i64, to: i64) -> Result<Vec<i64>, Failure> {
    let sql = format!("SELECT id FROM {table} WHERE id >= $1 AND id < $2 ORDER BY id");
    Ok(match &mut tx.conn {
        TxConn::Sqlite(c) => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(from)
                .bind(to)
                .fetch_all(&mut **c)
                .await?
        }
        TxConn::Postgres(c) => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(from)
                .bind(to)
                .fetch_all(&mut **c)
                .await?
        }
    })
}

/// Members `[from, to)` as one batch entry, exactly as `members::insert_many` logs them.
async fn log_members(tx: &mut Tx, backend: Backend, from: i64, to: i64) -> Result<u64, Failure> {
    let rows = members_between(tx, from, to).await?;
    let mut batch = Batch::new(
        backend,
        &store::union::members::MEMBERS,
        store::union::members::MEMBER_COLUMNS,
    );
    for (id, rid, name, mobile, union_id, joined, migrant, left, updated) in &rows {
        batch.push(
            *id,
            &[
                Field::Text(Some(rid)),
                Field::Text(Some(name)),
                Field::Text(mobile.as_deref()),
                Field::Int(*union_id),
                Field::Text(Some(joined)),
                Field::Bool(*migrant),
                Field::Text(left.as_deref()),
                Field::Text(Some(updated)),
            ],
        );
    }
    audit::record_batch(tx, ACTOR, batch).await?;
    Ok(rows.len() as u64)
}

async fn log_all(url: &str) -> Result<(), Failure> {
    let db = Db::connect(url).await?;
    let backend = db.backend();
    for table in store::audited().tables() {
        let started = Instant::now();
        let (low, high) = id_range(&db, table.table).await?;
        let mut logged = 0u64;
        let mut from = low;
        while from <= high {
            let to = from + CHUNK;
            let mut tx = db.begin().await?;
            if table.table == "members" {
                logged += log_members(&mut tx, backend, from, to).await?;
            } else {
                for id in ids_between(&mut tx, table.table, from, to).await? {
                    audit::record_insert(&mut tx, ACTOR, table, id).await?;
                    logged += 1;
                }
            }
            tx.commit().await?;
            from = to;
        }
        if logged > 0 {
            eprintln!(
                "  {}: {logged} records logged in {:.1?}",
                table.table,
                started.elapsed()
            );
        }
    }
    db.close().await;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().collect();
    match args.as_slice() {
        [_, cmd, url] if cmd == "audit" => log_all(url).await,
        _ => {
            eprintln!("usage: province_bench audit DB_URL");
            std::process::exit(2);
        }
    }
}
