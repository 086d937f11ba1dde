//! Storage of the union module: enterprises, the union tree and its officers, the
//! real-name member registry, coverage and ranking, and the module's imports.
//!
//! Every function that reads or changes records takes a [`Scope`]: township staff see and
//! change only their own township, and a record outside the scope is reported as not
//! found, so that nobody learns from an error what exists in another township.

pub mod codes;
pub mod coverage;
pub mod enterprises;
pub mod export;
pub mod import;
pub mod members;
pub mod officers;
pub mod organisations;
pub use crate::sql;

use crate::audit::AuditedTable;
use crate::db::Db;
use crate::platform::import::{ImportError, ImportOptions, ImportReport};
use domain::platform::Account;
use domain::union::township::Township;
use std::path::Path;

/// This area's audited tables.
pub const AUDITED_TABLES: &[AuditedTable] = &[
    coverage::SETTINGS,
    organisations::UNIONS,
    officers::OFFICERS,
    enterprises::ENTERPRISES,
    members::MEMBERS,
    members::TRANSFERS,
];

/// This area's import/export kinds.
pub const KINDS: &[&str] = &["enterprises", "unions", "members"];

/// Whose union records a caller may see and change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The whole city (union administrators, inspectors, the CLI).
    City,
    /// One township (township staff).
    Township(Township),
}

impl Scope {
    /// The scope of an account: township staff their township, everyone else the city.
    pub fn of(account: &Account) -> Scope {
        account
            .union_township()
            .map_or(Scope::City, Scope::Township)
    }

    /// The township code to filter on, if the scope is one township.
    pub fn township_code(self) -> Option<&'static str> {
        match self {
            Scope::City => None,
            Scope::Township(t) => Some(t.code()),
        }
    }

    /// Whether a record of township `code` is inside the scope; records without a
    /// township (the city federation) are visible to everyone who reads unions.
    pub fn allows_code(self, code: Option<&str>) -> bool {
        match (self, code) {
            (Scope::City, _) => true,
            (Scope::Township(_), None) => false,
            (Scope::Township(t), Some(c)) => t.code() == c,
        }
    }

    /// Whether a record of this scope may be seen (the city federation is visible to all
    /// readers, though only the city may change it).
    pub fn may_see(self, code: Option<&str>) -> bool {
        code.is_none() || self.allows_code(code)
    }
}

/// Runs an import of `kind` if it is one of this area's; `None` otherwise.
pub async fn import(
    db: &Db,
    kind: &str,
    path: &Path,
    opts: &ImportOptions,
) -> Option<Result<ImportReport, ImportError>> {
    import::run(db, kind, path, opts).await
}

/// Writes the template of `kind` if it is one of this area's.
pub fn template(kind: &str, out: &Path) -> Option<Result<(), ImportError>> {
    import::template(kind, out)
}

/// Exports every record of `kind` (in the import's columns) if it is one of this area's.
pub async fn export(db: &Db, kind: &str, out: &Path) -> Option<Result<u64, ImportError>> {
    export::run(db, kind, out, Scope::City).await
}
