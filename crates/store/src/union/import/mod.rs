//! The union module's spreadsheet imports: `enterprises`, `unions`, `members`.
//!
//! Each importer loads its lookups once in `prepare` (unions by name, enterprises by
//! credit code, registered members by ID) and then checks every row without a query; the
//! engine in `platform::import` does the rest (atomicity, rejects, reports). Headers are
//! the Chinese ones of issue 3, in any order.

pub mod enterprises;
pub mod members;
pub mod unions;

pub use enterprises::EnterprisesImporter;
pub use members::MembersImporter;
pub use unions::UnionsImporter;

use super::Scope;
use crate::db::Db;
use crate::platform::import::{self, FieldError, ImportError, ImportOptions, ImportReport};
use std::path::Path;

/// Runs an import of `kind` for the whole city (the command line).
pub async fn run(
    db: &Db,
    kind: &str,
    path: &Path,
    opts: &ImportOptions,
) -> Option<Result<ImportReport, ImportError>> {
    run_scoped(db, kind, path, opts, Scope::City).await
}

/// Runs an import of `kind` limited to `scope` (uploads by township staff): rows about
/// another township are rejected as if the union or enterprise did not exist.
pub async fn run_scoped(
    db: &Db,
    kind: &str,
    path: &Path,
    opts: &ImportOptions,
    scope: Scope,
) -> Option<Result<ImportReport, ImportError>> {
    Some(match kind {
        "enterprises" => import::run(db, &mut EnterprisesImporter::new(scope), path, opts).await,
        "unions" => import::run(db, &mut UnionsImporter::new(scope), path, opts).await,
        "members" => import::run_bulk(db, &mut MembersImporter::new(scope), path, opts).await,
        _ => return None,
    })
}

/// Writes the template of `kind`.
pub fn template(kind: &str, out: &Path) -> Option<Result<(), ImportError>> {
    let written = match kind {
        "enterprises" => import::template(&EnterprisesImporter::new(Scope::City), out),
        "unions" => import::template(&UnionsImporter::new(Scope::City), out),
        "members" => import::template(&MembersImporter::new(Scope::City), out),
        _ => return None,
    };
    Some(written.map_err(ImportError::from))
}

/// Reads a 是/否 cell; empty is 否, because a column left blank means "no" to the people
/// who fill these sheets.
pub(crate) fn yes_no(column: &'static str, text: &str) -> Result<bool, FieldError> {
    match text.trim() {
        "是" | "Y" | "y" | "YES" | "yes" | "1" | "TRUE" | "true" | "√" => Ok(true),
        "否" | "N" | "n" | "NO" | "no" | "0" | "FALSE" | "false" | "" => Ok(false),
        other => Err(FieldError::new(column, other, "应填“是”或“否”")),
    }
}

/// The 是/否 written in exports.
pub(crate) fn yes_no_text(b: bool) -> &'static str {
    if b { "是" } else { "否" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_no_reads_what_people_type() {
        assert_eq!(yes_no("农民工", "是"), Ok(true));
        assert_eq!(yes_no("农民工", " 否 "), Ok(false));
        assert_eq!(yes_no("农民工", ""), Ok(false));
        let err = yes_no("农民工", "可能").unwrap_err();
        assert_eq!(err.column, "农民工");
        assert!(err.reason.contains("是"));
    }
}
