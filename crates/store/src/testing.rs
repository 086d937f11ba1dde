//! Fresh databases for tests, on whichever backend `GROUNDWORK_TEST_DB` names:
//! `sqlite` (the default) or a `postgres://…/` server URL, on which every call makes a
//! new database named `gw_t_…` so tests never share state.

use crate::db::Db;
use crate::error::{StoreError, StoreResult};

/// The test backend's server URL, or `None` for SQLite.
pub fn postgres_server() -> Option<String> {
    std::env::var("GROUNDWORK_TEST_DB")
        .ok()
        .filter(|v| v.starts_with("postgres"))
}

/// A URL of a new, empty database for one test. For SQLite, a file in `dir`.
pub async fn fresh_url(dir: &std::path::Path) -> StoreResult<String> {
    match postgres_server() {
        Some(server) => {
            let name = format!("gw_t_{}", &crate::platform::auth::random_token()?[..16]);
            let admin = Db::connect_without_migrating(&server).await?;
            if let Db::Postgres(p) = &admin {
                sqlx::query(crate::dynamic(&format!("CREATE DATABASE {name}")))
                    .execute(p)
                    .await?;
            }
            admin.close().await;
            // `postgres://user@host:port/db?…` → `postgres://user@host:port`.
            let after_scheme = server.find("://").map(|i| i + 3).unwrap_or(0);
            let base = match server[after_scheme..].find('/') {
                Some(i) => &server[..after_scheme + i],
                None => server.as_str(),
            };
            Ok(format!("{base}/{name}"))
        }
        None => {
            let path = dir.join("test.db");
            Ok(format!("sqlite://{}", path.display()))
        }
    }
}

/// A migrated, empty database for one test.
pub async fn fresh_db(dir: &std::path::Path) -> StoreResult<Db> {
    let url = fresh_url(dir).await?;
    Db::connect(&url)
        .await
        .map_err(|e| StoreError::Config(format!("{url}: {e}")))
}
