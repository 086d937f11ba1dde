//! Connecting to SQLite or PostgreSQL and running the same query code on either.

use crate::error::{StoreError, StoreResult};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

/// How long a SQLite write waits for another writer's lock before giving up busy: long
/// enough that a form saved during a large import (about 25 s for a million members)
/// completes instead of failing.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite, the default.
    Sqlite,
    /// PostgreSQL, for larger deployments.
    Postgres,
}

impl Backend {
    /// What ends a `SELECT` that claims a row for one worker: PostgreSQL locks the row and
    /// lets a concurrent claimer pass over it (`FOR UPDATE SKIP LOCKED`); SQLite needs
    /// nothing, its write transaction (`BEGIN IMMEDIATE`) already excludes other writers.
    pub fn claim_suffix(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }

    /// The `VALUES` list of a multi-row INSERT: `rows` groups of `cols` placeholders.
    ///
    /// SQLite gets anonymous `?` placeholders: sqlx resolves each named one (`$n`) with
    /// `sqlite3_bind_parameter_name`, which walks the statement's whole parameter list,
    /// so thousands of `$n` in one statement cost quadratic time (measured: 70% of a bulk
    /// import). PostgreSQL needs `$n`.
    pub fn values_list(self, rows: usize, cols: usize) -> String {
        let mut out = String::with_capacity(rows * cols * 6);
        for r in 0..rows {
            out.push_str(if r == 0 { "(" } else { ",(" });
            for c in 0..cols {
                if c > 0 {
                    out.push(',');
                }
                match self {
                    Backend::Sqlite => out.push('?'),
                    Backend::Postgres => {
                        out.push('$');
                        out.push_str(&(r * cols + c + 1).to_string());
                    }
                }
            }
            out.push(')');
        }
        out
    }
}

/// A connection pool to one of the two backends. Cheap to clone.
#[derive(Clone, Debug)]
pub enum Db {
    /// SQLite: WAL, `synchronous=NORMAL`, a [`BUSY_TIMEOUT`] wait for the write lock, foreign keys on; write
    /// transactions start with `BEGIN IMMEDIATE` so a read-then-write never fails busy.
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// An open write transaction on either backend.
pub struct Tx {
    /// The backend's transaction.
    pub conn: TxConn,
    /// The audit log's last (seq, hash) once read in this transaction: appends hold the
    /// log's write lock until commit, so it cannot change under us and need not be re-read.
    pub(crate) audit_head: Option<(i64, String)>,
}

/// The backend-specific part of a [`Tx`].
pub enum TxConn {
    /// SQLite transaction (begun IMMEDIATE).
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    /// PostgreSQL transaction.
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// Runs `$body` with `$p` bound to the concrete pool (`&SqlitePool` or `&PgPool`): the
/// body is compiled once per backend, so one query serves both.
#[macro_export]
macro_rules! on_pool {
    ($db:expr, |$p:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite($p) => $body,
            $crate::Db::Postgres($p) => $body,
        }
    };
}

/// Runs `$body` with `$c` bound to the transaction's connection (`&mut SqliteConnection`
/// or `&mut PgConnection`); use `&mut *$c` for each query.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, |$c:ident| $body:expr) => {
        match &mut ($tx).conn {
            $crate::db::TxConn::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::db::TxConn::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

/// Where a read runs: a pooled connection, or an open transaction (to see its own
/// uncommitted writes and keep its locks).
pub enum Conn<'a> {
    /// A connection taken from the pool for the duration of the call.
    Pool(&'a Db),
    /// The caller's transaction.
    Tx(&'a mut Tx),
}

impl<'a> From<&'a Db> for Conn<'a> {
    fn from(db: &'a Db) -> Self {
        Conn::Pool(db)
    }
}

impl<'a> From<&'a mut Tx> for Conn<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        Conn::Tx(tx)
    }
}

impl<'a, 'b> From<&'a mut Conn<'b>> for Conn<'a> {
    /// Reborrows a connection the caller holds, so that one read may hand it to another
    /// (every read takes `impl Into<Conn>`).
    fn from(conn: &'a mut Conn<'b>) -> Self {
        match conn {
            Conn::Pool(db) => Conn::Pool(db),
            Conn::Tx(tx) => Conn::Tx(tx),
        }
    }
}

/// Runs `$body` with `$c` bound to `&mut SqliteConnection` or `&mut PgConnection` taken
/// from a `&mut Conn`; use `&mut *$c` for each query. Lets one function read for a page (on
/// the pool) and inside a change (in its transaction, seeing its own writes).
#[macro_export]
macro_rules! on_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::Conn::Pool(db) => match db {
                $crate::Db::Sqlite(p) => {
                    let mut held = p.acquire().await?;
                    let $c = &mut *held;
                    $body
                }
                $crate::Db::Postgres(p) => {
                    let mut held = p.acquire().await?;
                    let $c = &mut *held;
                    $body
                }
            },
            $crate::db::Conn::Tx(tx) => $crate::on_tx!(tx, |$c| $body),
        }
    };
}

impl Db {
    /// Connects to `sqlite://path` (created if missing), `sqlite::memory:` or
    /// `postgres://…`, and brings the schema up to date.
    pub async fn connect(url: &str) -> StoreResult<Db> {
        let db = Db::connect_without_migrating(url).await?;
        crate::migrate::run(&db).await?;
        crate::union::register_townships(&db).await?;
        Ok(db)
    }

    /// Connects without running migrations (used by `migrate` itself and by tests that
    /// inspect an old schema).
    pub async fn connect_without_migrating(url: &str) -> StoreResult<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url)
                .map_err(|e| StoreError::Config(format!("PostgreSQL 地址无效：{e}")))?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            Ok(Db::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            let memory = url.contains(":memory:");
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::Config(format!("SQLite 地址无效：{e}")))?
                .create_if_missing(true)
                .foreign_keys(true)
                .busy_timeout(BUSY_TIMEOUT)
                .synchronous(SqliteSynchronous::Normal)
                // Sorts and DISTINCTs of the yearly figures (half a million participations)
                // stay in memory instead of spilling to temporary files.
                .pragma("temp_store", "memory")
                .journal_mode(if memory {
                    SqliteJournalMode::Memory
                } else {
                    SqliteJournalMode::Wal
                });
            let pool = SqlitePoolOptions::new()
                // An in-memory database exists once per connection: keep exactly one.
                .max_connections(if memory { 1 } else { 8 })
                .min_connections(if memory { 1 } else { 0 })
                .idle_timeout(if memory {
                    None
                } else {
                    Some(Duration::from_secs(600))
                })
                .max_lifetime(if memory {
                    None
                } else {
                    Some(Duration::from_secs(3600))
                })
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(opts)
                .await?;
            Ok(Db::Sqlite(pool))
        } else {
            Err(StoreError::Config(format!(
                "不支持的数据库地址：{url}（应以 sqlite: 或 postgres:// 开头）"
            )))
        }
    }

    /// Which engine this is.
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Begins a write transaction.
    pub async fn begin(&self) -> StoreResult<Tx> {
        let conn = match self {
            Db::Sqlite(p) => TxConn::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => TxConn::Postgres(p.begin().await?),
        };
        Ok(Tx {
            conn,
            audit_head: None,
        })
    }

    /// A write transaction for a bulk import whose rows the importer has fully checked
    /// against data read inside this same transaction (so every reference it writes
    /// exists: nothing else can write until it commits).
    ///
    /// On a SQLite file the transaction gets a connection of its own, set up before
    /// `BEGIN` (these settings cannot change inside a transaction): foreign keys not
    /// re-checked row by row, statement journals and temporary data in memory, a 64 MB
    /// page cache. With foreign keys off and `INSERT OR FAIL`, a multi-row INSERT needs no
    /// statement journal, which otherwise copies every page the statement touches — most
    /// of a million-row import's time (measured; bench/RESULTS.md). The connection is
    /// closed afterwards, never returned to the pool, so the settings cannot leak into
    /// ordinary transactions. PostgreSQL and in-memory SQLite get [`Db::begin`].
    pub async fn begin_bulk(&self) -> StoreResult<Tx> {
        let Db::Sqlite(p) = self else {
            return self.begin().await;
        };
        let mut conn = p.acquire().await?;
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut *conn)
            .await?;
        if !mode.eq_ignore_ascii_case("wal") {
            // In memory: this connection is the database; it must go back to the pool.
            drop(conn);
            return self.begin().await;
        }
        conn.close_on_drop();
        sqlx::raw_sql(
            "PRAGMA foreign_keys = OFF; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536",
        )
        .execute(&mut *conn)
        .await?;
        let tx = sqlx::Transaction::begin(
            conn,
            Some(sqlx::SqlSafeStr::into_sql_str("BEGIN IMMEDIATE")),
        )
        .await?;
        Ok(Tx {
            conn: TxConn::Sqlite(tx),
            audit_head: None,
        })
    }

    /// Whether the database answers a trivial query (for `/healthz`).
    pub async fn ping(&self) -> bool {
        on_pool!(self, |p| sqlx::query("SELECT 1").execute(p).await.is_ok())
    }

    /// Runs raw SQL outside the audited code paths. Only for maintenance scripts and
    /// for tests that tamper with the database on purpose to prove the audit check works.
    pub async fn execute_raw(&self, sql: &str) -> StoreResult<()> {
        on_pool!(self, |p| sqlx::raw_sql(crate::dynamic(sql))
            .execute(p)
            .await
            .map(|_| ())?);
        Ok(())
    }

    /// Closes the pool, waiting for connections to finish. On SQLite the write-ahead log
    /// is folded back into the database file first (`wal_checkpoint(TRUNCATE)`), so after
    /// a shutdown the `.db` file alone is the whole database (a copy of it is a backup).
    pub async fn close(&self) {
        if let Db::Sqlite(p) = self
            && let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(p)
                .await
        {
            tracing::warn!("WAL checkpoint before closing failed: {e}");
        }
        on_pool!(self, |p| p.close().await)
    }
}

impl Tx {
    /// Commits the transaction.
    pub async fn commit(self) -> StoreResult<()> {
        match self.conn {
            TxConn::Sqlite(t) => t.commit().await?,
            TxConn::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    /// Rolls the transaction back (also what dropping it does).
    pub async fn rollback(self) -> StoreResult<()> {
        match self.conn {
            TxConn::Sqlite(t) => t.rollback().await?,
            TxConn::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }

    /// Which engine this transaction runs on.
    pub fn backend(&self) -> Backend {
        match self.conn {
            TxConn::Sqlite(_) => Backend::Sqlite,
            TxConn::Postgres(_) => Backend::Postgres,
        }
    }
}
