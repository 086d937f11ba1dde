//! Reads that serve both a page (on the pool) and a change (inside its transaction).
//!
//! Loading a household or the inputs of its compensation happens when a page shows it and
//! again, inside the write transaction, when a milestone is recorded; [`Conn`] lets one
//! function do both, and [`on_conn!`] runs its query code on whichever connection it
//! holds, compiled once per backend like [`crate::on_pool!`] and [`crate::on_tx!`].

use crate::db::{Db, Tx};

/// Where a read runs: a pooled connection, or an open transaction (to see its own
/// uncommitted writes and keep its locks).
pub enum Conn<'a> {
    /// A connection taken from the pool for the duration of the call.
    Pool(&'a Db),
    /// The caller's transaction.
    Tx(&'a mut Tx),
}

impl<'a> From<&'a Db> for Conn<'a> {
    fn from(db: &'a Db) -> Self {
        Conn::Pool(db)
    }
}

impl<'a> From<&'a mut Tx> for Conn<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        Conn::Tx(tx)
    }
}

/// Runs `$body` with `$c` bound to `&mut SqliteConnection` or `&mut PgConnection` taken
/// from a `&mut Conn`; use `&mut *$c` for each query.
macro_rules! on_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::relocation::conn::Conn::Pool(db) => match db {
                $crate::Db::Sqlite(p) => {
                    let mut held = p.acquire().await?;
                    let $c = &mut *held;
                    $body
                }
                $crate::Db::Postgres(p) => {
                    let mut held = p.acquire().await?;
                    let $c = &mut *held;
                    $body
                }
            },
            $crate::relocation::conn::Conn::Tx(tx) => match &mut tx.conn {
                $crate::db::TxConn::Sqlite(t) => {
                    let $c = &mut **t;
                    $body
                }
                $crate::db::TxConn::Postgres(t) => {
                    let $c = &mut **t;
                    $body
                }
            },
        }
    };
}

pub(crate) use on_conn;
