//! User accounts: who may log in, with which role and scope.

use crate::audit::{self, AuditedTable};
use crate::db::{Db, Tx};
use crate::error::{Refusal, StoreError, StoreResult};
use crate::sql::Bind;
use crate::{on_pool, on_tx};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use domain::platform::{Account, AccountColumns, Role};

/// The users table as audited (the password hash is kept only as a digest in the log).
pub const USERS: AuditedTable = AuditedTable {
    entity: "user",
    table: "users",
    secret_columns: &["password_hash"],
};

/// A user account as the rest of the system sees it (no password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Database id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown in the UI and the audit log.
    pub display_name: String,
    /// What kind of user this is, with the township, town, group or resident ID that
    /// kind has; read from the row once, so no caller re-checks the columns.
    pub account: Account,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
}

impl User {
    /// The role, which the route table decides access by.
    pub fn role(&self) -> Role {
        self.account.role()
    }
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    township: Option<String>,
    town: Option<String>,
    team_id: Option<i64>,
    member_resident_id: Option<String>,
    disabled: bool,
}

impl UserRow {
    /// Decodes the row; a stored combination that makes no account (a township staff
    /// row without a township) is a fault in the data, not something the user can fix.
    fn into_user(self) -> StoreResult<User> {
        let account = Account::from_columns(&AccountColumns {
            role: self.role,
            township: self.township,
            town: self.town,
            team_id: self.team_id,
            resident_id: self.member_resident_id,
        })
        .map_err(|e| {
            StoreError::corrupt(format!("用户 {} 的账号数据不一致：{e}", self.username))
        })?;
        Ok(User {
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            account,
            disabled: self.disabled,
        })
    }
}

const USER_COLUMNS: &str =
    "id, username, display_name, role, township, town, team_id, member_resident_id, disabled";

/// What is needed to create a user.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name: letters, digits, `_`, `-`, `.`.
    pub username: String,
    /// Name shown in the UI.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Scope for union_staff.
    pub township: Option<String>,
    /// Scope for relocation_commander.
    pub town: Option<String>,
    /// Scope for relocation_staff.
    pub team_id: Option<i64>,
    /// Link for members.
    pub member_resident_id: Option<String>,
    /// Plain password, hashed with argon2 before it is stored.
    pub password: String,
}

impl NewUser {
    /// The account fields as the table stores them.
    fn columns(&self) -> AccountColumns {
        AccountColumns {
            role: self.role.code().to_string(),
            township: self.township.clone(),
            town: self.town.clone(),
            team_id: self.team_id,
            resident_id: self.member_resident_id.clone(),
        }
    }
}

/// Hashes a password with argon2id and a random salt. Argon2 is deliberately slow
/// (tens of milliseconds of CPU), so it runs on a blocking thread: on an async worker it
/// would stall every other request that worker carries.
pub async fn hash_password(password: &str) -> StoreResult<String> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|e| StoreError::Config(format!("密码哈希线程失败：{e}")))?
}

fn hash_now(password: &str) -> StoreResult<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| StoreError::Config(format!("随机数不可用：{e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| StoreError::Config(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Config(format!("密码哈希失败：{e}")))
}

/// Whether `password` matches a stored argon2 hash; on a blocking thread, as
/// [`hash_password`] is, for the same reason.
pub async fn password_matches(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_string(), hash.to_string());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// Refuses a bad name, a short password, or a role without what it needs; gives the
/// account the columns will read back as.
pub(crate) fn check_new_user(u: &NewUser) -> StoreResult<Account> {
    let name_ok = !u.username.is_empty()
        && u.username.len() <= 64
        && u.username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
    if !name_ok {
        return Err(StoreError::from(Refusal::UsernameInvalid));
    }
    if u.password.chars().count() < 8 {
        return Err(StoreError::from(Refusal::PasswordTooShort));
    }
    Ok(Account::from_columns(&u.columns())?)
}

/// Creates a user; `actor` is who does it (for the audit log).
pub async fn create(db: &Db, actor: &str, u: &NewUser) -> StoreResult<User> {
    let account = check_new_user(u)?;
    let hash = hash_password(&u.password).await?;
    let mut tx = db.begin().await?;
    let id = insert(&mut tx, actor, u, &account, &hash).await?;
    tx.commit().await?;
    by_id(db, id).await
}

/// Writes a checked user with its password already hashed, in the caller's transaction:
/// [`create`] and a member's first activation (which also spends its one-time code in
/// that transaction) both come here.
pub(crate) async fn insert(
    tx: &mut Tx,
    actor: &str,
    u: &NewUser,
    account: &Account,
    hash: &str,
) -> StoreResult<i64> {
    let columns = account.columns();
    let exists: Option<i64> = crate::query::value(
        &mut *tx,
        "SELECT id FROM users WHERE username = $1",
        &[u.username.as_str().into()],
    )
    .await?;
    if exists.is_some() {
        return Err(StoreError::Conflict(format!(
            "用户名已存在：{}",
            u.username
        )));
    }
    audit::insert(
        tx,
        actor,
        &USERS,
        "INSERT INTO users (username, display_name, password_hash, role, township, town, team_id, member_resident_id, disabled, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, FALSE, $9) RETURNING id",
        &[
            u.username.as_str().into(),
            u.display_name.as_str().into(),
            hash.into(),
            columns.role.as_str().into(),
            Bind::OptText(columns.township.clone()),
            Bind::OptText(columns.town.clone()),
            Bind::OptInt(columns.team_id),
            Bind::OptText(columns.resident_id.clone()),
            crate::now_text().into(),
        ],
    )
    .await
}

/// A user by id.
pub async fn by_id(db: &Db, id: i64) -> StoreResult<User> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let row: Option<UserRow> = on_pool!(db, |p| sqlx::query_as(crate::dynamic(&sql))
        .bind(id)
        .fetch_optional(p)
        .await?);
    row.ok_or(StoreError::NotFound)?.into_user()
}

/// A user by login name, with the stored password hash (for login only).
pub async fn by_username_with_hash(db: &Db, username: &str) -> StoreResult<Option<(User, String)>> {
    let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = $1");
    let row = on_pool!(db, |p| {
        let row = sqlx::query(crate::dynamic(&sql))
            .bind(username)
            .fetch_optional(p)
            .await?;
        match row {
            Some(r) => {
                use sqlx::{FromRow, Row};
                let hash: String = r.try_get("password_hash")?;
                Some((UserRow::from_row(&r)?, hash))
            }
            None => None,
        }
    });
    match row {
        Some((u, h)) => Ok(Some((u.into_user()?, h))),
        None => Ok(None),
    }
}

/// All users, ordered by role then name.
pub async fn list(db: &Db) -> StoreResult<Vec<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY role, username");
    let rows: Vec<UserRow> = on_pool!(db, |p| sqlx::query_as(crate::dynamic(&sql))
        .fetch_all(p)
        .await?);
    rows.into_iter().map(UserRow::into_user).collect()
}

async fn update_one(
    db: &Db,
    actor: &str,
    action: &str,
    username: &str,
    sql: &'static str,
    value: Value<'_>,
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let id: Option<i64> = on_tx!(&mut tx, |c| {
        sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&mut *c)
            .await?
    });
    let id = id.ok_or(StoreError::NotFound)?;
    let change = audit::Change::begin(&mut tx, &USERS, id).await?;
    on_tx!(&mut tx, |c| {
        let q = sqlx::query(sql);
        let q = match value {
            Value::Text(t) => q.bind(t.to_string()),
            Value::Bool(b) => q.bind(b),
        };
        q.bind(id).execute(&mut *c).await.map(|_| ())?
    });
    change.finish(&mut tx, actor, action).await?;
    let ends_sessions = action == "disable" || action == "passwd";
    if ends_sessions {
        // A disabled account or a changed password revokes every API token (re-enabling
        // the account does not bring them back) …
        super::tokens::revoke_all(&mut tx, actor, id).await?;
    }
    tx.commit().await?;
    if ends_sessions {
        // … and ends every open session, wherever sessions are kept. (A session of a
        // disabled account is refused anyway: `auth::session` reads the account.)
        super::auth::end_sessions_of(db, id).await?;
    }
    Ok(())
}

enum Value<'a> {
    Text(&'a str),
    Bool(bool),
}

/// Sets a new password.
pub async fn set_password(db: &Db, actor: &str, username: &str, password: &str) -> StoreResult<()> {
    if password.chars().count() < 8 {
        return Err(StoreError::from(Refusal::PasswordTooShort));
    }
    let hash = hash_password(password).await?;
    update_one(
        db,
        actor,
        "passwd",
        username,
        "UPDATE users SET password_hash = $1 WHERE id = $2",
        Value::Text(&hash),
    )
    .await
}

/// Disables (or re-enables) an account.
pub async fn set_disabled(db: &Db, actor: &str, username: &str, disabled: bool) -> StoreResult<()> {
    let action = if disabled { "disable" } else { "enable" };
    update_one(
        db,
        actor,
        action,
        username,
        "UPDATE users SET disabled = $1 WHERE id = $2",
        Value::Bool(disabled),
    )
    .await
}
