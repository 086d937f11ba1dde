//! Storage errors. The web crate maps them to HTTP statuses and Chinese messages in one
//! place; here they only say what went wrong.

/// What a storage call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database itself failed (connection, SQL, constraint not anticipated).
    #[error("数据库错误：{0}")]
    Database(#[from] sqlx::Error),
    /// The record asked for does not exist (or is outside the caller's scope).
    #[error("记录不存在")]
    NotFound,
    /// The change breaks a rule; the message is for the user, in Chinese.
    #[error("{0}")]
    Rule(String),
    /// The change conflicts with an existing record (e.g. a duplicate natural key).
    #[error("{0}")]
    Conflict(String),
    /// A URL or setting is unusable.
    #[error("配置错误：{0}")]
    Config(String),
    /// A migration already applied to this database was edited since: the schema would
    /// no longer be what its version says, so the program refuses to start.
    #[error(
        "数据库迁移 {version}（{name}）在执行后被修改过（校验和不符），拒绝启动：请恢复该迁移的原文，修改须写成新的迁移"
    )]
    MigrationChanged {
        /// The migration's version number.
        version: i64,
        /// The migration's file name, without `.sql`.
        name: String,
    },
}

impl StoreError {
    /// A rule violation with a message for the user.
    pub fn rule(msg: impl Into<String>) -> StoreError {
        StoreError::Rule(msg.into())
    }
}

/// Result of a storage call.
pub type StoreResult<T> = Result<T, StoreError>;
