//! groundwork's database: one code path for SQLite (the default, embedded) and
//! PostgreSQL (larger deployments).
//!
//! Queries are plain runtime SQL with `$1` placeholders, which both backends accept; the
//! [`on_pool!`] and [`on_tx!`] macros run the same query code against whichever pool is
//! configured, so a query is written once and type-checked for both. The backend
//! differences are fenced in [`db`] (connecting, transactions) and in the few
//! `*.sqlite.sql` / `*.postgres.sql` migration files.
//!
//! Every change to an audited record goes through [`audit`], in the same transaction.
//! Not here: HTTP, templates, file formats.

pub mod audit;
pub mod backup;
pub mod db;
pub mod error;
pub mod keyset;
pub mod migrate;
pub mod pgcopy;
pub mod platform;
pub mod progress;
mod query;
pub mod refusal;
pub mod relocation;
pub mod sql;
pub mod testing;
pub mod union;
pub mod yearbook;

pub use db::{Backend, Conn, Db, Tx};
pub use error::StoreError;

/// Every audited table of the system, each area's own list gathered in this one place:
/// what `groundwork audit verify` and the audit page hand to [`audit::verify`].
pub fn audited() -> audit::Registry {
    audit::Registry::new(&[
        platform::AUDITED_TABLES,
        union::AUDITED_TABLES,
        relocation::AUDITED_TABLES,
    ])
}

/// The current instant as stored: RFC 3339 in UTC with microseconds, which sorts as text
/// on both backends.
pub fn now_text() -> String {
    timestamp_text(chrono::Utc::now())
}

/// An instant in the stored text form.
pub fn timestamp_text(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Reads a stored timestamp back; `None` for text that is not one.
pub fn parse_timestamp(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// The first and last day of `year` as stored dates (`YYYY-MM-DD`): the bounds of every
/// "in this year" filter and year's figure, written once so that all agree on the form.
pub(crate) fn year_bounds(year: i32) -> (String, String) {
    (format!("{year:04}-01-01"), format!("{year:04}-12-31"))
}

/// Marks SQL assembled at run time (table names from [`audit::AuditedTable`], fixed
/// column lists) as safe: callers only ever interpolate constants, never user input.
pub(crate) fn dynamic(sql: &str) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(sql.to_string())
}
