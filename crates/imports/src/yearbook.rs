//! The yearbook as a spreadsheet: one line per figure (office, figure, value, unit, JSON
//! key), counts as numbers a clerk can sum, money, areas and rates as the yearbook writes
//! them. The command line's `--format xlsx` and the page's "导出Excel" write this file.

use domain::yearbook::{AnnualReport, lines};
use sheets::{Cell, SheetError, SheetWriter};
use std::path::Path;

/// The columns of the sheet.
pub const HEADERS: [&str; 5] = ["部门", "指标", "数值", "单位", "字段"];

/// The sheet's title line.
pub fn title(report: &AnnualReport) -> String {
    let place = [
        report.place.township.as_deref(),
        report.place.town.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("、");
    if place.is_empty() {
        format!("{}年度工作年鉴数据", report.year)
    } else {
        format!("{}年度工作年鉴数据（{place}）", report.year)
    }
}

/// Writes the report to `path` as .xlsx.
///
/// # Errors
/// When the file cannot be written.
pub fn write_xlsx(report: &AnnualReport, path: &Path) -> Result<(), SheetError> {
    let mut w = SheetWriter::with_title(&title(report), &HEADERS)?;
    for l in lines(report) {
        let value = match l.count {
            Some(n) => Cell::Int(n),
            None => Cell::Text(l.value.clone()),
        };
        w.write_cells(&[
            Cell::Text(l.office.to_string()),
            Cell::Text(l.label.to_string()),
            value,
            Cell::Text(l.unit.to_string()),
            Cell::Text(l.key.to_string()),
        ])?;
    }
    w.finish(path)
}
