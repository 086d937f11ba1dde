//! The union module's spreadsheet imports: `enterprises`, `unions`, `members`.
//!
//! Each importer loads its lookups once in `prepare` (unions by name, enterprises by
//! credit code, registered members by ID) and then checks every row without a query; the
//! engine in [`crate::engine`] does the rest (atomicity, rejects, reports). Headers are
//! the Chinese ones of issue 3, in any order.

pub mod activities;
pub mod enterprises;
pub mod honours;
pub mod members;
pub mod participations;
pub mod service_export;
pub mod unions;

pub use activities::ActivitiesImporter;
pub use enterprises::EnterprisesImporter;
pub use honours::HonoursImporter;
pub mod contracts;
pub mod facilities;
pub mod rights_export;
mod rights_rows;
pub use contracts::ContractsImporter;
pub use facilities::FacilitiesImporter;
pub use members::MembersImporter;
pub use participations::ParticipationsImporter;
pub use unions::UnionsImporter;

pub mod export;

use crate::engine::{self, FieldError, ImportError, ImportOptions, ImportReport};
use crate::kind::ImportKind;
use sheets::Column;
use std::path::Path;
use store::Db;
use store::union::Scope;

/// Runs an import of a union `kind` limited to `scope` (uploads by township staff): rows
/// about another township are rejected as if the union or enterprise did not exist.
pub(crate) async fn import(
    db: &Db,
    kind: ImportKind,
    path: &Path,
    opts: &ImportOptions,
    scope: Scope,
) -> Result<ImportReport, ImportError> {
    match kind {
        ImportKind::Enterprises => {
            engine::run(db, &mut EnterprisesImporter::new(scope), path, opts).await
        }
        ImportKind::Unions => engine::run(db, &mut UnionsImporter::new(scope), path, opts).await,
        ImportKind::Members => {
            engine::run_bulk(db, &mut MembersImporter::new(scope), path, opts).await
        }
        ImportKind::Activities => {
            engine::run(db, &mut ActivitiesImporter::new(scope), path, opts).await
        }
        ImportKind::Participations => {
            engine::run_bulk(db, &mut ParticipationsImporter::new(scope), path, opts).await
        }
        ImportKind::Honours => engine::run(db, &mut HonoursImporter::new(scope), path, opts).await,
        ImportKind::Facilities => {
            engine::run(db, &mut FacilitiesImporter::new(scope), path, opts).await
        }
        ImportKind::Contracts => {
            engine::run(db, &mut ContractsImporter::new(scope), path, opts).await
        }
        other => Err(not_here(other)),
    }
}

/// Writes the template of a union `kind`.
pub(crate) fn template(kind: ImportKind, out: &Path) -> Result<(), ImportError> {
    Ok(match kind {
        ImportKind::Enterprises => engine::template(&EnterprisesImporter::new(Scope::City), out),
        ImportKind::Unions => engine::template(&UnionsImporter::new(Scope::City), out),
        ImportKind::Members => engine::template(&MembersImporter::new(Scope::City), out),
        ImportKind::Activities => engine::template(&ActivitiesImporter::new(Scope::City), out),
        ImportKind::Participations => {
            engine::template(&ParticipationsImporter::new(Scope::City), out)
        }
        ImportKind::Honours => engine::template(&HonoursImporter::new(Scope::City), out),
        ImportKind::Facilities => engine::template(&FacilitiesImporter::new(Scope::City), out),
        ImportKind::Contracts => engine::template(&ContractsImporter::new(Scope::City), out),
        other => return Err(not_here(other)),
    }?)
}

/// A kind of the other module handed to this one: a bug in the caller's dispatch.
pub(crate) fn not_here(kind: ImportKind) -> ImportError {
    ImportError::Usage(format!("数据类型 {kind} 不属于本模块"))
}

/// Reads a 是/否 cell; empty is 否, because a column left blank means "no" to the people
/// who fill these sheets.
pub(crate) fn yes_no(column: Column, text: &str) -> Result<bool, FieldError> {
    match text.trim() {
        "是" | "Y" | "y" | "YES" | "yes" | "1" | "TRUE" | "true" | "√" => Ok(true),
        "否" | "N" | "n" | "NO" | "no" | "0" | "FALSE" | "false" | "" => Ok(false),
        other => Err(FieldError::new(column, other, "应填“是”或“否”")),
    }
}

/// The 是/否 written in exports.
pub fn yes_no_text(b: bool) -> &'static str {
    if b { "是" } else { "否" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_no_reads_what_people_type() {
        let migrant = Column::optional("农民工");
        assert_eq!(yes_no(migrant, "是"), Ok(true));
        assert_eq!(yes_no(migrant, " 否 "), Ok(false));
        assert_eq!(yes_no(migrant, ""), Ok(false));
        let err = yes_no(migrant, "可能").unwrap_err();
        assert_eq!(err.column, "农民工");
        assert!(err.reason.contains("是"));
    }
}
