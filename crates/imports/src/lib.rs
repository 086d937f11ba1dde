//! groundwork's spreadsheets: the import engine, each module's importers, the exports
//! that re-import to the same records, and the empty templates.
//!
//! This crate knows file formats (through `sheets`) and the columns people fill in; it
//! asks `store` for lookups and writes, so it holds no SQL and no audit logic of its own.
//! Not here: HTTP (the upload pages are `web`'s), the command line (`groundwork`'s).
//!
//! The kinds are [`ImportKind`]; [`import`], [`export`] and [`template`] dispatch on it.
//! File reading and row checking run on threads of their own, never on an async worker.

pub mod cells;
pub mod engine;
pub mod kind;
pub mod relocation;
pub mod union;
pub mod yearbook;

pub use engine::{ImportError, ImportOptions, ImportReport, Progress, describe};
pub use kind::{ImportKind, Module, UnknownKind};

use std::path::Path;
use store::Db;

/// What an import may touch, per module: the CLI sees everything, an upload page the
/// viewer's township or town. A record outside it does not exist for the import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportScope {
    /// The union records in reach.
    pub union: store::union::Scope,
    /// The relocation projects in reach.
    pub relocation: store::relocation::Scope,
}

impl ImportScope {
    /// Everything (the command line).
    pub fn everything() -> ImportScope {
        ImportScope {
            union: store::union::Scope::City,
            relocation: store::relocation::Scope::All,
        }
    }

    /// Union records in `scope` only (the union upload page).
    pub fn union(scope: store::union::Scope) -> ImportScope {
        ImportScope {
            union: scope,
            relocation: store::relocation::Scope::Nothing,
        }
    }

    /// Relocation projects in `scope` only (the relocation upload page, which offers no
    /// union kind).
    pub fn relocation(scope: store::relocation::Scope) -> ImportScope {
        ImportScope {
            union: store::union::Scope::City,
            relocation: scope,
        }
    }
}

/// Imports the file at `path` as `kind`, within `scope`.
pub async fn import(
    db: &Db,
    kind: ImportKind,
    path: &Path,
    opts: &ImportOptions,
    scope: &ImportScope,
) -> Result<ImportReport, ImportError> {
    match kind.module() {
        Module::Union => union::import(db, kind, path, opts, scope.union).await,
        Module::Relocation => {
            relocation::import(db, kind, path, opts, scope.relocation.clone()).await
        }
    }
}

/// Writes the empty template of `kind`: its headers and one example row.
pub fn template(kind: ImportKind, out: &Path) -> Result<(), ImportError> {
    match kind.module() {
        Module::Union => union::template(kind, out),
        Module::Relocation => relocation::template(kind, out),
    }
}

/// Exports every record of `kind` in the import's columns; the number of rows, also
/// counted as written in `progress` for whoever watches.
pub async fn export(
    db: &Db,
    kind: ImportKind,
    out: &Path,
    progress: &Progress,
) -> Result<u64, ImportError> {
    match kind.module() {
        Module::Union => {
            union::export::run(db, kind, out, store::union::Scope::City, progress).await
        }
        Module::Relocation => relocation::export(db, kind, out)
            .await
            .inspect(|&n| progress.wrote(n)),
    }
}
