//! A consistent copy of the whole database in one file.

use crate::db::Db;
use crate::error::{Refusal, StoreError, StoreResult};
use std::path::Path;

/// Writes a copy: SQLite with `VACUUM INTO` (a consistent snapshot, even while the
/// server runs); PostgreSQL with `pg_dump` in its custom format.
pub async fn backup(db: &Db, out: &Path) -> StoreResult<()> {
    if out.exists() {
        return Err(Refusal::BackupExists(out.display().to_string()).into());
    }
    match db {
        Db::Sqlite(p) => {
            sqlx::query("VACUUM INTO $1")
                .bind(out.display().to_string())
                .execute(p)
                .await?;
            Ok(())
        }
        Db::Postgres(p) => {
            let opts = p.connect_options();
            let mut cmd = tokio::process::Command::new("pg_dump");
            cmd.arg("--format=custom")
                .arg("--file")
                .arg(out)
                .arg("--host")
                .arg(opts.get_host())
                .arg("--port")
                .arg(opts.get_port().to_string())
                .arg("--username")
                .arg(opts.get_username());
            if let Some(name) = opts.get_database() {
                cmd.arg(name);
            }
            let status = cmd
                .status()
                .await
                .map_err(|e| StoreError::Config(format!("无法运行 pg_dump：{e}")))?;
            if status.success() {
                Ok(())
            } else {
                Err(StoreError::Config(format!("pg_dump 失败：{status}")))
            }
        }
    }
}
