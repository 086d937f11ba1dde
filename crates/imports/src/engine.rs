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

use serde::Serialize;
use sheets::{Column, Row, SheetError, SheetReader, SheetWriter};
use std::path::{Path, PathBuf};

pub use crate::cells::Cells;
use store::StoreError;
use store::{Db, Tx};

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
    /// A field error in `column`, named as the layout names it.
    pub fn new(column: Column, value: impl Into<String>, reason: impl Into<String>) -> FieldError {
        FieldError {
            column: column.name,
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
    /// The first [`MAX_REPORTED`] rejected fields (every rejected row goes to the rejects
    /// file): a file of millions of bad rows must not fill the memory with its report.
    pub invalid: Vec<RowError>,
    /// Every rejected field, counted.
    pub invalid_count: u64,
    /// Rows rejected.
    pub rejected_rows: u64,
    /// Whether anything was committed.
    pub written: bool,
}

/// The most rejected fields a report lists; the rest are counted.
pub const MAX_REPORTED: usize = 1_000;
/// The longest value a report quotes, in characters.
const MAX_QUOTED_CHARS: usize = 200;

impl ImportReport {
    /// Whether any field was rejected.
    pub fn has_invalid(&self) -> bool {
        self.invalid_count > 0
    }
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
    /// How far the import has got, and the switch that stops it.
    pub progress: Progress,
}

/// How far an import has got, shared with whoever watches it, and the way to stop it: a
/// cancelled import ends at the next row with [`ImportError::Cancelled`] and its
/// transaction is rolled back, so nothing of it is written.
pub use store::progress::Progress;

/// `Err(Cancelled)` once the import was asked to stop.
fn go_on(progress: &Progress) -> Result<(), ImportError> {
    if progress.is_cancelled() {
        Err(ImportError::Cancelled)
    } else {
        Ok(())
    }
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
    /// Stopped on request ([`Progress::cancel`]): nothing was written.
    #[error("导入已取消，未写入任何数据")]
    Cancelled,
}

/// What every kind of import shows the user: its columns and an example row.
pub trait Layout {
    /// The columns, with Chinese headers; order in the file is free.
    fn columns(&self) -> &'static [Column];
    /// One example row for the template, in column order.
    fn example(&self) -> &'static [&'static str];
}

/// Declares the [`Layout`] of importer `$name`: its columns and its template's example row.
macro_rules! layout {
    ($name:ty, $columns:expr, $example:expr $(,)?) => {
        impl $crate::engine::Layout for $name {
            fn columns(&self) -> &'static [sheets::Column] {
                $columns
            }

            fn example(&self) -> &'static [&'static str] {
                $example
            }
        }
    };
}
pub(crate) use layout;

/// What applying one row comes to: written (inserted or updated), refused with a reason
/// per field (nothing written), or a database failure that ends the import.
pub type RowOutcome = Result<Result<Applied, Vec<FieldError>>, StoreError>;

/// One kind of import (`households`, `unions`, …) whose rows are checked and written one
/// at a time, each possibly with queries of its own.
#[allow(async_fn_in_trait)]
pub trait Importer: Layout {
    /// Loads what validation needs (lookups of unions, projects …) inside the import's
    /// transaction, once, so rows are not checked one query at a time.
    async fn prepare(&mut self, tx: &mut Tx, opts: &ImportOptions) -> Result<(), ImportError>;
    /// Validates one row fully and, only if it is valid, writes it. An invalid row must
    /// write nothing.
    async fn apply(&mut self, tx: &mut Tx, actor: &str, row: &Row) -> RowOutcome;
}

/// Runs an import from `path`.
pub async fn run<I: Importer>(
    db: &Db,
    importer: &mut I,
    path: &Path,
    opts: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let (reader, mut rejections) = open(path, importer.columns(), opts).await?;
    let mut rows = read_rows(reader)?;
    let mut tx = db.begin().await?;
    importer.prepare(&mut tx, opts).await?;
    let mut report = ImportReport::default();
    loop {
        let row = match rows.recv().await {
            Some(Ok(Some(row))) => row,
            Some(Ok(None)) => break,
            Some(Err(error)) => return Err(error.into()),
            // The reading thread died without reaching the end: committing now would
            // write part of the file.
            None => return Err(interrupted()),
        };
        go_on(&opts.progress)?;
        report.total += 1;
        opts.progress.read(1);
        match importer.apply(&mut tx, &opts.actor, &row).await? {
            Ok(applied) => {
                match applied {
                    Applied::Inserted => report.imported += 1,
                    Applied::Updated => report.updated += 1,
                }
                if !opts.dry_run && (!report.has_invalid() || opts.skip_invalid) {
                    opts.progress.wrote(1);
                }
            }
            Err(errors) => rejections.add(&mut report, &row, errors)?,
        }
    }
    go_on(&opts.progress)?;
    let write = !opts.dry_run && (!report.has_invalid() || opts.skip_invalid);
    end(tx, write, &mut report, rejections, opts).await?;
    Ok(report)
}

/// Commits (or rolls back) an import's transaction and writes its rejects file.
async fn end(
    tx: Tx,
    write: bool,
    report: &mut ImportReport,
    rejections: Rejections,
    opts: &ImportOptions,
) -> Result<(), ImportError> {
    if write {
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    report.written = write;
    let rejects = opts.rejects.clone();
    tokio::task::spawn_blocking(move || rejections.finish(rejects.as_deref()))
        .await
        .map_err(|e| SheetError::Damaged(format!("写出错误行失败：{e}")))??;
    Ok(())
}

/// Opens the file, finds its header and starts the rejects sheet on a blocking thread: an
/// .xlsx is unzipped and its shared strings read first, which must not hold up an async
/// worker.
async fn open(
    path: &Path,
    columns: &'static [Column],
    opts: &ImportOptions,
) -> Result<(SheetReader, Rejections), SheetError> {
    let path = path.to_path_buf();
    let keep_rejects = opts.rejects.is_some();
    let progress = opts.progress.clone();
    tokio::task::spawn_blocking(move || {
        // The rows the file says it holds, unless the caller already knows them.
        if progress.total().is_none() {
            progress.expect(sheets::rows_hint(&path).unwrap_or(0));
        }
        let reader = SheetReader::open(&path, columns)?;
        let rejections = Rejections::new(keep_rejects, reader.source_headers())?;
        Ok((reader, rejections))
    })
    .await
    .map_err(|e| SheetError::Damaged(format!("读取文件失败：{e}")))?
}

/// The reading or checking thread ended without saying it was done (it panicked).
fn interrupted() -> ImportError {
    ImportError::Unusable(SheetError::Damaged(
        "检查过程意外中断（文件内容可能有误）".to_owned(),
    ))
}

/// Rows read ahead of an [`Importer`].
const READ_AHEAD: usize = 256;

/// Reads the rows on a thread of their own, handing them over a bounded channel: parsing
/// the file never runs on an async worker, and memory stays bounded. `Ok(None)` marks the
/// end of the file, so that a thread that died is not taken for one that finished. The
/// thread stops when the import drops the receiver (an error ended it).
fn read_rows(
    mut reader: SheetReader,
) -> Result<tokio::sync::mpsc::Receiver<Result<Option<Row>, SheetError>>, SheetError> {
    let (sender, rows) = tokio::sync::mpsc::channel(READ_AHEAD);
    std::thread::Builder::new()
        .name("import-read".into())
        .spawn(move || {
            loop {
                let next = reader.next_row();
                let last = !matches!(next, Ok(Some(_)));
                if sender.blocking_send(next).is_err() || last {
                    break;
                }
            }
        })?;
    Ok(rows)
}

/// The rejected rows of an import: every field error goes into the report, and the row,
/// as the person wrote it plus a reason column, into the rejects file if one was asked for.
struct Rejections {
    writer: Option<SheetWriter>,
    width: usize,
}

impl Rejections {
    fn new(keep: bool, source_headers: &[String]) -> Result<Rejections, SheetError> {
        let writer = if keep {
            let mut headers = source_headers.to_vec();
            headers.push("错误原因".into());
            Some(SheetWriter::new(&headers)?)
        } else {
            None
        };
        Ok(Rejections {
            writer,
            width: source_headers.len(),
        })
    }

    fn add(
        &mut self,
        report: &mut ImportReport,
        row: &Row,
        errors: Vec<FieldError>,
    ) -> Result<(), SheetError> {
        if let Some(w) = self.writer.as_mut() {
            let reason = errors
                .iter()
                .map(|e| format!("{}：{}", e.column, e.reason))
                .collect::<Vec<_>>()
                .join("；");
            let mut cells: Vec<String> = row.source_cells().iter().map(|c| c.to_string()).collect();
            cells.resize(self.width, String::new());
            cells.push(reason);
            w.write_row(&cells)?;
        }
        report.rejected_rows += 1;
        for e in errors {
            report.invalid_count += 1;
            if report.invalid.len() < MAX_REPORTED {
                let value = match e.value.char_indices().nth(MAX_QUOTED_CHARS) {
                    Some((cut, _)) => format!("{}…", &e.value[..cut]),
                    None => e.value,
                };
                report.invalid.push(RowError {
                    row: row.excel_row,
                    column: e.column.to_string(),
                    value,
                    reason: e.reason,
                });
            }
        }
        Ok(())
    }

    fn finish(self, rejects: Option<&Path>) -> Result<(), SheetError> {
        match (self.writer, rejects) {
            (Some(w), Some(out)) => w.finish(out),
            _ => Ok(()),
        }
    }
}

/// Checks the rows of a [`BulkImporter`] on a thread of its own, with everything it
/// needs already in hand (read by `prepare`): no queries, so it can run while the
/// previous batch is being written.
pub trait RowCheck: Send + 'static {
    /// What a valid row becomes.
    type Item: Send + 'static;
    /// Checks one row fully: whether it adds or updates a record, and what to write; or
    /// every problem found.
    fn check(&mut self, row: &Row) -> Result<(Applied, Self::Item), Vec<FieldError>>;
}

/// A kind of import built for a million rows (`members`): rows are checked on one thread
/// ([`RowCheck`]) while the batch before them is written on another, inside
/// [`Db::begin_bulk`]'s transaction. The rules are those of [`Importer`].
#[allow(async_fn_in_trait)]
pub trait BulkImporter: Layout {
    /// The row checker.
    type Check: RowCheck;
    /// Loads the lookups inside the import's transaction and returns the checker. Every
    /// reference the checker accepts must come from these lookups, and the writes must use
    /// `INSERT OR FAIL`: the database does not re-check foreign keys in this transaction.
    /// What the file says it holds is `opts.progress.total()`, when it says.
    async fn prepare(
        &mut self,
        tx: &mut Tx,
        opts: &ImportOptions,
    ) -> Result<Self::Check, ImportError>;
    /// Writes a batch of checked rows.
    async fn write(
        &mut self,
        tx: &mut Tx,
        actor: &str,
        items: Vec<<Self::Check as RowCheck>::Item>,
    ) -> Result<(), StoreError>;
    /// After the last batch, before the commit of an import that writes: undoes what
    /// `prepare` arranged for the writing (indexes set aside) and writes what the batches
    /// left for the end (counters kept for the whole file). Nothing by default.
    async fn finish(&mut self, _tx: &mut Tx) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Valid rows handed from the checking thread to the writer at a time.
const BULK_BATCH: usize = 10_000;

/// What the checking thread of [`run_bulk`] reports.
enum Checked<T> {
    /// Valid rows, in file order.
    Items(Vec<T>),
    /// A rejected row.
    Rejected(Row, Vec<FieldError>),
    /// The file could not be read to the end.
    Failed(SheetError),
    /// The end: rows read, new, updated.
    Done {
        total: u64,
        imported: u64,
        updated: u64,
    },
}

/// Runs a [`BulkImporter`] from `path`, with the rules of [`run`].
pub async fn run_bulk<I: BulkImporter>(
    db: &Db,
    importer: &mut I,
    path: &Path,
    opts: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let (reader, mut rejections) = open(path, importer.columns(), opts).await?;
    let mut tx = db.begin_bulk().await?;
    let checker = importer.prepare(&mut tx, opts).await?;
    // Two batches in flight: one being written, one ready; the checker fills a third.
    let (sender, mut checked) = tokio::sync::mpsc::channel(2);
    let progress = opts.progress.clone();
    std::thread::Builder::new()
        .name("import-check".into())
        .spawn(move || check_rows(reader, checker, &sender, &progress))
        .map_err(SheetError::from)?;
    let mut report = ImportReport::default();
    let mut writing = !opts.dry_run;
    let mut done = false;
    while let Some(message) = checked.recv().await {
        go_on(&opts.progress)?;
        match message {
            Checked::Items(items) if writing => {
                let rows = items.len() as u64;
                importer.write(&mut tx, &opts.actor, items).await?;
                opts.progress.wrote(rows);
            }
            Checked::Items(_) => {}
            Checked::Rejected(row, errors) => {
                // An atomic import writes nothing once a row is bad: stop, keep checking.
                writing &= opts.skip_invalid;
                rejections.add(&mut report, &row, errors)?;
            }
            Checked::Failed(error) => return Err(error.into()),
            Checked::Done {
                total,
                imported,
                updated,
            } => {
                (report.total, report.imported, report.updated) = (total, imported, updated);
                done = true;
            }
        }
    }
    go_on(&opts.progress)?;
    if !done {
        return Err(interrupted());
    }
    let write = !opts.dry_run && (!report.has_invalid() || opts.skip_invalid);
    if write {
        importer.finish(&mut tx).await?;
    }
    end(tx, write, &mut report, rejections, opts).await?;
    Ok(report)
}

/// The checking thread of [`run_bulk`]. Stops quietly when the writer has gone away (an
/// error there ends the import).
fn check_rows<C: RowCheck>(
    mut reader: SheetReader,
    mut checker: C,
    sender: &tokio::sync::mpsc::Sender<Checked<C::Item>>,
    progress: &Progress,
) {
    let (mut total, mut imported, mut updated) = (0u64, 0u64, 0u64);
    let mut items = Vec::with_capacity(BULK_BATCH);
    loop {
        if progress.is_cancelled() {
            return; // the writer sees the cancellation and rolls back
        }
        let row = match reader.next_row() {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(error) => {
                let _ = sender.blocking_send(Checked::Failed(error));
                return;
            }
        };
        total += 1;
        progress.read(1);
        match checker.check(&row) {
            Ok((applied, item)) => {
                match applied {
                    Applied::Inserted => imported += 1,
                    Applied::Updated => updated += 1,
                }
                items.push(item);
                if items.len() >= BULK_BATCH {
                    let batch = std::mem::replace(&mut items, Vec::with_capacity(BULK_BATCH));
                    if sender.blocking_send(Checked::Items(batch)).is_err() {
                        return;
                    }
                }
            }
            Err(errors) => {
                if sender
                    .blocking_send(Checked::Rejected(row, errors))
                    .is_err()
                {
                    return;
                }
            }
        }
    }
    if !items.is_empty() && sender.blocking_send(Checked::Items(items)).is_err() {
        return;
    }
    let _ = sender.blocking_send(Checked::Done {
        total,
        imported,
        updated,
    });
}

/// Writes the empty template of an import: its headers and one example row.
pub fn template<I: Layout + ?Sized>(importer: &I, out: &Path) -> Result<(), SheetError> {
    let headers: Vec<&str> = importer.columns().iter().map(|c| c.name).collect();
    let mut w = SheetWriter::new(&headers)?;
    w.write_row(importer.example())?;
    w.finish(out)
}

/// Shows a report as lines of Chinese text for the terminal and the upload page.
pub fn describe(report: &ImportReport) -> Vec<String> {
    let mut lines = vec![format!(
        "共 {} 行：新增 {}，更新 {}，有误 {} 处。{}",
        report.total,
        report.imported,
        report.updated,
        report.invalid_count,
        if report.written {
            "已写入。"
        } else {
            "未写入任何数据。"
        }
    )];
    if report.invalid_count > report.invalid.len() as u64 {
        lines.push(format!(
            "以下仅列出前 {} 处；全部有误的行（共 {} 行）见拒收文件（--rejects）。",
            report.invalid.len(),
            report.rejected_rows
        ));
    }
    for e in &report.invalid {
        lines.push(format!(
            "第 {} 行，列“{}”，值“{}”：{}",
            e.row, e.column, e.value, e.reason
        ));
    }
    lines
}
