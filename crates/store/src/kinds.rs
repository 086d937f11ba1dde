//! The import/export kinds of every module, looked up by name.

use crate::db::Db;
use crate::platform::import::{ImportError, ImportOptions, ImportReport};
use crate::{relocation, union};
use std::path::Path;

/// Every kind name, for help texts.
pub fn all() -> Vec<&'static str> {
    union::KINDS
        .iter()
        .chain(relocation::KINDS)
        .copied()
        .collect()
}

fn unknown(kind: &str) -> ImportError {
    ImportError::Usage(format!(
        "未知的数据类型：{kind}（可选：{}）",
        all().join("、")
    ))
}

/// Imports a file of `kind`.
pub async fn import(
    db: &Db,
    kind: &str,
    path: &Path,
    opts: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    if let Some(r) = union::import(db, kind, path, opts).await {
        return r;
    }
    if let Some(r) = relocation::import(db, kind, path, opts).await {
        return r;
    }
    Err(unknown(kind))
}

/// Writes the template of `kind`.
pub fn template(kind: &str, out: &Path) -> Result<(), ImportError> {
    union::template(kind, out)
        .or_else(|| relocation::template(kind, out))
        .unwrap_or_else(|| Err(unknown(kind)))
}

/// Exports every record of `kind`; returns the number of rows.
pub async fn export(db: &Db, kind: &str, out: &Path) -> Result<u64, ImportError> {
    if let Some(r) = union::export(db, kind, out).await {
        return r;
    }
    if let Some(r) = relocation::export(db, kind, out).await {
        return r;
    }
    Err(unknown(kind))
}
