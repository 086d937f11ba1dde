//! Logging in: password check with throttling, browser sessions and API tokens.
//!
//! Tokens are random 256-bit values; only their SHA-256 is stored, so a copy of the
//! database does not let anyone log in.

use super::users::{self, User};
use crate::audit::{self, AuditedTable};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::query;
use crate::sql::Bind;
use crate::{on_pool, on_tx};
use chrono::{Duration, Utc};
use sha2::{Digest, Sha256};

/// Failed attempts before an account or an address is locked.
pub const MAX_FAILURES: i64 = 5;
/// How long a lock lasts.
pub const LOCK_MINUTES: i64 = 15;
/// How long a browser session lasts.
pub const SESSION_HOURS: i64 = 12;

const API_TOKENS: &AuditedTable = &super::AUDITED_TABLES[1];

/// A fresh random token, hex encoded.
pub fn random_token() -> StoreResult<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| StoreError::Config(format!("随机数不可用：{e}")))?;
    Ok(hex::encode(b))
}

fn token_hash(token: &str) -> String {
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

async fn locked_until(db: &Db, key: &str) -> StoreResult<Option<String>> {
    let until: Option<Option<String>> = on_pool!(db, |p| {
        sqlx::query_scalar("SELECT locked_until FROM login_failures WHERE key = $1")
            .bind(key)
            .fetch_optional(p)
            .await?
    });
    let now = crate::now_text();
    Ok(until.flatten().filter(|u| *u > now))
}

async fn note_failure(db: &Db, key: &str) -> StoreResult<()> {
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

async fn clear_failures(db: &Db, key: &str) -> StoreResult<()> {
    on_pool!(db, |p| sqlx::query(
        "DELETE FROM login_failures WHERE key = $1"
    )
    .bind(key)
    .execute(p)
    .await
    .map(|_| ())?);
    Ok(())
}

/// Checks a password, throttled per account and per client address.
pub async fn login(
    db: &Db,
    username: &str,
    password: &str,
    address: &str,
) -> StoreResult<LoginOutcome> {
    let user_key = format!("user:{username}");
    let addr_key = format!("addr:{address}");
    for key in [&user_key, &addr_key] {
        if let Some(until) = locked_until(db, key).await? {
            return Ok(LoginOutcome::Locked { until });
        }
    }
    let found = users::by_username_with_hash(db, username).await?;
    let user = match found {
        Some((user, hash)) if users::password_matches(password, &hash).await => user,
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
    let session_token = random_token()?;
    let csrf_token = random_token()?;
    let now = Utc::now();
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, |c| {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash(&session_token))
            .bind(user.id)
            .bind(&csrf_token)
            .bind(crate::timestamp_text(now))
            .bind(crate::timestamp_text(now + Duration::hours(SESSION_HOURS)))
            .execute(&mut *c)
            .await
            .map(|_| ())?
    });
    audit::record_event(
        &mut tx,
        &user.username,
        "login",
        "session",
        &user.id.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(LoginOutcome::Ok {
        user,
        session_token,
        csrf_token,
    })
}

/// The user and CSRF token of a live session.
pub async fn session(db: &Db, token: &str) -> StoreResult<Option<(User, String)>> {
    let row: Option<(i64, String)> = on_pool!(db, |p| {
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

/// Ends a session.
pub async fn logout(db: &Db, token: &str) -> StoreResult<()> {
    on_pool!(db, |p| sqlx::query(
        "DELETE FROM sessions WHERE token_hash = $1"
    )
    .bind(token_hash(token))
    .execute(p)
    .await
    .map(|_| ())?);
    Ok(())
}

/// Issues an API token for `/api/v1/…`; the token is shown once and stored hashed.
pub async fn create_api_token(
    db: &Db,
    actor: &str,
    user_id: i64,
    label: &str,
) -> StoreResult<String> {
    let token = random_token()?;
    let mut tx = db.begin().await?;
    let id: i64 = on_tx!(&mut tx, |c| {
        sqlx::query_scalar("INSERT INTO api_tokens (user_id, token_hash, label, revoked, created_at) VALUES ($1, $2, $3, FALSE, $4) RETURNING id")
            .bind(user_id)
            .bind(token_hash(&token))
            .bind(label)
            .bind(crate::now_text())
            .fetch_one(&mut *c)
            .await?
    });
    audit::record_insert(&mut tx, actor, API_TOKENS, id).await?;
    tx.commit().await?;
    Ok(token)
}

/// The user an API token belongs to, if the token is valid and the user enabled.
pub async fn api_token_user(db: &Db, token: &str) -> StoreResult<Option<User>> {
    let user_id: Option<i64> = query::value(
        db,
        "SELECT user_id FROM api_tokens WHERE token_hash = $1 AND revoked = FALSE",
        &[Bind::Text(token_hash(token))],
    )
    .await?;
    match user_id {
        Some(id) => {
            let u = users::by_id(db, id).await?;
            Ok((!u.disabled).then_some(u))
        }
        None => Ok(None),
    }
}
