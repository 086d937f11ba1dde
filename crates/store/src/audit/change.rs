//! The guard for changing an existing audited record: it takes the record's before-state
//! when the change begins and logs the entry when the change finishes, so an entry can
//! neither lack its before-state nor be written for a record nobody read first.

use super::AuditedTable;
use super::write::{record_change, snapshot};
use crate::db::Tx;
use crate::error::StoreResult;

/// A change of one audited record, begun and not yet logged.
///
/// ```ignore
/// let change = audit::Change::begin(tx, &MEMBERS, id).await?;
/// // … UPDATE relocation_members … WHERE id = id …
/// change.finish(tx, actor, "update").await?;
/// ```
///
/// `finish` consumes the guard, so one change logs one entry. A guard dropped without
/// finishing (an error returned in between) logs nothing, which is right: the caller's
/// transaction rolls back with it.
#[must_use = "a change begun must be finished, or the record changes without an audit entry"]
#[derive(Debug)]
pub struct Change<'t> {
    table: &'t AuditedTable,
    id: i64,
    before: Option<String>,
}

impl<'t> Change<'t> {
    /// Begins a change of record `id` of `table`: reads its before-state, in the
    /// transaction that will change it.
    pub async fn begin(tx: &mut Tx, table: &'t AuditedTable, id: i64) -> StoreResult<Change<'t>> {
        let before = snapshot(tx, table, id).await?;
        Ok(Change { table, id, before })
    }

    /// Whether the record existed when the change began: a caller that finds it missing
    /// returns "not found" instead of logging a change of nothing.
    pub fn exists(&self) -> bool {
        self.before.is_some()
    }

    /// Logs the change with the record's state now as `after`. `action` names what
    /// happened in the domain's words (`update`, `transfer`, `sign`, …).
    pub async fn finish(self, tx: &mut Tx, actor: &str, action: &str) -> StoreResult<()> {
        let after = snapshot(tx, self.table, self.id).await?;
        self.log(tx, actor, action, after).await
    }

    /// Logs the change only if the record differs from its before-state: an import that
    /// writes a row again with the same values leaves no entry.
    pub async fn finish_if_changed(
        self,
        tx: &mut Tx,
        actor: &str,
        action: &str,
    ) -> StoreResult<()> {
        let after = snapshot(tx, self.table, self.id).await?;
        if after == self.before {
            return Ok(());
        }
        self.log(tx, actor, action, after).await
    }

    /// Logs the record's deletion (call after the DELETE): action `delete`, no `after`.
    pub async fn finish_delete(self, tx: &mut Tx, actor: &str) -> StoreResult<()> {
        self.log(tx, actor, "delete", None).await
    }

    async fn log(
        self,
        tx: &mut Tx,
        actor: &str,
        action: &str,
        after: Option<String>,
    ) -> StoreResult<()> {
        let (table, id) = (self.table, self.id);
        record_change(tx, actor, action, table, id, self.before, after).await
    }
}

/// How [`upsert`] logs the update of a record that exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateLog<'a> {
    /// As `update`, and only if a value changed.
    IfChanged,
    /// As this action, always (the update is an event in itself: a review step, a rule
    /// set again).
    Always(&'a str),
}

/// Writes a record found by its natural key: when `existing` names one, `update` changes
/// it and the change is logged as `log` says; otherwise `insert` adds it (returning its
/// id) and the creation is logged. Returns the id and whether the record was created.
pub async fn upsert(
    tx: &mut Tx,
    actor: &str,
    table: &AuditedTable,
    existing: Option<i64>,
    log: UpdateLog<'_>,
    update: impl AsyncFnOnce(&mut Tx, i64) -> StoreResult<()>,
    insert: impl AsyncFnOnce(&mut Tx) -> StoreResult<i64>,
) -> StoreResult<(i64, bool)> {
    if let Some(id) = existing {
        let change = Change::begin(tx, table, id).await?;
        update(tx, id).await?;
        match log {
            UpdateLog::IfChanged => change.finish_if_changed(tx, actor, "update").await?,
            UpdateLog::Always(action) => change.finish(tx, actor, action).await?,
        }
        return Ok((id, false));
    }
    let id = insert(tx).await?;
    super::record_insert(tx, actor, table, id).await?;
    Ok((id, true))
}

/// Runs `sql`, an UPDATE of record `id` of `table`, with `binds`, and logs it as `action`
/// (the before-state read first, in the same transaction).
pub async fn update(
    tx: &mut Tx,
    actor: &str,
    (table, id): (&AuditedTable, i64),
    action: &str,
    sql: &str,
    binds: &[crate::sql::Bind],
) -> StoreResult<()> {
    let change = Change::begin(tx, table, id).await?;
    crate::query::execute(&mut *tx, sql, binds).await?;
    change.finish(tx, actor, action).await
}

/// Deletes record `id` of `table` and logs its deletion (the audit log keeps what it
/// said).
pub async fn delete(tx: &mut Tx, actor: &str, table: &AuditedTable, id: i64) -> StoreResult<()> {
    let change = Change::begin(tx, table, id).await?;
    let sql = format!("DELETE FROM {} WHERE id = $1", table.table);
    crate::query::execute(&mut *tx, &sql, &[id.into()]).await?;
    change.finish_delete(tx, actor).await
}
