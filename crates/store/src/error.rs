//! Storage errors. The web crate maps them to HTTP statuses and Chinese messages in one
//! place; here they only say what went wrong.
//!
//! A refused change travels typed: the domain's own errors as they are (its rules already
//! word them for the user), the store's rules as [`Refusal`]. A value read back from the
//! database that cannot be understood is [`StoreError::Corrupt`]: no form the user fills
//! can fix it, so it is a server error, not a refusal.

use domain::platform::AccountError;
use domain::platform::notify::NotifyError;
use domain::relocation::{
    CareError, CompensationError, GrievanceError, InvalidStandard, MilestoneError, ReviewError,
};
use domain::union::aid::AidError;
use domain::union::duplicates::MergeError;
use domain::union::organisation::UnionError;
use domain::union::protection::ClaimError;
use domain::union::welfare::WelfareError;

pub use crate::refusal::Refusal;

/// What a storage call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database itself failed (connection, SQL, constraint not anticipated).
    #[error("数据库错误：{0}")]
    Database(#[from] sqlx::Error),
    /// The record asked for does not exist (or is outside the caller's scope).
    #[error("记录不存在")]
    NotFound,
    /// The change breaks one of the store's rules.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The change breaks a union rule of the domain (parents, officers).
    #[error(transparent)]
    Union(#[from] UnionError),
    /// A user account's fields do not fit its role.
    #[error(transparent)]
    Account(#[from] AccountError),
    /// A relocation milestone would be recorded or undone out of order.
    #[error(transparent)]
    Milestone(#[from] MilestoneError),
    /// A compensation sheet cannot be computed from these inputs.
    #[error(transparent)]
    Compensation(#[from] CompensationError),
    /// A compensation standard is incomplete or contradicts itself.
    #[error(transparent)]
    Standard(#[from] InvalidStandard),
    /// The population review refuses this step in its current stage.
    #[error(transparent)]
    Review(#[from] ReviewError),
    /// A grievance, the hotline or the discipline register refuses this change.
    #[error(transparent)]
    Grievance(#[from] GrievanceError),
    /// A temporary housing or care record refused by its rules.
    #[error(transparent)]
    Care(#[from] CareError),
    /// Two member records that cannot be merged.
    #[error(transparent)]
    Merge(#[from] MergeError),
    /// A notification may not take this step, or its text or recipient is unusable.
    #[error(transparent)]
    Notify(#[from] NotifyError),
    /// A hardship aid application refused by its rules (documents, budget, order).
    #[error(transparent)]
    Aid(#[from] AidError),
    /// A member protection claim refused by its rules.
    #[error(transparent)]
    Claim(#[from] ClaimError),
    /// A welfare programme or enrolment refused by its rules (eligibility, quota).
    #[error(transparent)]
    Welfare(#[from] WelfareError),
    /// A union facility, contract, assessment or leader talk refused by its rules.
    #[error(transparent)]
    Rights(#[from] domain::union::rights::RightsError),
    /// The change conflicts with an existing record (e.g. a duplicate natural key).
    #[error("{0}")]
    Conflict(String),
    /// A value stored in the database cannot be read (unknown code, bad date or JSON,
    /// rows that contradict each other): the data, not the request, is at fault.
    #[error("数据有误：{0}")]
    Corrupt(String),
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
    /// Whether the database was busy with another writer (a long import holds SQLite's
    /// write lock) past the wait: nothing is wrong, the same request will pass shortly.
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::PoolTimedOut) => true,
            StoreError::Database(e) => e.as_database_error().is_some_and(|d| {
                // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended codes.
                let code = d.code();
                let sqlite_busy = code
                    .as_deref()
                    .and_then(|c| c.parse::<i32>().ok())
                    .is_some_and(|c| c & 0xff == 5 || c & 0xff == 6);
                sqlite_busy || d.message().contains("database is locked")
            }),
            _ => false,
        }
    }

    /// Whether the request was refused by a rule (the user can change what they sent),
    /// as opposed to a failure of the system or its data.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            StoreError::Refused(_)
                | StoreError::Union(_)
                | StoreError::Account(_)
                | StoreError::Milestone(_)
                | StoreError::Compensation(_)
                | StoreError::Standard(_)
                | StoreError::Review(_)
                | StoreError::Grievance(_)
                | StoreError::Care(_)
                | StoreError::Notify(_)
                | StoreError::Merge(_)
                | StoreError::Aid(_)
                | StoreError::Claim(_)
                | StoreError::Welfare(_)
                | StoreError::Rights(_)
        )
    }

    /// A stored value that cannot be read: `what` names it and where it is.
    pub fn corrupt(what: impl Into<String>) -> StoreError {
        StoreError::Corrupt(what.into())
    }
}

/// Result of a storage call.
pub type StoreResult<T> = Result<T, StoreError>;
