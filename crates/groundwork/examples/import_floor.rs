//! Helper of `bench/members_import.sh` (not part of the product): the **floor** of the
//! members import (issue 14) — what reading the same file and inserting its rows costs
//! when nothing else is done.
//!
//! ```text
//! import_floor DB_URL members.xlsx
//! READ_ONLY=1 import_floor DB_URL members.xlsx   # the reader alone: nothing inserted
//! ```
//!
//! The file is read exactly as `groundwork import members` reads it: `sheets::SheetReader`
//! (the workbook guard's inflating pass, then calamine's streaming cell reader on its own
//! thread), on a thread of its own here too. Each cell is taken as stored (no trimming, no
//! full-width conversion), the union's name is looked up in a map (the foreign key needs an
//! id) and the rows go into `members` — the same table with the same indexes, in one bulk
//! transaction (`Db::begin_bulk`) — as the backend's bare bulk insert: SQLite a thousand
//! rows to a multi-row `INSERT OR FAIL` with bound values (a plain `INSERT` would keep a
//! statement journal; bench/RESULTS.md), PostgreSQL one `COPY` per ten thousand.
//! Nothing is checked (no resident ID checksum, no dates, no duplicates, no registry read),
//! no ids are read back and nothing is audited. The database must be migrated with the
//! unions of the file imported (the script does it) and hold no members.
//!
//! Prints one JSON line: rows, seconds, rows per second.

use std::collections::HashMap;
use std::sync::mpsc::sync_channel;
use std::time::Instant;

use sheets::{Cell, Row, SheetReader};
use store::db::TxConn;
use store::{Db, Tx};

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// Rows handed from the reading thread at a time, and copied in one COPY.
const BATCH: usize = 10_000;
/// Rows in one SQLite statement: the import's own chunk.
const SQLITE_CHUNK: usize = 1_000;

/// One member row as the file holds it: name, ID, mobile, union name, join date, migrant.
type Raw = [String; 6];

/// A cell as stored, without the import's normalising.
fn raw(row: &Row, column: usize) -> String {
    match row.cell(column) {
        Cell::Text(t) => t.clone(),
        Cell::Empty => String::new(),
        other => other.to_string(),
    }
}

async fn union_ids(db: &Db) -> Result<HashMap<String, i64>, Failure> {
    let rows: Vec<(i64, String)> = match db {
        Db::Sqlite(p) => {
            sqlx::query_as("SELECT id, name FROM unions")
                .fetch_all(p)
                .await?
        }
        Db::Postgres(p) => {
            sqlx::query_as("SELECT id, name FROM unions")
                .fetch_all(p)
                .await?
        }
    };
    Ok(rows.into_iter().map(|(id, name)| (name, id)).collect())
}

async fn insert(
    tx: &mut Tx,
    unions: &HashMap<String, i64>,
    rows: &[Raw],
    now: &str,
) -> Result<(), Failure> {
    let union_of = |r: &Raw| unions.get(&r[3]).copied().unwrap_or(0);
    match &mut tx.conn {
        TxConn::Sqlite(c) => {
            for chunk in rows.chunks(SQLITE_CHUNK) {
                let values = store::Backend::Sqlite.values_list(chunk.len(), 7);
                let sql = format!(
                    "INSERT OR FAIL INTO members (resident_id, name, mobile, union_id, joined_on, migrant_worker, updated_at) VALUES {values}"
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for r in chunk {
                    q = q
                        .bind(&r[1])
                        .bind(&r[0])
                        .bind(&r[2])
                        .bind(union_of(r))
                        .bind(&r[4])
                        .bind(r[5] == "是")
                        .bind(now);
                }
                q.execute(&mut **c).await?;
            }
        }
        TxConn::Postgres(c) => {
            let mut data = String::with_capacity(rows.len() * 96);
            for r in rows {
                let union_id = union_of(r).to_string();
                store::pgcopy::row(
                    &mut data,
                    &[
                        Some(&r[1]),
                        Some(&r[0]),
                        Some(&r[2]),
                        Some(&union_id),
                        Some(&r[4]),
                        Some(if r[5] == "是" { "t" } else { "f" }),
                        Some(now),
                    ],
                );
            }
            store::pgcopy::copy_in(
                c,
                "COPY members (resident_id, name, mobile, union_id, joined_on, migrant_worker, updated_at) FROM STDIN",
                data,
            )
            .await?;
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, path] = args.as_slice() else {
        eprintln!("usage: import_floor DB_URL members.xlsx");
        std::process::exit(2);
    };
    // READ_ONLY=1 reads the file and inserts nothing: the reader's share of the floor.
    let read_only = std::env::var_os("READ_ONLY").is_some();
    let started = Instant::now();
    let db = Db::connect(url).await?;
    let unions = union_ids(&db).await?;
    let reader = SheetReader::open(path.as_ref(), imports::union::members::COLUMNS)?;
    let (sender, batches) = sync_channel::<Vec<Raw>>(2);
    let reading = std::thread::spawn(move || -> Result<(), sheets::SheetError> {
        let mut batch = Vec::with_capacity(BATCH);
        for row in reader {
            let row = row?;
            batch.push([0, 1, 2, 3, 4, 5].map(|c| raw(&row, c)));
            if batch.len() == BATCH
                && sender
                    .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                    .is_err()
            {
                return Ok(());
            }
        }
        let _ = sender.send(batch);
        Ok(())
    });
    let mut tx = db.begin_bulk().await?;
    let now = store::now_text();
    let mut rows = 0usize;
    // The channel is a std one: wait for each batch off the runtime's thread.
    let batches = std::sync::Arc::new(std::sync::Mutex::new(batches));
    loop {
        let next = std::sync::Arc::clone(&batches);
        let batch = tokio::task::spawn_blocking(move || next.lock().ok()?.recv().ok()).await?;
        let Some(batch) = batch else { break };
        if !read_only {
            insert(&mut tx, &unions, &batch, &now).await?;
        }
        rows += batch.len();
    }
    reading
        .join()
        .map_err(|_| "the reading thread panicked")??;
    tx.commit().await?;
    db.close().await;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        r#"{{"rows":{rows},"seconds":{seconds:.2},"rows_per_second":{:.0}}}"#,
        rows as f64 / seconds
    );
    Ok(())
}
