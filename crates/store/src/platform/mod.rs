//! What both offices share: users and roles, sessions and API tokens, login throttling,
//! the notification outbox, the web's background jobs.

pub mod auth;
pub mod jobs;
pub mod notify;
pub mod sessions;
pub mod tokens;
pub mod users;

use crate::audit::AuditedTable;

/// The platform's audited tables.
pub const AUDITED_TABLES: &[AuditedTable] = &[
    users::USERS,
    AuditedTable {
        entity: "api_token",
        table: "api_tokens",
        secret_columns: &["token_hash"],
    },
    notify::NOTIFICATIONS,
    notify::OPTOUTS,
    notify::ROUTES,
];
