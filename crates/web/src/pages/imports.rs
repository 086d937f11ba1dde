//! What the import pages of both modules share: the uploaded form read into its fields
//! and a temporary file, the mode chosen, the import started as a background job
//! ([`crate::jobs`]) whose page shows the outcome (the report lines of `groundwork import`,
//! the rejected rows and their file, or why nothing was imported), and the templates.

use crate::error::AppError;
use crate::jobs::{self, End};
use crate::state::AppState;
use axum::extract::Multipart;
use axum::response::Response;
use imports::{
    ImportError, ImportKind, ImportOptions, ImportReport, ImportScope, Module, describe,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Largest upload accepted: a 1,000,000-row members workbook is about 40 MB.
pub const MAX_UPLOAD: usize = 128 * 1024 * 1024;

/// The name of an import job's rejects file in its directory.
pub const REJECTS_FILE: &str = "rejects.xlsx";

/// What an import shows: under the form (why it could not start) or on its job's page
/// (its report, kept as the job's summary).
#[derive(Default, Serialize, Deserialize)]
pub struct Outcome {
    /// The import's report, when it ran.
    pub report: Option<Report>,
    /// The report as the command line prints it ([`describe`]).
    pub lines: Vec<String>,
    /// Why nothing was imported (no file, unknown kind, unreadable file, bad option).
    pub error: Option<String>,
}

/// The parts of an [`ImportReport`] a page shows, read back from the job's summary.
#[derive(Serialize, Deserialize)]
pub struct Report {
    /// Whether anything was committed.
    pub written: bool,
    /// The first rejected fields.
    pub invalid: Vec<Rejected>,
    /// Every rejected field, counted.
    pub invalid_count: u64,
    /// Rows rejected (all of them are in the rejects file).
    pub rejected_rows: u64,
}

/// One rejected field, as the report lists it.
#[derive(Serialize, Deserialize)]
pub struct Rejected {
    /// Excel row number.
    pub row: u64,
    /// Column header.
    pub column: String,
    /// The value found.
    pub value: String,
    /// Why, in Chinese.
    pub reason: String,
}

impl Outcome {
    /// Nothing imported, for this reason.
    pub fn error(message: impl Into<String>) -> Outcome {
        Outcome {
            error: Some(message.into()),
            ..Outcome::default()
        }
    }

    fn of(report: &ImportReport) -> Outcome {
        Outcome {
            lines: describe(report),
            report: serde_json::to_value(report)
                .and_then(serde_json::from_value)
                .ok(),
            error: None,
        }
    }
}

/// An import form as sent: its text fields and the file, kept in a temporary directory
/// that is removed when the upload is dropped (when its job ends).
pub struct Upload {
    fields: HashMap<String, String>,
    file: Option<PathBuf>,
    _dir: tempfile::TempDir,
}

impl Upload {
    /// Reads the form: the field `file` is saved to disk under its own extension (the
    /// reader goes by it: a .csv has no magic bytes), every other field kept as text.
    pub async fn read(mut form: Multipart) -> Result<Upload, AppError> {
        let unsaved = |e: std::io::Error| AppError::BadRequest(format!("无法保存上传文件：{e}"));
        let dir = tempfile::tempdir().map_err(unsaved)?;
        let mut fields = HashMap::new();
        let mut file = None;
        while let Some(field) = form.next_field().await.map_err(failed)? {
            let name = field.name().unwrap_or("").to_string();
            let ext = extension(field.file_name().unwrap_or(""));
            let bytes = field.bytes().await.map_err(failed)?;
            if name != "file" {
                fields.insert(name, String::from_utf8_lossy(&bytes).trim().to_string());
            } else if !bytes.is_empty() {
                let path = dir.path().join(format!("upload.{ext}"));
                tokio::fs::write(&path, &bytes).await.map_err(unsaved)?;
                file = Some(path);
            }
        }
        Ok(Upload {
            fields,
            file,
            _dir: dir,
        })
    }

    /// A text field of the form; empty when it was not sent.
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    /// The options the form's `mode` asks for: `dry_run`, `skip_invalid`, else atomic.
    pub fn options(&self, actor: &str, project: Option<String>) -> ImportOptions {
        let mode = self.field("mode");
        ImportOptions {
            dry_run: mode == "dry_run",
            skip_invalid: mode == "skip_invalid",
            rejects: None,
            actor: actor.to_string(),
            project,
            progress: imports::Progress::default(),
        }
    }

    /// Starts importing the file as the form's `kind` within `scope`, as a job of the
    /// viewer's: its id, or (`Err`) why it could not start — no file, or a kind that is
    /// not one of `module`'s — to show under the form.
    pub async fn start(
        self,
        state: &AppState,
        module: Module,
        mut opts: ImportOptions,
        scope: ImportScope,
    ) -> Result<Result<i64, Outcome>, AppError> {
        let Some(path) = self.file.clone() else {
            return Ok(Err(Outcome::error("请选择要导入的文件")));
        };
        let Some(kind) = kind_of(module, self.field("kind")) else {
            return Ok(Err(Outcome::error(format!(
                "未知的数据类型：{}",
                self.field("kind")
            ))));
        };
        let total = rows_in(&path).await;
        let owner = opts.actor.clone();
        let db = state.db.clone();
        let label = format!("导入{}", kind.label());
        let id = jobs::start(
            state,
            &format!("import:{}", kind.name()),
            &label,
            &owner,
            total,
            async move |work| {
                let rejects = work.dir.join(REJECTS_FILE);
                opts.progress = work.live.progress.clone();
                // Counted once, here: the engine takes the file's rows from the progress.
                opts.progress
                    .expect(total.and_then(|t| u64::try_from(t).ok()).unwrap_or(0));
                opts.rejects = Some(rejects.clone());
                let result = imports::import(&db, kind, &path, &opts, &scope).await;
                drop(self);
                ended(result, &rejects).await
            },
        )
        .await?;
        Ok(Ok(id))
    }
}

/// How an import job ended: its report as the summary, the rejects file kept when a row
/// was rejected.
async fn ended(result: Result<ImportReport, ImportError>, rejects: &Path) -> End {
    match result {
        Ok(report) => {
            let file = if report.rejected_rows > 0 {
                Some(REJECTS_FILE.to_string())
            } else {
                let _ = tokio::fs::remove_file(rejects).await;
                None
            };
            let written = if report.written {
                report.imported + report.updated
            } else {
                0
            };
            let mut summary = serde_json::to_value(Outcome::of(&report)).unwrap_or_default();
            summary["file_name"] = "有误的行（拒收文件）.xlsx".into();
            End::Done {
                summary,
                file,
                written,
            }
        }
        Err(ImportError::Cancelled) => End::Cancelled,
        Err(ImportError::Unusable(e)) => End::Failed(format!("文件无法读取：{e}")),
        Err(ImportError::Usage(m)) => End::Failed(m),
        Err(ImportError::Store(e)) => End::Failed(crate::error::AppError::from(e).user_message()),
    }
}

/// The data rows the file holds as far as it tells without being read through
/// ([`sheets::rows_hint`]), for the job's estimate of the time left.
async fn rows_in(path: &Path) -> Option<i64> {
    let path = path.to_owned();
    let rows = tokio::task::spawn_blocking(move || sheets::rows_hint(&path))
        .await
        .ok()??;
    i64::try_from(rows).ok()
}

fn failed(e: axum::extract::multipart::MultipartError) -> AppError {
    AppError::BadRequest(format!("上传失败：{e}"))
}

/// The file's extension, lower case; `xlsx` when it has none or a strange one.
fn extension(file_name: &str) -> String {
    Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .filter(|e| e.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or("xlsx")
        .to_ascii_lowercase()
}

/// The kind of that name, if it is one of `module`'s.
fn kind_of(module: Module, name: &str) -> Option<ImportKind> {
    ImportKind::parse(name)
        .ok()
        .filter(|k| k.module() == module)
}

/// A module's kinds as the page's select and template links show them: name and label.
pub fn choices(module: Module) -> Vec<(&'static str, &'static str)> {
    ImportKind::of(module)
        .into_iter()
        .map(|k| (k.name(), k.label()))
        .collect()
}

/// The empty template of `kind`, one of `module`'s; 404 for any other kind.
pub fn template(module: Module, kind: &str) -> Result<Response, AppError> {
    let kind = kind_of(module, kind).ok_or(AppError::NotFound)?;
    crate::download::written_xlsx(&format!("{}导入模板.xlsx", kind.label()), |path| {
        imports::template(kind, path).map_err(|e| e.to_string())
    })
    .map_err(|e| AppError::BadRequest(format!("模板生成失败：{e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_is_kept_when_it_is_plain() {
        assert_eq!(extension("会员.CSV"), "csv");
        assert_eq!(extension("名册"), "xlsx");
        assert_eq!(extension("a.x$s"), "xlsx");
    }
}
