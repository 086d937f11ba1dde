//! Storage of the relocation module.

use crate::audit::AuditedTable;
use crate::db::Db;
use crate::platform::import::{ImportError, ImportOptions, ImportReport};
use std::path::Path;

/// This area's audited tables.
pub const AUDITED_TABLES: &[AuditedTable] = &[];

/// This area's import/export kinds.
pub const KINDS: &[&str] = &[];

/// Runs an import of `kind` if it is one of this area's; `None` otherwise.
pub async fn import(
    _db: &Db,
    _kind: &str,
    _path: &Path,
    _opts: &ImportOptions,
) -> Option<Result<ImportReport, ImportError>> {
    None
}

/// Writes the template of `kind` if it is one of this area's.
pub fn template(_kind: &str, _out: &Path) -> Option<Result<(), ImportError>> {
    None
}

/// Exports every record of `kind` (in the import's columns) if it is one of this area's.
pub async fn export(_db: &Db, _kind: &str, _out: &Path) -> Option<Result<u64, ImportError>> {
    None
}
