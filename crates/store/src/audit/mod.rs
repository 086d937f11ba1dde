//! The append-only, hash-chained audit log.
//!
//! Every change to an audited record writes one entry in the same transaction as the
//! change: sequence, time, actor, action, entity, id, and the record before and after as
//! JSON snapshots read back from the database. Each entry's hash is SHA-256 over the
//! previous entry's hash and the entry's own fields, so editing, deleting or reordering
//! an entry breaks the chain. [`verify`] also compares every audited record with the
//! `after` of its latest entry, so a record changed by raw SQL, without an entry, is
//! caught too. [`verify_and_record`] in [`Mode::Incremental`] starts after the prefix the
//! last successful run recorded and compares only the records changed since.
//!
//! Records that one bulk write creates together (a batch of an import) are logged as one
//! *batch entry* ([`record_batch`]) whose `after` lists every record in full, column
//! names once: a million imported members make a hundred entries of ten thousand
//! records instead of a million entries, which is what lets an import keep its pace
//! (bench/RESULTS.md). Nothing is lost: [`verify`] compares each record with its line
//! of the batch exactly as with a one-record entry, and a record's history finds the
//! batch through the id range the entry covers.

mod anchor;
mod batch;
mod browse;
mod change;
mod merge;
mod prefix;
mod verify;
mod write;

pub use anchor::{Anchor, anchor, holds};
pub use batch::{BATCH_ACTION, Batch, Field, batch_records, record_batch};
pub use browse::{Entry, EntryFilter, get, list, older};
pub use change::{Change, UpdateLog, delete, update, upsert};
pub use prefix::{Verified, last_verified};
pub use verify::{Mode, Problem, Verification, verify, verify_and_record};
pub use write::{insert, record_event, record_insert};

/// A table whose every change is audited.
#[derive(Debug, Clone, Copy)]
pub struct AuditedTable {
    /// The entity name written in the log (`user`, `member`, …).
    pub entity: &'static str,
    /// The SQL table; it must have an `id BIGINT` primary key.
    pub table: &'static str,
    /// Columns whose values are secrets (password hashes): the log keeps a digest of
    /// them, so a change is still detected but the secret is not shown to inspectors.
    pub secret_columns: &'static [&'static str],
}

/// The audited tables [`verify`] checks. It is built once, from each area's own list, by
/// [`crate::audited`], and handed to [`verify`]: the areas import this module to write
/// their entries, so this module must not import the areas back.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    tables: Vec<&'static AuditedTable>,
}

impl Registry {
    /// A registry of every table in `lists`, one list per area.
    pub fn new(lists: &[&'static [AuditedTable]]) -> Registry {
        Registry {
            tables: lists.iter().flat_map(|list| list.iter()).collect(),
        }
    }

    /// The tables, in the order the areas listed them.
    pub fn tables(&self) -> impl Iterator<Item = &'static AuditedTable> + '_ {
        self.tables.iter().copied()
    }
}

/// The hash before the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";
