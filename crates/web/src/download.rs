//! Files handed to the browser: "导出Excel" on every list, printable reports.

use crate::error::AppError;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sheets::SheetWriter;

/// MIME type of .xlsx.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Builds an .xlsx download from headers and rows. The workbook is written in
/// constant-memory mode to a temporary file and then sent, so a large export does not
/// hold every cell in memory twice.
pub fn xlsx<H, R, C>(
    file_name: &str,
    title: Option<&str>,
    headers: &[H],
    rows: R,
) -> Result<Response, AppError>
where
    H: AsRef<str>,
    R: IntoIterator<Item = Vec<C>>,
    C: AsRef<str>,
{
    let mut sheet = Sheet::new(title, headers)?;
    for row in rows {
        sheet.push(&row)?;
    }
    sheet.download(file_name)
}

/// An .xlsx download filled a row at a time, for rows that come in chunks (a million
/// members read page by page): each row goes to disk as it is pushed.
pub struct Sheet(SheetWriter);

fn failed(e: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(format!("导出失败：{e}"))
}

impl Sheet {
    /// A sheet with `headers` (and a `title` row above them, if any).
    pub fn new<H: AsRef<str>>(title: Option<&str>, headers: &[H]) -> Result<Sheet, AppError> {
        match title {
            Some(t) => SheetWriter::with_title(t, headers),
            None => SheetWriter::new(headers),
        }
        .map(Sheet)
        .map_err(failed)
    }

    /// Writes one row.
    pub fn push<C: AsRef<str>>(&mut self, row: &[C]) -> Result<(), AppError> {
        self.0.write_row(row).map_err(failed)
    }

    /// Finishes the workbook at `path` (a job's result file).
    pub fn save(self, path: &std::path::Path) -> Result<(), AppError> {
        self.0.finish(path).map_err(failed)
    }

    /// The finished workbook as a download named `file_name`.
    pub fn download(self, file_name: &str) -> Result<Response, AppError> {
        written_xlsx(file_name, |path| {
            self.0.finish(path).map_err(|e| e.to_string())
        })
        .map_err(failed)
    }
}

/// An .xlsx download of a workbook that `write` puts at the path it is given (a
/// temporary file, removed after it is read back).
pub fn written_xlsx(
    file_name: &str,
    write: impl FnOnce(&std::path::Path) -> Result<(), String>,
) -> Result<Response, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = dir.path().join("download.xlsx");
    write(&path)?;
    let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
    Ok(attachment(file_name, XLSX, bytes))
}

/// A response that the browser saves as `file_name` (UTF-8 names per RFC 6266).
pub fn attachment(file_name: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    let encoded = crate::access::urlencode(file_name);
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"export.xlsx\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}
