//! API tokens for `/api/v1/…`: random 256-bit values shown once and stored hashed, valid
//! for [`TOKEN_DAYS`] unless revoked. A password change or disabling the account revokes
//! every token of the account (re-enabling it does not bring them back); the owner sees
//! the tokens with their last use and may revoke any.

use super::auth::{random_token, token_hash};
use super::users::{self, User};
use crate::audit::{self, AuditedTable};
use crate::db::{Db, Tx};
use crate::error::{StoreError, StoreResult};
use crate::query;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// How long a token lives.
pub const TOKEN_DAYS: i64 = 90;
/// A token's last use is written at most this often (every call would take the write lock).
const USE_GRANULARITY_SECONDS: i64 = 60;

const API_TOKENS: &AuditedTable = &super::AUDITED_TABLES[1];

/// A token as its owner sees it (never the token itself).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TokenInfo {
    /// Database id.
    pub id: i64,
    /// What it is for.
    pub label: String,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was last used, if ever.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl TokenInfo {
    /// Whether it still opens the API at `now`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    user_id: i64,
    label: String,
    created_at: String,
    expires_at: Option<String>,
    last_used_at: Option<String>,
    revoked_at: Option<String>,
    revoked: bool,
}

impl Row {
    fn info(self) -> StoreResult<TokenInfo> {
        let id = self.id;
        let at = |t: &str| {
            crate::parse_timestamp(t)
                .ok_or_else(|| StoreError::corrupt(format!("令牌#{id}的时间「{t}」无法读取")))
        };
        let created_at = at(&self.created_at)?;
        // Tokens issued before tokens expired live their lifetime from their issue.
        let expires_at = match self.expires_at.as_deref() {
            Some(t) => at(t)?,
            None => created_at + Duration::days(TOKEN_DAYS),
        };
        let revoked_at = match (self.revoked_at.as_deref(), self.revoked) {
            (Some(t), _) => Some(at(t)?),
            (None, true) => Some(created_at),
            (None, false) => None,
        };
        Ok(TokenInfo {
            id,
            label: self.label,
            created_at,
            expires_at,
            last_used_at: self.last_used_at.as_deref().map(at).transpose()?,
            revoked_at,
        })
    }
}

const SELECT: &str = "SELECT t.id, t.user_id, t.label, t.created_at, t.expires_at, u.last_used_at,
        t.revoked_at, t.revoked
    FROM api_tokens t LEFT JOIN api_token_uses u ON u.token_id = t.id";

/// Issues a token for `user_id`; the token is returned once and stored hashed.
pub async fn create(db: &Db, actor: &str, user_id: i64, label: &str) -> StoreResult<String> {
    let token = random_token()?;
    let now = Utc::now();
    let mut tx = db.begin().await?;
    audit::insert(
        &mut tx,
        actor,
        API_TOKENS,
        "INSERT INTO api_tokens (user_id, token_hash, label, revoked, created_at, expires_at)
         VALUES ($1, $2, $3, FALSE, $4, $5) RETURNING id",
        &[
            user_id.into(),
            token_hash(&token).into(),
            label.into(),
            crate::timestamp_text(now).into(),
            crate::timestamp_text(now + Duration::days(TOKEN_DAYS)).into(),
        ],
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// The user a token belongs to, if the token is live and the user enabled; notes its use.
pub async fn user_of(db: &Db, token: &str) -> StoreResult<Option<User>> {
    let sql = format!("{SELECT} WHERE t.token_hash = $1");
    let found = query::row(db, &sql, &[token_hash(token).into()], |r: Row| {
        Ok((r.user_id, r.info()?))
    })
    .await?;
    let Some((user_id, t)) = found else {
        return Ok(None);
    };
    let now = Utc::now();
    if !t.is_live(now) {
        return Ok(None);
    }
    let stale = t
        .last_used_at
        .is_none_or(|u| now - u > Duration::seconds(USE_GRANULARITY_SECONDS));
    if stale {
        query::execute(
            db,
            "INSERT INTO api_token_uses (token_id, last_used_at) VALUES ($1, $2)
             ON CONFLICT (token_id) DO UPDATE SET last_used_at = $2",
            &[t.id.into(), crate::timestamp_text(now).into()],
        )
        .await?;
    }
    let u = users::by_id(db, user_id).await?;
    Ok((!u.disabled).then_some(u))
}

/// The tokens of a user, newest first.
pub async fn of_user(db: &Db, user_id: i64) -> StoreResult<Vec<TokenInfo>> {
    let sql = format!("{SELECT} WHERE t.user_id = $1 ORDER BY t.id DESC");
    query::rows(db, &sql, &[user_id.into()], Row::info).await
}

/// Revokes the token `token_id` of `user_id` (another user's token is not found).
pub async fn revoke(tx: &mut Tx, actor: &str, user_id: i64, token_id: i64) -> StoreResult<()> {
    let owner: Option<(i64, bool)> = query::row(
        &mut *tx,
        "SELECT user_id, revoked FROM api_tokens WHERE id = $1",
        &[token_id.into()],
        Ok,
    )
    .await?;
    match owner {
        Some((owner, _)) if owner != user_id => Err(StoreError::NotFound),
        None => Err(StoreError::NotFound),
        Some((_, true)) => Ok(()),
        Some((_, false)) => {
            audit::update(
                tx,
                actor,
                (API_TOKENS, token_id),
                "revoke",
                "UPDATE api_tokens SET revoked = TRUE, revoked_at = $1 WHERE id = $2",
                &[crate::now_text().into(), token_id.into()],
            )
            .await
        }
    }
}

/// Revokes every live token of `user_id` (a password change, a disabled account).
pub async fn revoke_all(tx: &mut Tx, actor: &str, user_id: i64) -> StoreResult<()> {
    let ids = query::rows(
        &mut *tx,
        "SELECT id FROM api_tokens WHERE user_id = $1 AND revoked = FALSE ORDER BY id",
        &[user_id.into()],
        |(id,): (i64,)| Ok(id),
    )
    .await?;
    for id in ids {
        revoke(tx, actor, user_id, id).await?;
    }
    Ok(())
}
