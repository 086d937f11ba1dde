//! The one shape of most statements: run SQL with a few bound values on whatever
//! connection the caller holds and, for a SELECT, decode each row into the module's
//! record.
//!
//! The modules keep their SQL, their row type and their decoding; what they shared, word
//! for word, was the plumbing between them (take the connection, bind, fetch or execute,
//! map), and that lives here once. Queries with their own paging or several statements
//! in one connection still use [`on_conn!`](crate::on_conn) directly.

use crate::db::Conn;
use crate::error::StoreResult;
use crate::sql::Bind;
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
