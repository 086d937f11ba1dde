//! `groundwork report …` for the union module.

use anyhow::Result;
use store::Db;

/// Report names this module answers.
pub const REPORTS: &[&str] = &[];

/// Runs report `name` if it is one of this module's; `None` otherwise.
pub async fn run(_db: &Db, _name: &str, _args: &super::ReportArgs) -> Option<Result<u8>> {
    None
}
