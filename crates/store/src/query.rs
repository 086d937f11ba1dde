//! The one shape of most statements: run SQL with a few bound values on whatever
//! connection the caller holds and, for a SELECT, decode each row into the module's
//! record.
//!
//! The modules keep their SQL, their row type and their decoding; what they shared, word
//! for word, was the plumbing between them (take the connection, bind, fetch or execute,
//! map), and that lives here once, as does the filtered page with its total that every
//! list shares ([`page`]). Queries that bind in an order of their own or run several
//! statements in one connection still use [`on_conn!`](crate::on_conn) directly.

use crate::db::Conn;
use crate::error::{StoreError, StoreResult};
use crate::sql::{Bind, Where};
use crate::{bind_where, on_conn};
use sqlx::FromRow;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

/// A row type both backends can build from a result row (a tuple, or a struct deriving
/// `sqlx::FromRow`).
pub(crate) trait AnyRow:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

impl<R> AnyRow for R where
    R: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// Every row `sql` selects with `binds` in placeholder order, each decoded.
pub(crate) async fn rows<R: AnyRow, T>(
    conn: impl Into<Conn<'_>>,
    sql: &str,
    binds: &[Bind],
    decode: impl FnMut(R) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let mut conn = conn.into();
    let rows: Vec<R> = on_conn!(&mut conn, |c| bind_where!(
        sqlx::query_as(crate::dynamic(sql)),
        binds
    )
    .fetch_all(&mut *c)
    .await?);
    rows.into_iter().map(decode).collect()
}

/// The row `sql` selects with `binds`, decoded; `None` when there is none.
pub(crate) async fn row<R: AnyRow, T>(
    conn: impl Into<Conn<'_>>,
    sql: &str,
    binds: &[Bind],
    decode: impl FnOnce(R) -> StoreResult<T>,
) -> StoreResult<Option<T>> {
    let mut conn = conn.into();
    let row: Option<R> = on_conn!(&mut conn, |c| bind_where!(
        sqlx::query_as(crate::dynamic(sql)),
        binds
    )
    .fetch_optional(&mut *c)
    .await?);
    row.map(decode).transpose()
}

/// The record `sql` (a SELECT ending in `WHERE <key> = $1`) finds for `id`, decoded; not
/// found when there is none or when `visible` says the reader may not see it, so that a
/// record outside a reader's scope cannot be told from a missing one.
pub(crate) async fn visible<R: AnyRow, T>(
    conn: impl Into<Conn<'_>>,
    sql: &str,
    id: i64,
    decode: impl FnOnce(R) -> StoreResult<T>,
    visible: impl FnOnce(&T) -> bool,
) -> StoreResult<T> {
    match row(conn, sql, &[id.into()], decode).await? {
        Some(record) if visible(&record) => Ok(record),
        _ => Err(StoreError::NotFound),
    }
}

/// The single column of the row `sql` selects with `binds` (an id, a count, a name);
/// `None` when there is no row.
pub(crate) async fn value<O>(
    conn: impl Into<Conn<'_>>,
    sql: &str,
    binds: &[Bind],
) -> StoreResult<Option<O>>
where
    (O,): AnyRow,
{
    row(conn, sql, binds, |(v,): (O,)| Ok(v)).await
}

/// Runs `sql` (an UPDATE, a DELETE …) with `binds`.
pub(crate) async fn execute(
    conn: impl Into<Conn<'_>>,
    sql: &str,
    binds: &[Bind],
) -> StoreResult<()> {
    affected(conn, sql, binds).await.map(|_| ())
}

/// Runs `sql` with `binds` and returns how many rows it changed.
pub(crate) async fn affected(
    conn: impl Into<Conn<'_>>,
    sql: &str,
    binds: &[Bind],
) -> StoreResult<u64> {
    let mut conn = conn.into();
    let n = on_conn!(&mut conn, |c| bind_where!(
        sqlx::query(crate::dynamic(sql)),
        binds
    )
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(n)
}

/// The single column of the one row `sql` returns with `binds` (the id an INSERT …
/// RETURNING gives back); no row is an error.
pub(crate) async fn one<O>(conn: impl Into<Conn<'_>>, sql: &str, binds: &[Bind]) -> StoreResult<O>
where
    (O,): AnyRow,
{
    let mut conn = conn.into();
    let (v,): (O,) = on_conn!(&mut conn, |c| bind_where!(
        sqlx::query_as(crate::dynamic(sql)),
        binds
    )
    .fetch_one(&mut *c)
    .await?);
    Ok(v)
}

/// A page of the rows `select` (a SELECT up to its WHERE) gives under the conditions `w`,
/// in `order`, decoded; and how many rows match in all (`count` is `SELECT COUNT(*) FROM
/// …` over the same joins). Every filtered list pages this way, so it is written once:
/// the LIMIT and OFFSET placeholders follow the filter's values.
pub(crate) async fn page<R: AnyRow, T>(
    conn: impl Into<Conn<'_>>,
    (select, count): (&str, &str),
    w: &Where,
    order: &str,
    (limit, offset): (i64, i64),
    decode: impl FnMut(R) -> StoreResult<T>,
) -> StoreResult<(Vec<T>, i64)> {
    let mut conn = conn.into();
    let n = w.next_placeholder();
    let sql = format!(
        "{select}{} ORDER BY {order} LIMIT ${n} OFFSET ${}",
        w.sql(),
        n + 1
    );
    let mut binds = w.binds.clone();
    binds.extend([Bind::Int(limit), Bind::Int(offset)]);
    let rows = rows(&mut conn, &sql, &binds, decode).await?;
    let total = one(&mut conn, &format!("{count}{}", w.sql()), &w.binds).await?;
    Ok((rows, total))
}
