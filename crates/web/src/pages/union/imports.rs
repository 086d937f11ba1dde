//! Uploading a spreadsheet of enterprises, unions or members, and downloading the
//! templates. The same import engine as `groundwork import`, limited to the viewer's
//! township; the report lists every rejected row with its Excel row number.

use super::scope;
use crate::error::AppError;
use crate::pages::{Chrome, render};
use crate::session::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::{Html, Response};
use store::platform::import::{ImportError, ImportOptions, ImportReport, describe};
use store::union::import::{run_scoped, template as write_template};

/// Largest upload accepted: a 1,000,000-row members workbook is about 40 MB.
pub const MAX_UPLOAD: usize = 128 * 1024 * 1024;

/// The kinds offered, with their Chinese names.
const KINDS: [(&str, &str); 3] = [
    ("enterprises", "企业名录"),
    ("unions", "工会组织"),
    ("members", "会员名册"),
];

#[derive(Template)]
#[template(path = "union/import.html")]
struct ImportPage {
    chrome: Chrome,
    kinds: [(&'static str, &'static str); 3],
    report: Option<ImportReport>,
    lines: Vec<String>,
    error: Option<String>,
}

fn show_page(
    viewer: &Viewer,
    report: Option<ImportReport>,
    error: Option<String>,
) -> Result<Html<String>, AppError> {
    render(&ImportPage {
        chrome: Chrome::new("批量导入", viewer),
        kinds: KINDS,
        lines: report.as_ref().map(describe).unwrap_or_default(),
        report,
        error,
    })
}

/// The upload form.
pub async fn form(viewer: Viewer) -> Result<Html<String>, AppError> {
    show_page(&viewer, None, None)
}

/// Runs the uploaded file through the import and shows the report.
pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    mut form: Multipart,
) -> Result<Html<String>, AppError> {
    let mut kind = String::new();
    let mut mode = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(format!("上传失败：{e}")))?
    {
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field
            .bytes()
            .await
            .map_err(|e| AppError::BadRequest(format!("上传失败：{e}")))?;
        match name.as_str() {
            "kind" => kind = String::from_utf8_lossy(&bytes).trim().to_string(),
            "mode" => mode = String::from_utf8_lossy(&bytes).trim().to_string(),
            "file" => file = Some((file_name.unwrap_or_default(), bytes.to_vec())),
            _ => {}
        }
    }
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return show_page(&viewer, None, Some("请选择要导入的文件".into()));
    };
    if !KINDS.iter().any(|(k, _)| *k == kind) {
        return show_page(&viewer, None, Some(format!("未知的数据类型：{kind}")));
    }
    // Keep the extension: the reader also goes by it (.csv has no magic bytes).
    let ext = std::path::Path::new(&file_name)
        .extension()
        .and_then(|e| e.to_str())
        .filter(|e| e.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or("xlsx")
        .to_ascii_lowercase();
    let dir =
        tempfile::tempdir().map_err(|e| AppError::BadRequest(format!("无法保存上传文件：{e}")))?;
    let path = dir.path().join(format!("upload.{ext}"));
    std::fs::write(&path, &bytes)
        .map_err(|e| AppError::BadRequest(format!("无法保存上传文件：{e}")))?;
    let opts = ImportOptions {
        dry_run: mode == "dry_run",
        skip_invalid: mode == "skip_invalid",
        rejects: None,
        actor: viewer.user.username.clone(),
        project: None,
    };
    match run_scoped(&state.db, &kind, &path, &opts, scope(&viewer)?).await {
        Some(Ok(report)) => show_page(&viewer, Some(report), None),
        Some(Err(ImportError::Unusable(e))) => {
            show_page(&viewer, None, Some(format!("文件无法读取：{e}")))
        }
        Some(Err(ImportError::Usage(m))) => show_page(&viewer, None, Some(m)),
        Some(Err(ImportError::Store(e))) => Err(e.into()),
        None => show_page(&viewer, None, Some(format!("未知的数据类型：{kind}"))),
    }
}

/// The empty template of a kind, with one example row.
pub async fn template(Path(kind): Path<String>) -> Result<Response, AppError> {
    let name = KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, n)| *n)
        .ok_or(AppError::NotFound)?;
    let mut known = true;
    let response = crate::download::written_xlsx(&format!("{name}导入模板.xlsx"), |path| {
        match write_template(&kind, path) {
            Some(result) => result.map_err(|e| e.to_string()),
            None => {
                known = false;
                Ok(())
            }
        }
    })
    .map_err(|e| AppError::BadRequest(format!("模板生成失败：{e}")))?;
    if known {
        Ok(response)
    } else {
        Err(AppError::NotFound)
    }
}
