//! The relocation part of the demo scenario.

use anyhow::Result;
use store::Db;

/// Fills this module's demo records.
pub async fn fill(_db: &Db) -> Result<()> {
    Ok(())
}
