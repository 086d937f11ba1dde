//! What the import pages of both modules share: the uploaded form read into its fields
//! and a temporary file, the mode chosen, the outcome shown under the form (the report
//! lines of `groundwork import`, or why nothing was imported), and the template downloads.

use crate::error::AppError;
use axum::extract::Multipart;
use axum::response::Response;
use imports::{
    ImportError, ImportKind, ImportOptions, ImportReport, ImportScope, Module, describe,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use store::Db;

/// Largest upload accepted: a 1,000,000-row members workbook is about 40 MB.
pub const MAX_UPLOAD: usize = 128 * 1024 * 1024;

/// What an import page shows under its form after an upload.
#[derive(Default)]
pub struct Outcome {
    /// The import's report, when it ran.
    pub report: Option<ImportReport>,
    /// The report as the command line prints it ([`describe`]).
    pub lines: Vec<String>,
    /// Why nothing was imported (no file, unknown kind, unreadable file, bad option).
    pub error: Option<String>,
}

impl Outcome {
    fn error(message: impl Into<String>) -> Outcome {
        Outcome {
            error: Some(message.into()),
            ..Outcome::default()
        }
    }
}

/// An import form as sent: its text fields and the file, kept in a temporary directory
/// that is removed when the upload is dropped.
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

    /// Imports the file as the form's `kind`, if a file was sent and the kind is one of
    /// `module`'s, within `scope`; a store failure is the app's error page, anything else
    /// is shown under the form.
    pub async fn import(
        &self,
        db: &Db,
        module: Module,
        opts: &ImportOptions,
        scope: &ImportScope,
    ) -> Result<Outcome, AppError> {
        let kind = self.field("kind");
        let Some(path) = &self.file else {
            return Ok(Outcome::error("请选择要导入的文件"));
        };
        let Some(kind) = kind_of(module, kind) else {
            return Ok(Outcome::error(format!("未知的数据类型：{kind}")));
        };
        Ok(match imports::import(db, kind, path, opts, scope).await {
            Ok(report) => Outcome {
                lines: describe(&report),
                report: Some(report),
                error: None,
            },
            Err(ImportError::Unusable(e)) => Outcome::error(format!("文件无法读取：{e}")),
            Err(ImportError::Usage(m)) => Outcome::error(m),
            Err(e @ ImportError::Cancelled) => Outcome::error(e.to_string()),
            Err(ImportError::Store(e)) => return Err(e.into()),
        })
    }
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
