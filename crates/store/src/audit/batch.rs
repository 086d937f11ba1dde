//! Batch entries: the records of one bulk write logged as one entry (see the module
//! documentation of [`crate::audit`] for why).

use super::AuditedTable;
use super::write::{NewEntry, append, canonical, record_change};
use crate::db::{Backend, Tx};
use crate::error::StoreResult;
use serde_json::Value;
use std::collections::BTreeMap;

/// One value of a record written by a bulk path, given as the log's snapshot would read it
/// back, so a [`Batch`] can be logged without reading its records again.
#[derive(Debug, Clone, Copy)]
pub enum Field<'a> {
    /// An integer column.
    Int(i64),
    /// A boolean column: SQLite stores and reads back 0 or 1, PostgreSQL true or false.
    Bool(bool),
    /// A text column, or NULL.
    Text(Option<&'a str>),
}

/// The action of a batch entry.
pub const BATCH_ACTION: &str = "bulk-create";

/// Records of one table created by one bulk write, gathered for one batch entry
/// ([`record_batch`]). The rows are kept as JSON text as they are pushed, so a batch of
/// ten thousand records costs one string, not ten thousand maps.
#[derive(Debug)]
pub struct Batch {
    table: &'static AuditedTable,
    columns: &'static [&'static str],
    backend: Backend,
    rows: String,
    count: usize,
    first: i64,
    last: i64,
}

impl Batch {
    /// An empty batch. `columns` names every column of the table, `id` first, exactly
    /// as `SELECT *` returns them (their order does not matter otherwise).
    pub fn new(
        backend: Backend,
        table: &'static AuditedTable,
        columns: &'static [&'static str],
    ) -> Batch {
        Batch {
            table,
            columns,
            backend,
            rows: String::new(),
            count: 0,
            first: i64::MAX,
            last: i64::MIN,
        }
    }

    /// Adds record `id` whose other columns hold `fields`, in `columns` order after `id`.
    pub fn push(&mut self, id: i64, fields: &[Field<'_>]) {
        debug_assert_eq!(fields.len() + 1, self.columns.len(), "one field per column");
        use std::fmt::Write;
        if self.count > 0 {
            self.rows.push(',');
        }
        let _ = write!(self.rows, "[{id}");
        for f in fields {
            self.rows.push(',');
            match f {
                Field::Int(v) => {
                    let _ = write!(self.rows, "{v}");
                }
                Field::Bool(b) => self.rows.push_str(match (self.backend, b) {
                    (Backend::Sqlite, true) => "1",
                    (Backend::Sqlite, false) => "0",
                    (Backend::Postgres, true) => "true",
                    (Backend::Postgres, false) => "false",
                }),
                Field::Text(None) => self.rows.push_str("null"),
                Field::Text(Some(t)) => {
                    self.rows
                        .push_str(&serde_json::to_string(t).unwrap_or_default());
                }
            }
        }
        self.rows.push(']');
        self.count += 1;
        self.first = self.first.min(id);
        self.last = self.last.max(id);
    }

    /// Records gathered.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether nothing was gathered.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The lowest and highest record id gathered, if any.
    pub fn range(&self) -> Option<(i64, i64)> {
        (self.count > 0).then_some((self.first, self.last))
    }
}

/// Logs a [`Batch`] as one entry (action `bulk-create`, entity id `first-last`), whose
/// `after` is `{"columns":[…],"rows":[[…],…]}`. A batch of one record is logged as an
/// ordinary creation, so a record added by a form reads as it always has.
pub async fn record_batch(tx: &mut Tx, actor: &str, batch: Batch) -> StoreResult<()> {
    if batch.count == 0 {
        return Ok(());
    }
    let columns = serde_json::to_string(batch.columns).unwrap_or_default();
    if batch.count == 1 {
        let after = format!(r#"{{"columns":{columns},"rows":[{}]}}"#, batch.rows);
        let snapshot = batch_records(&after)
            .and_then(|mut rows| rows.pop())
            .map(|(_, map)| canonical(&map));
        return record_change(
            tx,
            actor,
            "create",
            batch.table,
            batch.first,
            None,
            snapshot,
        )
        .await;
    }
    let after = format!(r#"{{"columns":{columns},"rows":[{}]}}"#, batch.rows);
    append(
        tx,
        NewEntry {
            actor,
            action: BATCH_ACTION,
            entity: batch.table.entity,
            entity_id: format!("{}-{}", batch.first, batch.last),
            before: None,
            after: Some(after),
            range: Some((batch.first, batch.last)),
        },
    )
    .await?;
    Ok(())
}

/// The records a batch entry's `after` lists: each record's id and its snapshot as a
/// map, as [`snapshot`] would give it. `None` if the text is not a batch.
pub fn batch_records(after: &str) -> Option<Vec<(i64, BTreeMap<String, Value>)>> {
    #[derive(serde::Deserialize)]
    struct Shape {
        columns: Vec<String>,
        rows: Vec<Vec<Value>>,
    }
    let shape: Shape = serde_json::from_str(after).ok()?;
    let id_at = shape.columns.iter().position(|c| c == "id")?;
    shape
        .rows
        .into_iter()
        .map(|row| {
            if row.len() != shape.columns.len() {
                return None;
            }
            let id = row.get(id_at)?.as_i64()?;
            let map = shape.columns.iter().cloned().zip(row).collect();
            Some((id, map))
        })
        .collect()
}
