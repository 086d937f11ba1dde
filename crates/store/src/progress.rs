//! How far long work has got — rows (or records, or entries) read and checked, rows
//! written — shared with whoever watches it (a terminal's progress bar, a web job's
//! page), and the switch that asks it to stop. It lives here, below both kinds of long
//! work: imports (the `imports` crate) and the audit verification ([`crate::audit`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Counters and a stop switch; clones share them.
#[derive(Debug, Clone, Default)]
pub struct Progress(Arc<State>);

#[derive(Debug, Default)]
struct State {
    read: AtomicU64,
    written: AtomicU64,
    /// Rows expected in all; 0 while unknown.
    total: AtomicU64,
    cancelled: AtomicBool,
}

impl Progress {
    /// Rows read and checked so far.
    pub fn rows_read(&self) -> u64 {
        self.0.read.load(Ordering::Relaxed)
    }

    /// Rows handed to the database so far (an import's are committed only at its end).
    pub fn rows_written(&self) -> u64 {
        self.0.written.load(Ordering::Relaxed)
    }

    /// Counts `rows` more read and checked.
    pub fn read(&self, rows: u64) {
        self.0.read.fetch_add(rows, Ordering::Relaxed);
    }

    /// Counts `rows` more written.
    pub fn wrote(&self, rows: u64) {
        self.0.written.fetch_add(rows, Ordering::Relaxed);
    }

    /// Says how many rows the work expects in all (what an imported file says it holds), for
    /// the time left; 0 leaves it unknown.
    pub fn expect(&self, rows: u64) {
        self.0.total.store(rows, Ordering::Relaxed);
    }

    /// The rows expected in all, when known.
    pub fn total(&self) -> Option<u64> {
        Some(self.0.total.load(Ordering::Relaxed)).filter(|&t| t > 0)
    }

    /// Asks the work to stop (an import then writes nothing).
    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether [`Progress::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::Relaxed)
    }
}
