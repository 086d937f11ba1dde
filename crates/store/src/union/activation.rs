//! A member's first activation of the member app (会员之家): they give their resident ID
//! and the mobile on record, a six-digit one-time code goes to that mobile through the
//! notifications outbox, and with the code they choose a password. From then on they log
//! in like anyone else, with their resident ID as the user name.
//!
//! Nothing here tells a stranger whether an ID is registered: a request that matches no
//! member answers exactly like one that does. Codes are kept only as a digest, expire
//! after [`CODE_MINUTES`], allow [`MAX_CODE_ATTEMPTS`] tries, and requests and wrong codes
//! count against the address like failed logins (locked for the same 15 minutes).

use super::Scope;
use super::members;
use crate::audit::{self, AuditedTable};
use crate::db::{Db, Tx};
use crate::error::{StoreError, StoreResult};
use crate::platform::auth::{locked_until, note_failure};
use crate::platform::notify::{self, NewMessage};
use crate::platform::users::{self, NewUser, User};
use crate::query;
use chrono::{DateTime, Duration, Utc};
use domain::platform::notify::{Audience, Channel, IdempotencyKey};
use domain::platform::{Mobile, ResidentId, Role};
use sha2::{Digest, Sha256};

/// The activation requests, audited with the code's digest only.
pub const ACTIVATIONS: AuditedTable = AuditedTable {
    entity: "member_activation",
    table: "member_activations",
    secret_columns: &["code_hash"],
};

/// How long a code is valid.
pub const CODE_MINUTES: i64 = 10;
/// Wrong codes before a request is spent.
pub const MAX_CODE_ATTEMPTS: i64 = 5;
/// Codes one resident ID may be sent in an hour.
pub const MAX_REQUESTS_PER_HOUR: i64 = 3;

/// Who the audit log names for a member's own requests.
const SELF_SERVICE: &str = "member-app";

/// What happened to an activation request; the page says the same thing for all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requested {
    /// A code was queued for the member's mobile.
    Sent,
    /// Nothing was sent (no such member, another mobile, already active, too many
    /// requests): the caller must not say which.
    NotSent,
}

/// What an activation attempt did.
#[derive(Debug)]
pub enum Activated {
    /// The account exists now.
    Ok(User),
    /// Wrong, expired or spent code (deliberately not saying which).
    Wrong,
    /// Too many attempts from this address: locked until then (stored text form).
    Locked {
        /// When the lock ends.
        until: String,
    },
}

fn code_hash(resident_id: &ResidentId, code: &str) -> String {
    hex::encode(Sha256::digest(
        format!("{}:{}", resident_id.as_str(), code.trim()).as_bytes(),
    ))
}

/// Six random digits.
fn new_code() -> StoreResult<String> {
    let mut b = [0u8; 4];
    getrandom::fill(&mut b).map_err(|e| StoreError::Config(format!("随机数不可用：{e}")))?;
    Ok(format!("{:06}", u32::from_le_bytes(b) % 1_000_000))
}

fn address_key(address: &str) -> String {
    format!("activate:{address}")
}

/// The member app's user name for a member: their resident ID.
pub fn username(resident_id: &ResidentId) -> String {
    resident_id.as_str().to_string()
}

/// Sends a one-time code to the member's mobile on record, if `resident_id` is a current
/// member whose mobile is `mobile` and who has no account yet; refused quietly otherwise.
/// Every request counts against `address`.
pub async fn request(
    db: &Db,
    resident_id: &ResidentId,
    mobile: &Mobile,
    address: &str,
    now: DateTime<Utc>,
) -> StoreResult<Requested> {
    let key = address_key(address);
    if locked_until(db, &key).await?.is_some() {
        return Ok(Requested::NotSent);
    }
    note_failure(db, &key).await?;
    let mut tx = db.begin().await?;
    let sent = request_in(&mut tx, resident_id, mobile, now).await?;
    tx.commit().await?;
    Ok(sent)
}

async fn request_in(
    tx: &mut Tx,
    resident_id: &ResidentId,
    mobile: &Mobile,
    now: DateTime<Utc>,
) -> StoreResult<Requested> {
    let member = match members::by_resident_id(&mut *tx, Scope::City, resident_id).await {
        Ok(m) => m,
        Err(StoreError::NotFound) => return Ok(Requested::NotSent),
        Err(e) => return Err(e),
    };
    if !member.active() || member.mobile.as_ref() != Some(mobile) {
        return Ok(Requested::NotSent);
    }
    let has_account: Option<i64> = query::value(
        &mut *tx,
        "SELECT id FROM users WHERE username = $1 OR member_resident_id = $1",
        &[resident_id.as_str().into()],
    )
    .await?;
    let recent: Option<i64> = query::value(
        &mut *tx,
        "SELECT COUNT(*) FROM member_activations WHERE resident_id = $1 AND created_at > $2",
        &[
            resident_id.as_str().into(),
            crate::timestamp_text(now - Duration::hours(1)).into(),
        ],
    )
    .await?;
    if has_account.is_some() || recent.unwrap_or(0) >= MAX_REQUESTS_PER_HOUR {
        return Ok(Requested::NotSent);
    }
    let code = new_code()?;
    let id = audit::insert(
        tx,
        SELF_SERVICE,
        &ACTIVATIONS,
        "INSERT INTO member_activations (resident_id, code_hash, attempts, created_at, expires_at)
         VALUES ($1, $2, 0, $3, $4) RETURNING id",
        &[
            resident_id.as_str().into(),
            code_hash(resident_id, &code).into(),
            crate::timestamp_text(now).into(),
            crate::timestamp_text(now + Duration::minutes(CODE_MINUTES)).into(),
        ],
    )
    .await?;
    let body = format!(
        "【建德市总工会】您的会员之家激活验证码为 {code}，{CODE_MINUTES} 分钟内有效。如非本人操作，请忽略本短信。"
    );
    let mut message = NewMessage::text(
        Channel::Sms,
        mobile.as_str(),
        &body,
        IdempotencyKey::derived(&["member-activation", &id.to_string()]),
    );
    message.source = "member-activation".into();
    message.audience = Audience::Union;
    notify::enqueue(tx, SELF_SERVICE, &message).await?;
    Ok(Requested::Sent)
}

/// Checks the code of the member's latest request and, if it is right, creates their
/// account with `password` in the same transaction that spends the code.
pub async fn activate(
    db: &Db,
    resident_id: &ResidentId,
    code: &str,
    password: &str,
    address: &str,
    now: DateTime<Utc>,
) -> StoreResult<Activated> {
    let key = address_key(address);
    if let Some(until) = locked_until(db, &key).await? {
        return Ok(Activated::Locked { until });
    }
    let user = NewUser {
        username: username(resident_id),
        display_name: String::new(),
        role: Role::Member,
        township: None,
        town: None,
        team_id: None,
        member_resident_id: Some(resident_id.as_str().to_string()),
        password: password.to_string(),
    };
    let account = users::check_new_user(&user)?;
    let latest: Option<(i64, String, i64)> = query::row(
        db,
        "SELECT id, code_hash, attempts FROM member_activations
         WHERE resident_id = $1 AND used_at IS NULL AND expires_at > $2
         ORDER BY id DESC LIMIT 1",
        &[
            resident_id.as_str().into(),
            crate::timestamp_text(now).into(),
        ],
        Ok,
    )
    .await?;
    let Some((id, hash, attempts)) = latest else {
        note_failure(db, &key).await?;
        return Ok(Activated::Wrong);
    };
    if attempts >= MAX_CODE_ATTEMPTS || hash != code_hash(resident_id, code) {
        let mut tx = db.begin().await?;
        audit::update(
            &mut tx,
            SELF_SERVICE,
            (&ACTIVATIONS, id),
            "wrong-code",
            "UPDATE member_activations SET attempts = attempts + 1 WHERE id = $1",
            &[id.into()],
        )
        .await?;
        tx.commit().await?;
        note_failure(db, &key).await?;
        return Ok(Activated::Wrong);
    }
    let hash = users::hash_password(password).await?;
    let mut tx = db.begin().await?;
    let member = members::by_resident_id(&mut tx, Scope::City, resident_id).await?;
    let change = audit::Change::begin(&mut tx, &ACTIVATIONS, id).await?;
    // Spent once: a second submission of the same code matches nothing here.
    let spent = query::affected(
        &mut tx,
        "UPDATE member_activations SET used_at = $1 WHERE id = $2 AND used_at IS NULL",
        &[crate::timestamp_text(now).into(), id.into()],
    )
    .await?;
    if spent == 0 {
        return Ok(Activated::Wrong);
    }
    change.finish(&mut tx, SELF_SERVICE, "activate").await?;
    let user = NewUser {
        display_name: member.name.clone(),
        ..user
    };
    let user_id = users::insert(&mut tx, SELF_SERVICE, &user, &account, &hash).await?;
    tx.commit().await?;
    Ok(Activated::Ok(users::by_id(db, user_id).await?))
}
