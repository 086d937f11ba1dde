//! Keyset pagination: a long list read a page at a time from a cursor — the sort key of
//! the row at the page's edge — instead of an OFFSET, so that the ten-thousandth page of
//! twenty million members costs what the first does (an index range, not a count of every
//! row before it), and rows added meanwhile neither repeat nor vanish from the pages left.

use crate::db::Conn;
use crate::error::StoreResult;
use crate::query::{self, AnyRow};
use crate::sql::{Bind, Where};
use serde::{Deserialize, Serialize};

/// Which side of its key a cursor reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The rows that come after the key in the list's order (the next page).
    After,
    /// The rows just before it (the previous page).
    Before,
}

/// One value of a sort key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum KeyValue {
    /// A number (ids).
    Int(i64),
    /// Text (names, dates as stored).
    Text(String),
}

impl From<&KeyValue> for Bind {
    fn from(v: &KeyValue) -> Bind {
        match v {
            KeyValue::Int(i) => Bind::Int(*i),
            KeyValue::Text(t) => Bind::Text(t.clone()),
        }
    }
}

/// Where a page starts: the sort key of the row at the edge of the page beside it, and
/// the side to read. In links it is the key as a JSON array (`after=["张三",12]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// Which side of the key to read.
    pub side: Side,
    /// The key's values, in the order's columns.
    pub key: Vec<KeyValue>,
}

impl Cursor {
    /// Reads a cursor from its link text; `None` when it is not one (the first page is
    /// shown instead: a mangled link is not an error worth a page of its own).
    pub fn parse(side: Side, text: &str) -> Option<Cursor> {
        let key: Vec<KeyValue> = serde_json::from_str(text).ok()?;
        (!key.is_empty()).then_some(Cursor { side, key })
    }

    /// The key as link text.
    pub fn token(&self) -> String {
        serde_json::to_string(&self.key).unwrap_or_default()
    }
}

/// An order a list can be read in by keyset: the columns of its key, the last of which
/// is unique (the id), all in one direction — so that one index serves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    /// The key's columns, as the SELECT names them (`m.name`, `m.id`).
    pub columns: &'static [&'static str],
    /// Largest first.
    pub descending: bool,
}

/// A page read by keyset, with the cursors of the pages on either side (none at an end),
/// and how many rows match in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The page's rows, in the list's order.
    pub rows: Vec<T>,
    /// The next page, if there are rows after this one.
    pub next: Option<Cursor>,
    /// The previous page, if there are rows before this one.
    pub previous: Option<Cursor>,
    /// Rows matching the filter, on every page.
    pub total: i64,
}

/// How a page learns how many rows match in all.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Total<'a> {
    /// Count them: `SELECT COUNT(*) FROM …` over the same joins, as for [`query::page`].
    Count(&'a str),
    /// Already known (from counters kept with the records).
    Known(i64),
}

/// A page of the rows `select` gives under `w` in `order`, from `at` (the first page
/// when `None`); `key_of` gives a decoded row's key.
pub(crate) async fn page<R: AnyRow, T>(
    conn: impl Into<Conn<'_>>,
    (select, total): (&str, Total<'_>),
    w: &Where,
    order: Order,
    (at, limit): (Option<&Cursor>, i64),
    decode: impl FnMut(R) -> StoreResult<T>,
    key_of: impl Fn(&T) -> Vec<KeyValue>,
) -> StoreResult<Page<T>> {
    let mut conn = conn.into();
    let (rows, next, previous) =
        rows_from(&mut conn, select, w, order, (at, limit), decode, key_of).await?;
    let total = match total {
        Total::Known(n) => n,
        Total::Count(count) => {
            query::one(&mut conn, &format!("{count}{}", w.sql()), &w.binds).await?
        }
    };
    Ok(Page {
        rows,
        next,
        previous,
        total,
    })
}

/// The rows of a page and the cursors beside it, without counting the matches: what an
/// export reads chunk after chunk, so a million rows never sit in memory at once.
pub(crate) async fn rows_from<R: AnyRow, T>(
    conn: impl Into<Conn<'_>>,
    select: &str,
    w: &Where,
    order: Order,
    (at, limit): (Option<&Cursor>, i64),
    decode: impl FnMut(R) -> StoreResult<T>,
    key_of: impl Fn(&T) -> Vec<KeyValue>,
) -> StoreResult<(Vec<T>, Option<Cursor>, Option<Cursor>)> {
    let mut conn = conn.into();
    let at = at.filter(|c| c.key.len() == order.columns.len());
    let side = at.map_or(Side::After, |c| c.side);
    // Reading backwards (the page before) walks the order the other way, then turns round.
    let descending = order.descending != (side == Side::Before);
    let mut seek = w.clone();
    if let Some(c) = at {
        let holes = vec!["?"; c.key.len()].join(", ");
        let cmp = if descending { "<" } else { ">" };
        let clause = format!("({}) {cmp} ({holes})", order.columns.join(", "));
        seek.push_with(&clause, c.key.iter().map(Bind::from).collect());
    }
    let direction = if descending { "DESC" } else { "ASC" };
    let order_by = order
        .columns
        .iter()
        .map(|c| format!("{c} {direction}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "{select}{} ORDER BY {order_by} LIMIT ${}",
        seek.sql(),
        seek.next_placeholder()
    );
    let mut binds = seek.binds.clone();
    let limit = limit.max(1);
    binds.push(Bind::Int(limit + 1));
    let mut rows = query::rows(&mut conn, &sql, &binds, decode).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    if side == Side::Before {
        rows.reverse();
    }
    let edge = |row: Option<&T>, side| {
        row.map(|r| Cursor {
            side,
            key: key_of(r),
        })
    };
    let (first, last) = (rows.first(), rows.last());
    let (next, previous) = match at.map(|c| c.side) {
        None => (edge(last, Side::After).filter(|_| more), None),
        Some(Side::After) => (
            edge(last, Side::After).filter(|_| more),
            edge(first, Side::Before),
        ),
        Some(Side::Before) => (
            edge(last, Side::After),
            edge(first, Side::Before).filter(|_| more),
        ),
    };
    Ok((rows, next, previous))
}
