//! `groundwork report NAME`: reports printed or written to a file, computed from records.

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
    /// Write to this file (.xlsx) instead of printing.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs the named report.
pub async fn run(db: &Db, name: &str, args: &ReportArgs) -> Result<u8> {
    if let Some(r) = union::run(db, name, args).await {
        return r;
    }
    if let Some(r) = relocation::run(db, name, args).await {
        return r;
    }
    let known: Vec<&str> = union::REPORTS
        .iter()
        .chain(relocation::REPORTS)
        .copied()
        .collect();
    bail!("未知报表：{name}（可选：{}）", known.join("、"))
}
