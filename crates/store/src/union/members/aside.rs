//! The registry's secondary indexes set aside while a very large import writes, on
//! SQLite: a million rows inserted into `members` with its (then seven) secondary indexes
//! took 11.0 s of B-tree searches, the same rows into the bare table 0.4 s and the
//! indexes built afterwards, each by one sort, 3.6 s (bench/RESULTS.md, 2026-12-07).
//!
//! Everything happens inside the import's transaction, so a failed, cancelled or killed
//! import rolls the indexes back with its rows, and other connections (WAL snapshots)
//! keep reading with them meanwhile. The import itself needs none of them: the bulk path
//! reads the registry once before writing and writes by id. The unique index on resident
//! IDs is built again before the commit, so a duplicate fails the import as it would
//! have row by row. PostgreSQL keeps its indexes: dropping one there would lock every
//! reader of the table out until the import commits.

use crate::db::{Tx, TxConn};
use crate::error::StoreResult;

/// The definitions of the indexes set aside, to build again with [`IndexesAside::finish`].
#[must_use = "the indexes must be built again before the import commits"]
pub struct IndexesAside(Vec<String>);

impl IndexesAside {
    /// Drops the secondary indexes of `members` in `tx` (SQLite; nothing on PostgreSQL).
    pub async fn begin(tx: &mut Tx) -> StoreResult<IndexesAside> {
        let TxConn::Sqlite(c) = &mut tx.conn else {
            return Ok(IndexesAside(Vec::new()));
        };
        let defs: Vec<(String, String)> = sqlx::query_as(
            "SELECT name, sql FROM sqlite_master
             WHERE type = 'index' AND tbl_name = 'members' AND sql IS NOT NULL ORDER BY name",
        )
        .fetch_all(&mut **c)
        .await?;
        for (name, _) in &defs {
            sqlx::query(crate::dynamic(&format!("DROP INDEX \"{name}\"")))
                .execute(&mut **c)
                .await?;
        }
        Ok(IndexesAside(defs.into_iter().map(|(_, sql)| sql).collect()))
    }

    /// Builds the indexes again, each from one sort of the table, in `tx`. The sorts
    /// spill to temporary files: with `temp_store = MEMORY` (the pool's setting) SQLite
    /// keeps each sort's runs in a growing in-memory file, and the builds of a
    /// million rows took 6.2 s instead of 3.7 s (sqlite3, bench/RESULTS.md 2026-12-07).
    pub async fn finish(self, tx: &mut Tx) -> StoreResult<()> {
        let TxConn::Sqlite(c) = &mut tx.conn else {
            return Ok(());
        };
        // The bulk connection is closed after the import, so the setting ends with it (an
        // in-memory database's one connection keeps it: SQLite's default, only slower
        // for its small temporary tables).
        sqlx::query("PRAGMA temp_store = FILE")
            .execute(&mut **c)
            .await?;
        for sql in &self.0 {
            sqlx::query(crate::dynamic(sql)).execute(&mut **c).await?;
        }
        Ok(())
    }
}
