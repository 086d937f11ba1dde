//! Importing and exporting spreadsheets, shared by every module.
//!
//! Rules (the README repeats them for users):
//! - Atomic by default: the whole file is applied in one transaction; if any row is
//!   invalid nothing is written, and every bad row is reported with its Excel row number,
//!   column, value and a reason in Chinese.
//! - `dry_run` validates and reports without writing (the transaction is rolled back).
//! - `skip_invalid` writes the valid rows and, with `rejects`, puts the rejected rows
//!   with a reason column into a spreadsheet for fixing and re-import.
//! - A row whose natural key already exists updates that record; an export uses the
//!   import's headers so it re-imports to the same records.
//! - Rows stream from the file: memory does not grow with the number of rows (apart from
//!   the set of keys seen, needed to catch duplicates within one file).

use crate::db::{Db, Tx};
use crate::error::StoreError;
use serde::Serialize;
use sheets::{Column, Row, SheetError, SheetReader, SheetWriter};
use std::path::{Path, PathBuf};

/// One rejected cell of one row.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RowError {
    /// Excel row number (1-based, as Excel shows it).
    pub row: usize,
    /// Column header.
    pub column: String,
    /// The value found.
    pub value: String,
    /// Why it was rejected, in Chinese.
    pub reason: String,
}

/// A problem with one field, before the row number is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Column header.
    pub column: &'static str,
    /// The value found.
    pub value: String,
    /// Why, in Chinese.
    pub reason: String,
}

impl FieldError {
    /// A field error.
    pub fn new(
        column: &'static str,
        value: impl Into<String>,
        reason: impl Into<String>,
    ) -> FieldError {
        FieldError {
            column,
            value: value.into(),
            reason: reason.into(),
        }
    }
}

/// What an importer did with a valid row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// A new record.
    Inserted,
    /// An existing record (same natural key) was updated.
    Updated,
}

/// What happened, in the shape `--format json` prints.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ImportReport {
    /// Data rows read (blank rows not counted).
    pub total: u64,
    /// New records written.
    pub imported: u64,
    /// Existing records updated.
    pub updated: u64,
    /// Every rejected row and field.
    pub invalid: Vec<RowError>,
    /// Whether anything was committed.
    pub written: bool,
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Validate and report only.
    pub dry_run: bool,
    /// Write the valid rows even if some are invalid.
    pub skip_invalid: bool,
    /// Where to write rejected rows (with `skip_invalid`, or always if given).
    pub rejects: Option<PathBuf>,
    /// Who imports (for the audit log).
    pub actor: String,
    /// A project code for relocation files that lack the column.
    pub project: Option<String>,
}

/// Why an import could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is not a usable spreadsheet (exit code 2).
    #[error(transparent)]
    Unusable(#[from] SheetError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The kind is unknown or its options are wrong.
    #[error("{0}")]
    Usage(String),
}

/// One kind of import (`members`, `households`, …).
#[allow(async_fn_in_trait)]
pub trait Importer {
    /// The columns, with Chinese headers; order in the file is free.
    fn columns(&self) -> &'static [Column];
    /// One example row for the template, in column order.
    fn example(&self) -> Vec<String>;
    /// True when the importer checks every reference it writes (a union, a project …)
    /// against what `prepare` read inside the import's transaction, and writes with
    /// `INSERT OR FAIL`: the import then runs in [`Db::begin_bulk`]'s transaction, where
    /// the database does not re-check foreign keys row by row.
    fn checks_references(&self) -> bool {
        false
    }
    /// Loads what validation needs (lookups of unions, projects …) inside the import's
    /// transaction, once, so rows are not checked one query at a time.
    async fn prepare(&mut self, tx: &mut Tx, opts: &ImportOptions) -> Result<(), ImportError>;
    /// Validates one row fully and, only if it is valid, writes it. An invalid row must
    /// write nothing.
    async fn apply(
        &mut self,
        tx: &mut Tx,
        actor: &str,
        row: &Row,
    ) -> Result<Result<Applied, Vec<FieldError>>, StoreError>;
    /// Writes whatever `apply` buffered (bulk importers batch rows into multi-row
    /// statements); called once after the last row, before the commit, and only when the
    /// import is going to be written.
    async fn finish(&mut self, _tx: &mut Tx, _actor: &str) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Runs an import from `path`.
pub async fn run<I: Importer>(
    db: &Db,
    importer: &mut I,
    path: &Path,
    opts: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let mut reader = SheetReader::open(path, importer.columns())?;
    let mut rejects = match &opts.rejects {
        Some(_) => {
            let mut headers: Vec<String> = reader.source_headers().to_vec();
            headers.push("错误原因".into());
            Some(SheetWriter::new(&headers)?)
        }
        None => None,
    };
    let mut tx = if importer.checks_references() {
        db.begin_bulk().await?
    } else {
        db.begin().await?
    };
    importer.prepare(&mut tx, opts).await?;
    let mut report = ImportReport::default();
    while let Some(row) = reader.next_row()? {
        report.total += 1;
        match importer.apply(&mut tx, &opts.actor, &row).await? {
            Ok(Applied::Inserted) => report.imported += 1,
            Ok(Applied::Updated) => report.updated += 1,
            Err(errors) => {
                if let Some(w) = rejects.as_mut() {
                    let reason = errors
                        .iter()
                        .map(|e| format!("{}：{}", e.column, e.reason))
                        .collect::<Vec<_>>()
                        .join("；");
                    let mut cells: Vec<String> =
                        row.source_cells().iter().map(|c| c.to_string()).collect();
                    cells.resize(reader.source_headers().len(), String::new());
                    cells.push(reason);
                    w.write_row(&cells)?;
                }
                report.invalid.extend(errors.into_iter().map(|e| RowError {
                    row: row.excel_row,
                    column: e.column.to_string(),
                    value: e.value,
                    reason: e.reason,
                }));
            }
        }
    }
    let write = !opts.dry_run && (report.invalid.is_empty() || opts.skip_invalid);
    if write {
        importer.finish(&mut tx, &opts.actor).await?;
        tx.commit().await?;
        report.written = true;
    } else {
        tx.rollback().await?;
        report.written = false;
    }
    if let (Some(w), Some(out)) = (rejects, &opts.rejects) {
        w.finish(out)?;
    }
    Ok(report)
}

/// Writes the empty template of an import: its headers and one example row.
pub fn template<I: Importer>(importer: &I, out: &Path) -> Result<(), SheetError> {
    let headers: Vec<&str> = importer.columns().iter().map(|c| c.name).collect();
    let mut w = SheetWriter::new(&headers)?;
    w.write_row(&importer.example())?;
    w.finish(out)
}

/// Shows a report as lines of Chinese text for the terminal and the upload page.
pub fn describe(report: &ImportReport) -> Vec<String> {
    let mut lines = vec![format!(
        "共 {} 行：新增 {}，更新 {}，有误 {} 处。{}",
        report.total,
        report.imported,
        report.updated,
        report.invalid.len(),
        if report.written {
            "已写入。"
        } else {
            "未写入任何数据。"
        }
    )];
    for e in &report.invalid {
        lines.push(format!(
            "第 {} 行，列“{}”，值“{}”：{}",
            e.row, e.column, e.value, e.reason
        ));
    }
    lines
}
