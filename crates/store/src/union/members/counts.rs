//! Members counted per township and month of joining (`union_member_counts`), kept in the
//! same transaction as every change to a member — registering (bulk imports included), an
//! import's update, a transfer, leaving, a merge of duplicates, a union moved to another
//! township. The dashboard, the ranking, the yearbook's member figures and the member
//! list's total then read at most a few hundred counter rows, never the members: at twenty
//! million members a count per request is what made the dashboard the slowest page.
//!
//! `union_member_totals` keeps, per union, the members still in (the union tree's and the
//! filters' figure).
//!
//! A row holds, for one township (`""` for unions without one: the city federation's own)
//! and one month (`YYYY-MM`), the members who joined then, how many of them are still
//! members, and the same two figures for migrant workers. [`rebuild`] recomputes the table
//! from the records; [`drift`] compares the two, for tests and repairs.

use crate::db::{Conn, Tx};
use crate::error::StoreResult;
use crate::query;
use crate::sql::Bind;
use crate::union::Scope;
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A share of one counter row: members, members still in, migrant workers, migrant
/// workers still in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Share {
    /// Members who joined in the month.
    pub joined: i64,
    /// … of whom have not left.
    pub active: i64,
    /// Migrant workers among them.
    pub migrant: i64,
    /// … of whom have not left.
    pub migrant_active: i64,
}

impl Share {
    /// One member's share.
    fn member(active: bool, migrant: bool) -> Share {
        Share {
            joined: 1,
            active: i64::from(active),
            migrant: i64::from(migrant),
            migrant_active: i64::from(migrant && active),
        }
    }

    fn add(&mut self, other: Share, sign: i64) {
        self.joined += sign * other.joined;
        self.active += sign * other.active;
        self.migrant += sign * other.migrant;
        self.migrant_active += sign * other.migrant_active;
    }

    fn is_zero(&self) -> bool {
        *self == Share::default()
    }
}

/// The counter row's key: township code (`""` for none) and month of joining (`YYYY-MM`).
type Key = (String, String);

/// Changes to the counters gathered in memory — per township and month, and members still
/// in per union — written by [`Tally::apply`] in key order (so two transactions that both
/// write lock the rows in the same order).
#[derive(Debug, Default)]
pub(crate) struct Tally(BTreeMap<Key, Share>, BTreeMap<i64, i64>);

impl Tally {
    /// Adds (`sign` 1) or takes away (`sign` -1) `share` at (township, month of `joined_on`).
    fn add(&mut self, township: &str, joined_on: &str, share: Share, sign: i64) {
        let month = joined_on.get(..7).unwrap_or(joined_on).to_string();
        self.0
            .entry((township.to_string(), month))
            .or_default()
            .add(share, sign);
    }

    /// Adds (`sign` 1) or takes away (`sign` -1) `active` members still in at `union_id`.
    fn add_union(&mut self, union_id: i64, active: i64, sign: i64) {
        *self.1.entry(union_id).or_default() += sign * active;
    }

    /// Writes the gathered changes, a few hundred rows to a statement (`?` marks on SQLite:
    /// it looks each `$n` up by walking the statement's whole list, quadratic in rows).
    pub(crate) async fn apply(self, tx: &mut Tx) -> StoreResult<()> {
        const CHUNK: usize = 500;
        let rows: Vec<(Key, Share)> = self.0.into_iter().filter(|(_, s)| !s.is_zero()).collect();
        for chunk in rows.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO union_member_counts
                     (township, joined_month, joined, active, migrant, migrant_active)
                 VALUES {}
                 ON CONFLICT (township, joined_month) DO UPDATE SET
                     joined = union_member_counts.joined + excluded.joined,
                     active = union_member_counts.active + excluded.active,
                     migrant = union_member_counts.migrant + excluded.migrant,
                     migrant_active = union_member_counts.migrant_active + excluded.migrant_active",
                tx.backend().values_list(chunk.len(), 6)
            );
            let binds: Vec<Bind> = chunk
                .iter()
                .flat_map(|((township, month), s)| {
                    [
                        Bind::from(township.as_str()),
                        Bind::from(month.as_str()),
                        s.joined.into(),
                        s.active.into(),
                        s.migrant.into(),
                        s.migrant_active.into(),
                    ]
                })
                .collect();
            query::execute(&mut *tx, &sql, &binds).await?;
        }
        let unions: Vec<(i64, i64)> = self.1.into_iter().filter(|(_, n)| *n != 0).collect();
        for chunk in unions.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO union_member_totals (union_id, active) VALUES {}
                 ON CONFLICT (union_id) DO UPDATE SET
                     active = union_member_totals.active + excluded.active",
                tx.backend().values_list(chunk.len(), 2)
            );
            let binds: Vec<Bind> = chunk
                .iter()
                .flat_map(|&(u, n)| [Bind::from(u), Bind::from(n)])
                .collect();
            query::execute(&mut *tx, &sql, &binds).await?;
        }
        Ok(())
    }
}

/// New members counted in memory, per union and month of joining, and written to the
/// counters by [`Joined::apply`]: a bulk import applies once for the whole file instead of
/// once per batch. On PostgreSQL every upsert of a counter row leaves a row version that
/// the same transaction's next upsert of it must step over, so a million members written
/// in a hundred batches spent 7.4 s on the counters (bench/RESULTS.md, 2026-12-07).
#[derive(Debug, Default)]
pub struct Joined(HashMap<(i64, i32, u32), Share>);

impl Joined {
    /// Counts new members given as (union, join date, migrant worker).
    pub(crate) fn add(&mut self, rows: impl Iterator<Item = (i64, NaiveDate, bool)>) {
        for (union_id, joined_on, migrant) in rows {
            self.0
                .entry((union_id, joined_on.year(), joined_on.month()))
                .or_default()
                .add(Share::member(true, migrant), 1);
        }
    }

    /// Writes what was counted: the unions' townships are read, 500 ids to a statement,
    /// then the counter rows are upserted in key order.
    pub async fn apply(self, tx: &mut Tx) -> StoreResult<()> {
        let ids: BTreeSet<i64> = self.0.keys().map(|(u, _, _)| *u).collect();
        let ids: Vec<i64> = ids.into_iter().collect();
        let mut township: HashMap<i64, String> = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT id, COALESCE(township, '') FROM unions WHERE id IN {}",
                tx.backend().values_list(1, chunk.len())
            );
            let binds: Vec<Bind> = chunk.iter().map(|&id| id.into()).collect();
            township.extend(query::rows(&mut *tx, &sql, &binds, |r: (i64, String)| Ok(r)).await?);
        }
        let mut tally = Tally::default();
        for ((union_id, year, month), share) in self.0 {
            let t = township.get(&union_id).map_or("", String::as_str);
            tally.add(t, &format!("{year:04}-{month:02}"), share, 1);
            tally.add_union(union_id, share.active, 1);
        }
        tally.apply(tx).await
    }
}

/// Where one member sits in the counters.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Place {
    union_id: i64,
    township: String,
    joined_on: String,
    share: Share,
}

async fn place(tx: &mut Tx, member_id: i64) -> StoreResult<Option<Place>> {
    query::row(
        &mut *tx,
        "SELECT m.union_id, COALESCE(u.township, ''), m.joined_on, m.left_on, m.migrant_worker
         FROM members m JOIN unions u ON u.id = m.union_id WHERE m.id = $1",
        &[member_id.into()],
        |(union_id, township, joined_on, left_on, migrant): (
            i64,
            String,
            String,
            Option<String>,
            bool,
        )| {
            Ok(Place {
                union_id,
                township,
                joined_on,
                share: Share::member(left_on.is_none(), migrant),
            })
        },
    )
    .await
}

/// One member's change, counted: begun before the write with where the member sat,
/// finished after it with where the member sits now (nowhere, once deleted by a merge).
pub(crate) struct Recount {
    member_id: i64,
    before: Option<Place>,
}

impl Recount {
    /// Reads where the member sits before the change.
    pub(crate) async fn begin(tx: &mut Tx, member_id: i64) -> StoreResult<Recount> {
        Ok(Recount {
            member_id,
            before: place(tx, member_id).await?,
        })
    }

    /// Moves the member's share from where it was to where it is now.
    pub(crate) async fn finish(self, tx: &mut Tx) -> StoreResult<()> {
        let after = place(tx, self.member_id).await?;
        if after == self.before {
            return Ok(());
        }
        let mut tally = Tally::default();
        for (p, sign) in [(self.before, -1), (after, 1)] {
            if let Some(p) = p {
                tally.add(&p.township, &p.joined_on, p.share, sign);
                tally.add_union(p.union_id, p.share.active, sign);
            }
        }
        tally.apply(tx).await
    }
}

/// A union about to move from township `from` to `to`: its members' shares move with it.
pub(crate) async fn union_moved(
    tx: &mut Tx,
    union_id: i64,
    from: Option<&str>,
    to: Option<&str>,
) -> StoreResult<()> {
    if from == to {
        return Ok(());
    }
    let months: Vec<(String, Share)> = query::rows(
        &mut *tx,
        &format!("{GROUPED} WHERE m.union_id = $1 GROUP BY substr(m.joined_on, 1, 7)"),
        &[union_id.into()],
        |(month, joined, left, migrant, migrant_left): (String, i64, i64, i64, i64)| {
            Ok((month, share_of(joined, left, migrant, migrant_left)))
        },
    )
    .await?;
    let mut tally = Tally::default();
    for (month, share) in months {
        tally.add(from.unwrap_or(""), &month, share, -1);
        tally.add(to.unwrap_or(""), &month, share, 1);
    }
    tally.apply(tx).await
}

/// Members per month as counted from the records (`m` joined to unions `u` when the
/// caller adds the join).
const GROUPED: &str = "SELECT substr(m.joined_on, 1, 7), COUNT(*), COUNT(m.left_on),
        COUNT(CASE WHEN m.migrant_worker THEN 1 END),
        COUNT(CASE WHEN m.migrant_worker AND m.left_on IS NOT NULL THEN 1 END)
     FROM members m";

fn share_of(joined: i64, left: i64, migrant: i64, migrant_left: i64) -> Share {
    Share {
        joined,
        active: joined - left,
        migrant,
        migrant_active: migrant - migrant_left,
    }
}

/// The counters as the records give them, every row.
async fn from_records(conn: impl Into<Conn<'_>>) -> StoreResult<BTreeMap<Key, Share>> {
    let sql = GROUPED.replacen("SELECT ", "SELECT COALESCE(u.township, ''), ", 1)
        + " JOIN unions u ON u.id = m.union_id
         GROUP BY COALESCE(u.township, ''), substr(m.joined_on, 1, 7)";
    let rows = query::rows(
        conn,
        &sql,
        &[],
        |(t, month, joined, left, migrant, migrant_left): (String, String, i64, i64, i64, i64)| {
            Ok(((t, month), share_of(joined, left, migrant, migrant_left)))
        },
    )
    .await?;
    Ok(rows.into_iter().collect())
}

/// The counters as stored, leaving out rows that have gone back to zero.
async fn stored(conn: impl Into<Conn<'_>>) -> StoreResult<BTreeMap<Key, Share>> {
    let rows = query::rows(
        conn,
        "SELECT township, joined_month, joined, active, migrant, migrant_active
         FROM union_member_counts",
        &[],
        |(t, month, joined, active, migrant, migrant_active): (
            String,
            String,
            i64,
            i64,
            i64,
            i64,
        )| {
            let s = Share {
                joined,
                active,
                migrant,
                migrant_active,
            };
            Ok(((t, month), s))
        },
    )
    .await?;
    Ok(rows.into_iter().filter(|(_, s)| !s.is_zero()).collect())
}

/// Members still in per union as the records give them, and as stored (zeros left out).
async fn unions_both(
    conn: impl Into<Conn<'_>>,
) -> StoreResult<(BTreeMap<i64, i64>, BTreeMap<i64, i64>)> {
    let mut conn = conn.into();
    let counted = query::rows(
        &mut conn,
        "SELECT union_id, COUNT(*) FROM members WHERE left_on IS NULL GROUP BY union_id",
        &[],
        |r: (i64, i64)| Ok(r),
    )
    .await?;
    let stored = query::rows(
        &mut conn,
        "SELECT union_id, active FROM union_member_totals WHERE active <> 0",
        &[],
        |r: (i64, i64)| Ok(r),
    )
    .await?;
    Ok((counted.into_iter().collect(), stored.into_iter().collect()))
}

/// Where the stored counters and the records disagree, one line each (township and month,
/// or union, with the stored and the counted figures). Empty when they agree, which every
/// change is meant to keep true.
pub async fn drift(conn: impl Into<Conn<'_>>) -> StoreResult<Vec<String>> {
    let mut conn = conn.into();
    let stored = stored(&mut conn).await?;
    let counted = from_records(&mut conn).await?;
    let keys: BTreeSet<&Key> = stored.keys().chain(counted.keys()).collect();
    let mut out: Vec<String> = keys
        .into_iter()
        .filter_map(|k| {
            let s = stored.get(k).copied().unwrap_or_default();
            let c = counted.get(k).copied().unwrap_or_default();
            (s != c).then(|| format!("{} {}: stored {s:?}, counted {c:?}", k.0, k.1))
        })
        .collect();
    let (counted, stored) = unions_both(&mut conn).await?;
    let ids: BTreeSet<&i64> = stored.keys().chain(counted.keys()).collect();
    for id in ids {
        let (s, c) = (stored.get(id), counted.get(id));
        if s != c {
            out.push(format!("union {id}: stored {s:?}, counted {c:?}"));
        }
    }
    Ok(out)
}

/// Recomputes the counters from the records: after writing members by a path that does not
/// keep them (a bench generator), or to repair them.
pub async fn rebuild(tx: &mut Tx) -> StoreResult<()> {
    query::execute(&mut *tx, "DELETE FROM union_member_counts", &[]).await?;
    query::execute(&mut *tx, "DELETE FROM union_member_totals", &[]).await?;
    let mut tally = Tally::default();
    for ((township, month), share) in from_records(&mut *tx).await? {
        tally.add(&township, &month, share, 1);
    }
    for (union_id, active) in unions_both(&mut *tx).await?.0 {
        tally.add_union(union_id, active, 1);
    }
    tally.apply(tx).await
}

/// Which members a count covers: a township (or the whole city), months of joining, and
/// optionally only members still in (or only those who left) and only migrant workers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counted<'a> {
    /// One township's code; `None` for every township and none.
    pub township: Option<&'a str>,
    /// First and last month of joining (`YYYY-MM`), both included.
    pub months: Option<(&'a str, &'a str)>,
    /// `Some(true)`: still members; `Some(false)`: left.
    pub active: Option<bool>,
    /// `Some(true)`: migrant workers only; `Some(false)`: everyone else.
    pub migrant_worker: Option<bool>,
}

/// How many members the counters hold for `c`.
pub async fn total(conn: impl Into<Conn<'_>>, c: Counted<'_>) -> StoreResult<i64> {
    let column = match (c.active, c.migrant_worker) {
        (None, None) => "joined",
        (Some(true), None) => "active",
        (Some(false), None) => "joined - active",
        (None, Some(true)) => "migrant",
        (Some(true), Some(true)) => "migrant_active",
        (Some(false), Some(true)) => "migrant - migrant_active",
        (None, Some(false)) => "joined - migrant",
        (Some(true), Some(false)) => "active - migrant_active",
        (Some(false), Some(false)) => "(joined - active) - (migrant - migrant_active)",
    };
    let (from, to) = c.months.unwrap_or(("", "9999-99"));
    query::one(
        conn,
        &format!(
            "SELECT CAST(COALESCE(SUM({column}), 0) AS BIGINT) FROM union_member_counts
             WHERE ($1 IS NULL OR township = $1) AND joined_month >= $2 AND joined_month <= $3"
        ),
        &[c.township.into(), from.into(), to.into()],
    )
    .await
}

/// Members who joined in `year` per township code (unions without a township left out).
pub async fn joined_by_township(
    conn: impl Into<Conn<'_>>,
    year: i32,
) -> StoreResult<HashMap<String, u32>> {
    let (from, to) = months_of(year);
    let rows = query::rows(
        conn,
        "SELECT township, CAST(COALESCE(SUM(joined), 0) AS BIGINT) FROM union_member_counts
         WHERE joined_month >= $1 AND joined_month <= $2 AND township <> ''
         GROUP BY township",
        &[from.into(), to.into()],
        |(t, n): (String, i64)| Ok((t, clamp(n))),
    )
    .await?;
    Ok(rows.into_iter().collect())
}

/// Members who joined in each month of `year` in `scope` (index 0 = January).
pub async fn joined_by_month(
    conn: impl Into<Conn<'_>>,
    scope: Scope,
    year: i32,
) -> StoreResult<[u32; 12]> {
    let (from, to) = months_of(year);
    let rows = query::rows(
        conn,
        "SELECT joined_month, CAST(COALESCE(SUM(joined), 0) AS BIGINT) FROM union_member_counts
         WHERE joined_month >= $1 AND joined_month <= $2 AND ($3 IS NULL OR township = $3)
         GROUP BY joined_month",
        &[from.into(), to.into(), scope.township_code().into()],
        |(m, n): (String, i64)| Ok((m, n)),
    )
    .await?;
    Ok(per_month(rows))
}

/// Counts keyed by month (`YYYY-MM`) as twelve slots, January first; other keys ignored.
pub(crate) fn per_month(rows: Vec<(String, i64)>) -> [u32; 12] {
    let mut out = [0u32; 12];
    for (month, n) in rows {
        if let Some(slot) = month
            .get(5..7)
            .and_then(|m| m.parse::<usize>().ok())
            .and_then(|m| out.get_mut(m.wrapping_sub(1)))
        {
            *slot = clamp(n);
        }
    }
    out
}

/// The latest month in which a member joined, if any.
pub async fn latest_month(conn: impl Into<Conn<'_>>) -> StoreResult<Option<String>> {
    query::one(
        conn,
        "SELECT MAX(joined_month) FROM union_member_counts WHERE joined > 0",
        &[],
    )
    .await
}

/// The first and last month of `year` as the counters key them.
pub fn months_of(year: i32) -> (String, String) {
    (format!("{year:04}-01"), format!("{year:04}-12"))
}

fn clamp(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(if n < 0 { 0 } else { u32::MAX })
}
