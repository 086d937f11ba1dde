//! `groundwork report NAME`: reports printed or written to a file, computed from records.

pub mod annual;
pub mod relocation;
pub mod union;

use anyhow::{Result, bail};
use std::path::PathBuf;
use store::Db;

/// Options shared by reports.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// Year the report covers (default: this year).
    #[arg(long)]
    pub year: Option<i32>,
    /// Project code, for relocation reports.
    #[arg(long)]
    pub project: Option<String>,
    /// Write to this file instead of printing (.xlsx for the per-area reports; any of
    /// the formats for `annual`, taken from the extension when `--format` is not given).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print JSON instead of text (the same as `--format json`).
    #[arg(long)]
    pub json: bool,
    /// Output format of `annual`: text (paragraphs), json, xlsx or html.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Township (name or code), to narrow the union figures of `annual`.
    #[arg(long)]
    pub township: Option<String>,
    /// Town, to narrow the relocation figures of `annual`.
    #[arg(long)]
    pub town: Option<String>,
}

/// Output formats of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Paragraphs, as the yearbook prints them.
    Text,
    /// JSON.
    Json,
    /// An Excel workbook (needs `--out`).
    Xlsx,
    /// One self-contained, printable HTML file.
    Html,
}

impl ReportArgs {
    /// The format asked for: `--format`, else `--json`, else the extension of `--out`,
    /// else text.
    pub fn format(&self) -> Format {
        if let Some(f) = self.format {
            return f;
        }
        if self.json {
            return Format::Json;
        }
        let ext = self
            .out
            .as_ref()
            .and_then(|p| p.extension())
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("xlsx") => Format::Xlsx,
            Some("json") => Format::Json,
            Some("html" | "htm") => Format::Html,
            _ => Format::Text,
        }
    }
}

/// Runs the named report.
pub async fn run(db: &Db, name: &str, args: &ReportArgs) -> Result<u8> {
    if let Some(r) = annual::run(db, name, args).await {
        return r;
    }
    if let Some(r) = union::run(db, name, args).await {
        return r;
    }
    if let Some(r) = relocation::run(db, name, args).await {
        return r;
    }
    let known: Vec<&str> = annual::REPORTS
        .iter()
        .chain(union::REPORTS)
        .chain(relocation::REPORTS)
        .copied()
        .collect();
    bail!("未知报表：{name}（可选：{}）", known.join("、"))
}
