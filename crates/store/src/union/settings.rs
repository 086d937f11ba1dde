//! The city federation's settings (`union_settings`): named values that change how the
//! records are read — the coverage rule, the assessment weights, who may enrol in each
//! kind of programme. One place reads and writes them, audited as one table, so that a
//! new setting is a name and a type, not another copy of the upsert.

use crate::audit::{self, AuditedTable, UpdateLog};
use crate::db::{Conn, Tx};
use crate::error::{StoreError, StoreResult};
use crate::query;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The settings table as audited.
pub const SETTINGS: AuditedTable = AuditedTable {
    entity: "union_setting",
    table: "union_settings",
    secret_columns: &[],
};

/// The stored text of setting `name`, or `None` while it was never set.
pub async fn value(conn: impl Into<Conn<'_>>, name: &str) -> StoreResult<Option<String>> {
    query::value(
        conn,
        "SELECT value FROM union_settings WHERE name = $1",
        &[name.into()],
    )
    .await
}

/// Setting `name` stored as JSON, decoded; `None` while it was never set. A stored value
/// that no longer decodes is corrupt (`what` names the setting in the message).
pub async fn json<T: DeserializeOwned>(
    conn: impl Into<Conn<'_>>,
    name: &str,
    what: &str,
) -> StoreResult<Option<T>> {
    value(conn, name)
        .await?
        .map(|v| {
            serde_json::from_str(&v)
                .map_err(|e| StoreError::corrupt(format!("{what}设置无效：{e}")))
        })
        .transpose()
}

/// Sets `name` to `value`, logged as `log` says: `Always` where setting a rule again is an
/// event in itself, `IfChanged` where only a new value is.
pub async fn set(
    tx: &mut Tx,
    actor: &str,
    name: &str,
    value: &str,
    log: UpdateLog<'_>,
) -> StoreResult<()> {
    let existing: Option<i64> = query::value(
        &mut *tx,
        "SELECT id FROM union_settings WHERE name = $1",
        &[name.into()],
    )
    .await?;
    let update = match log {
        UpdateLog::IfChanged => {
            "UPDATE union_settings SET value = $1, updated_at = $2 WHERE id = $3 AND value <> $1"
        }
        UpdateLog::Always(_) => {
            "UPDATE union_settings SET value = $1, updated_at = $2 WHERE id = $3"
        }
    };
    let now = crate::now_text();
    audit::upsert(
        tx,
        actor,
        &SETTINGS,
        existing,
        log,
        async |tx, id| {
            query::execute(tx, update, &[value.into(), now.as_str().into(), id.into()]).await
        },
        async |tx| {
            query::one(
                tx,
                "INSERT INTO union_settings (name, value, updated_at) VALUES ($1, $2, $3) RETURNING id",
                &[name.into(), value.into(), now.as_str().into()],
            )
            .await
        },
    )
    .await?;
    Ok(())
}

/// Sets `name` to `value` as JSON (see [`set`]).
pub async fn set_json<T: Serialize>(
    tx: &mut Tx,
    actor: &str,
    name: &str,
    value: &T,
    log: UpdateLog<'_>,
) -> StoreResult<()> {
    let text = serde_json::to_string(value).map_err(|e| StoreError::Config(e.to_string()))?;
    set(tx, actor, name, &text, log).await
}
