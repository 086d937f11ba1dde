//! Where sessions and login throttling live: apart from the records on SQLite.
//!
//! SQLite has one write lock per database file, and a large import holds it for as long
//! as it runs (a million members: some 20 seconds). Logging in writes — the session, the
//! failure counts — so in the records' file every login would wait for the import. On
//! SQLite the session store is therefore a second file beside the database
//! (`<file>-sessions`), with its own lock: a login never waits for an import. On
//! PostgreSQL (and for an in-memory SQLite database) sessions stay in the records'
//! database, where inserting a row waits for nobody.
//!
//! The login's audit entry belongs in the one hash-chained log, whose head an import
//! holds until it commits, on either backend. So a login writes a pending event beside
//! its session, and [`flush_events`] moves pending events into the log as soon as it is
//! free: right after the login, or after the import.
//!
//! The side file holds nothing that must survive: losing it logs everyone out.

use crate::audit;
use crate::db::Db;
use crate::error::StoreResult;
use crate::on_pool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

/// The side files opened so far, by the records' file: every clone of a `Db` shares one
/// pool to its side file.
static SIDES: LazyLock<Mutex<HashMap<PathBuf, Db>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// The side file's tables (created when it is first opened).
const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS sessions (
        token_hash TEXT PRIMARY KEY,
        user_id BIGINT NOT NULL,
        csrf_token TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_id)",
    "CREATE TABLE IF NOT EXISTS login_failures (
        key TEXT PRIMARY KEY,
        failures BIGINT NOT NULL,
        locked_until TEXT,
        updated_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS pending_events (
        id INTEGER PRIMARY KEY,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL)",
];

/// Where a database keeps its sessions.
#[derive(Debug, Clone)]
pub enum SessionStore {
    /// In the records' database (PostgreSQL, in-memory SQLite).
    Records,
    /// In a side file of its own (a SQLite database file).
    Apart(Db),
}

impl SessionStore {
    /// The database to run session statements on.
    pub fn db<'a>(&'a self, records: &'a Db) -> &'a Db {
        match self {
            SessionStore::Records => records,
            SessionStore::Apart(side) => side,
        }
    }
}

/// The session store of `db`, opening (and creating) the side file on first use.
pub async fn store_of(db: &Db) -> StoreResult<SessionStore> {
    let Db::Sqlite(pool) = db else {
        return Ok(SessionStore::Records);
    };
    let file = pool.connect_options().get_filename().to_path_buf();
    let name = file.to_string_lossy();
    if name.is_empty() || name == ":memory:" || name.contains("mode=memory") {
        return Ok(SessionStore::Records);
    }
    if let Some(side) = SIDES.lock().map_err(poisoned)?.get(&file) {
        return Ok(SessionStore::Apart(side.clone()));
    }
    // One opening at a time: two pools creating the same new file at once would race
    // to switch it to WAL, and the loser gets "database is locked" without waiting.
    static OPENING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _one = OPENING.lock().await;
    if let Some(side) = SIDES.lock().map_err(poisoned)?.get(&file) {
        return Ok(SessionStore::Apart(side.clone()));
    }
    let mut side_file = file.clone().into_os_string();
    side_file.push("-sessions");
    let opts = SqliteConnectOptions::new()
        .filename(&side_file)
        .create_if_missing(true)
        .busy_timeout(crate::db::BUSY_TIMEOUT)
        .synchronous(SqliteSynchronous::Normal)
        .journal_mode(SqliteJournalMode::Wal);
    let side_pool = SqlitePoolOptions::new()
        .max_connections(4)
        .idle_timeout(Some(Duration::from_secs(60)))
        .connect_with(opts)
        .await?;
    for statement in SCHEMA {
        sqlx::query(crate::dynamic(statement))
            .execute(&side_pool)
            .await?;
    }
    let side = Db::Sqlite(side_pool);
    let mut sides = SIDES.lock().map_err(poisoned)?;
    // Another task may have opened it meanwhile: keep the first.
    Ok(SessionStore::Apart(
        sides.entry(file).or_insert(side).clone(),
    ))
}

fn poisoned<T>(_: std::sync::PoisonError<T>) -> crate::StoreError {
    crate::StoreError::Config("会话存储锁异常".into())
}

/// Notes `action` on `entity` `entity_id` by `actor` (a login) as a pending event in the
/// session store, to be moved into the audit log by [`flush_events`].
pub(crate) async fn log_event(
    db: &Db,
    store: &SessionStore,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
) -> StoreResult<()> {
    crate::query::execute(
        store.db(db),
        "INSERT INTO pending_events (actor, action, entity, entity_id) VALUES ($1, $2, $3, $4)",
        &[actor.into(), action.into(), entity.into(), entity_id.into()],
    )
    .await
}

/// Moves the pending events into the audit log, in the order they happened; returns how
/// many. In the records' database the move is one transaction. From a side file, each
/// event is deleted there only after the log's transaction committed, so an event is never
/// lost (at worst a crash between the two logs it twice). Waits for the log like any change.
pub async fn flush_events(db: &Db) -> StoreResult<usize> {
    let store = store_of(db).await?;
    // One flush at a time in the process, so that two never log the same events.
    static FLUSHING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _one = FLUSHING.lock().await;
    let pending: Vec<(i64, String, String, String, String)> = on_pool!(store.db(db), |p| {
        sqlx::query_as(
            "SELECT id, actor, action, entity, entity_id FROM pending_events ORDER BY id LIMIT 1000",
        )
        .fetch_all(p)
        .await?
    });
    let Some(last) = pending.last().map(|e| e.0) else {
        return Ok(0);
    };
    let mut tx = db.begin().await?;
    for (_, actor, action, entity, entity_id) in &pending {
        audit::record_event(&mut tx, actor, action, entity, entity_id).await?;
    }
    match &store {
        SessionStore::Records => {
            delete_through(&mut tx, last).await?;
            tx.commit().await?;
        }
        SessionStore::Apart(side) => {
            tx.commit().await?;
            let mut side_tx = side.begin().await?;
            delete_through(&mut side_tx, last).await?;
            side_tx.commit().await?;
        }
    }
    Ok(pending.len())
}

/// Deletes the pending events up to `last`.
async fn delete_through(tx: &mut crate::Tx, last: i64) -> StoreResult<()> {
    crate::query::execute(
        tx,
        "DELETE FROM pending_events WHERE id <= $1",
        &[last.into()],
    )
    .await
}
