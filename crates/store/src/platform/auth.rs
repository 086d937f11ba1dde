//! Logging in: password check with throttling and browser sessions (API tokens are
//! [`super::tokens`]).
//!
//! Tokens are random 256-bit values; only their SHA-256 is stored, so a copy of the
//! database does not let anyone log in.

use super::sessions;
use super::users::{self, User};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::query;
use crate::{on_pool, on_tx};
use chrono::{Duration, Utc};
use sha2::{Digest, Sha256};

/// Failed attempts before an account or an address is locked.
pub const MAX_FAILURES: i64 = 5;
/// How long a lock lasts.
pub const LOCK_MINUTES: i64 = 15;
/// How long a browser session lasts.
pub const SESSION_HOURS: i64 = 12;

/// A fresh random token, hex encoded.
pub fn random_token() -> StoreResult<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| StoreError::Config(format!("随机数不可用：{e}")))?;
    Ok(hex::encode(b))
}

/// The stored form of a token: its SHA-256 in hex.
pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The result of a login attempt.
#[derive(Debug)]
pub enum LoginOutcome {
    /// Logged in: the session token for the cookie and its CSRF token.
    Ok {
        /// Who logged in.
        user: User,
        /// The session cookie's value (stored only hashed).
        session_token: String,
        /// The token every form of the session carries.
        csrf_token: String,
    },
    /// Wrong name or password (deliberately not saying which).
    Wrong,
    /// Too many failures: locked until the given time (stored text form).
    Locked {
        /// When the lock ends.
        until: String,
    },
    /// The account is disabled.
    Disabled,
}

/// When `key` (an account from an address, an address) is locked out until, if it is.
pub(crate) async fn locked_until(records: &Db, key: &str) -> StoreResult<Option<String>> {
    let store = sessions::store_of(records).await?;
    let db = store.db(records);
    let until: Option<Option<String>> = on_pool!(db, |p| {
        sqlx::query_scalar("SELECT locked_until FROM login_failures WHERE key = $1")
            .bind(key)
            .fetch_optional(p)
            .await?
    });
    let now = crate::now_text();
    Ok(until.flatten().filter(|u| *u > now))
}

/// Counts a failure of `key`, locking it out past [`MAX_FAILURES`].
pub(crate) async fn note_failure(records: &Db, key: &str) -> StoreResult<()> {
    let store = sessions::store_of(records).await?;
    let db = store.db(records);
    let now = Utc::now();
    let lock = crate::timestamp_text(now + Duration::minutes(LOCK_MINUTES));
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, |c| {
        // A lock that has expired starts the count again.
        sqlx::query(
            "INSERT INTO login_failures (key, failures, locked_until, updated_at) VALUES ($1, 1, NULL, $2)
             ON CONFLICT (key) DO UPDATE SET
               failures = CASE WHEN login_failures.locked_until IS NOT NULL AND login_failures.locked_until <= $2
                               THEN 1 ELSE login_failures.failures + 1 END,
               locked_until = CASE WHEN login_failures.locked_until IS NOT NULL AND login_failures.locked_until <= $2
                               THEN NULL ELSE login_failures.locked_until END,
               updated_at = $2",
        )
        .bind(key)
        .bind(crate::timestamp_text(now))
        .execute(&mut *c)
        .await
        .map(|_| ())?;
        sqlx::query("UPDATE login_failures SET locked_until = $1 WHERE key = $2 AND failures >= $3 AND locked_until IS NULL")
            .bind(&lock)
            .bind(key)
            .bind(MAX_FAILURES)
            .execute(&mut *c)
            .await
            .map(|_| ())?
    });
    tx.commit().await
}

async fn clear_failures(records: &Db, key: &str) -> StoreResult<()> {
    let store = sessions::store_of(records).await?;
    let db = store.db(records);
    query::execute(
        db,
        "DELETE FROM login_failures WHERE key = $1",
        &[key.into()],
    )
    .await
}

/// A hash of no one's password, checked when the name is unknown so that a wrong name
/// costs as long as a wrong password and names cannot be told apart by timing.
async fn dummy_hash() -> StoreResult<&'static str> {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_try_init(|| users::hash_password("groundwork-dummy-password"))
        .await
        .map(String::as_str)
}

/// Checks a password, throttled per account *from one address* and per address: failures
/// from one place lock that place out of the account (and, past the limit, out of every
/// account), while the owner elsewhere still logs in. A success clears its address's
/// counts. An unknown name is checked against a dummy hash, so it answers no faster than
/// a wrong password.
pub async fn login(
    db: &Db,
    username: &str,
    password: &str,
    address: &str,
) -> StoreResult<LoginOutcome> {
    let user_key = format!("user:{username}@{address}");
    let addr_key = format!("addr:{address}");
    for key in [&user_key, &addr_key] {
        if let Some(until) = locked_until(db, key).await? {
            return Ok(LoginOutcome::Locked { until });
        }
    }
    let found = users::by_username_with_hash(db, username).await?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), hash),
        None => (None, dummy_hash().await?.to_string()),
    };
    let matches = users::password_matches(password, &hash).await;
    let user = match user {
        Some(user) if matches => user,
        _ => {
            note_failure(db, &user_key).await?;
            note_failure(db, &addr_key).await?;
            return Ok(LoginOutcome::Wrong);
        }
    };
    if user.disabled {
        return Ok(LoginOutcome::Disabled);
    }
    clear_failures(db, &user_key).await?;
    clear_failures(db, &addr_key).await?;
    let session_token = random_token()?;
    let csrf_token = random_token()?;
    let now = Utc::now();
    // The session goes where sessions are kept (beside the records on SQLite, so that an
    // import holding the records' write lock does not hold up logins); the login's audit
    // entry goes into the log at once, or as soon as the records are free.
    let store = sessions::store_of(db).await?;
    on_pool!(store.db(db), |p| {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash(&session_token))
            .bind(user.id)
            .bind(&csrf_token)
            .bind(crate::timestamp_text(now))
            .bind(crate::timestamp_text(now + Duration::hours(SESSION_HOURS)))
            .execute(p)
            .await
            .map(|_| ())?
    });
    sessions::log_event(
        db,
        &store,
        &user.username,
        "login",
        "session",
        &user.id.to_string(),
    )
    .await?;
    Ok(LoginOutcome::Ok {
        user,
        session_token,
        csrf_token,
    })
}

/// The user and CSRF token of a live session.
pub async fn session(db: &Db, token: &str) -> StoreResult<Option<(User, String)>> {
    let store = sessions::store_of(db).await?;
    let row: Option<(i64, String)> = on_pool!(store.db(db), |p| {
        sqlx::query_as(
            "SELECT user_id, csrf_token FROM sessions WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash(token))
        .bind(crate::now_text())
        .fetch_optional(p)
        .await?
    });
    let Some((user_id, csrf)) = row else {
        return Ok(None);
    };
    let user = users::by_id(db, user_id).await?;
    Ok((!user.disabled).then_some((user, csrf)))
}

/// Ends every session of user `user_id` (a disabled account, a changed password).
pub async fn end_sessions_of(db: &Db, user_id: i64) -> StoreResult<()> {
    let store = sessions::store_of(db).await?;
    query::execute(
        store.db(db),
        "DELETE FROM sessions WHERE user_id = $1",
        &[user_id.into()],
    )
    .await
}

/// Ends a session.
pub async fn logout(db: &Db, token: &str) -> StoreResult<()> {
    let store = sessions::store_of(db).await?;
    query::execute(
        store.db(db),
        "DELETE FROM sessions WHERE token_hash = $1",
        &[token_hash(token).into()],
    )
    .await
}
