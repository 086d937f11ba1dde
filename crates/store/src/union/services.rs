//! What the stores of facilities, contracts, assessments and talks share: reading a
//! labelled code back, refusing a write outside the scope, one record by id inside the
//! scope, and a filtered page with its total.

use super::sql::Where;
use super::{Scope, enterprises};
use crate::db::{Conn, Db};
use crate::error::{StoreError, StoreResult};
use crate::query::{self, AnyRow};
use domain::union::rights::RightsError;
use domain::union::township::Township;

/// Reads a stored code of one of the domain's labelled sets back.
pub(crate) fn from_code<T: Copy>(
    all: &'static [T],
    code: impl Fn(T) -> &'static str,
    text: &str,
) -> StoreResult<T> {
    all.iter()
        .copied()
        .find(|v| code(*v) == text)
        .ok_or_else(|| StoreError::corrupt(format!("数据库中有无法识别的代码：{text}")))
}

/// Refuses a write outside the caller's township.
pub(crate) fn check_scope(scope: Scope, township: Township) -> StoreResult<()> {
    if scope.allows_code(Some(township.code())) {
        Ok(())
    } else {
        Err(RightsError::OutsideTownship.into())
    }
}

/// The record `select` (a SELECT ending in `WHERE <key> = $1`) finds for `id`, decoded;
/// not found when missing or when its township (`township_of`) is outside the scope.
pub(crate) async fn scoped_row<R: AnyRow, T>(
    conn: impl Into<Conn<'_>>,
    scope: Scope,
    select: &str,
    id: i64,
    decode: impl FnOnce(R) -> StoreResult<T>,
    township_of: impl FnOnce(&T) -> Township,
) -> StoreResult<T> {
    let record = query::row(conn, select, &[id.into()], decode)
        .await?
        .ok_or(StoreError::NotFound)?;
    if !scope.allows_code(Some(township_of(&record).code())) {
        return Err(StoreError::NotFound);
    }
    Ok(record)
}

/// A page of what `select` (up to its WHERE) finds under `w`, ordered by `order`, and how
/// many `count` (a `SELECT COUNT(*) FROM …` up to its WHERE) finds under `w` in all.
pub(crate) async fn page<R: AnyRow, T>(
    db: &Db,
    (select, count): (&str, &str),
    w: &Where,
    order: &str,
    (limit, offset): (i64, i64),
    decode: impl FnMut(R) -> StoreResult<T>,
) -> StoreResult<(Vec<T>, i64)> {
    let n = w.next_placeholder();
    let sql = format!(
        "{select}{} ORDER BY {order} LIMIT ${n} OFFSET ${}",
        w.sql(),
        n + 1
    );
    let mut binds = w.binds.clone();
    binds.extend([limit.into(), offset.into()]);
    let rows = query::rows(db, &sql, &binds, decode).await?;
    let total = query::value(db, &format!("{count}{}", w.sql()), &w.binds)
        .await?
        .unwrap_or(0);
    Ok((rows, total))
}

/// The rows `select` (a SELECT ending in `WHERE <enterprise key> = $1 ORDER BY …`) finds
/// for an enterprise, which must be inside the scope.
pub(crate) async fn of_enterprise<R: AnyRow, T>(
    db: &Db,
    scope: Scope,
    enterprise_id: i64,
    select: &str,
    decode: impl FnMut(R) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    enterprises::get(db, scope, enterprise_id).await?;
    query::rows(db, select, &[enterprise_id.into()], decode).await
}
