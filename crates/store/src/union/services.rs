//! What the stores of facilities, contracts, assessments and talks share: reading a
//! labelled code back, refusing a write outside the scope, one record by id inside the
//! scope, and a filtered page with its total.

use super::{Scope, enterprises};
use crate::db::{Conn, Db};
use crate::error::StoreResult;
use crate::query::{self, AnyRow};
use domain::union::rights::RightsError;
use domain::union::township::Township;

pub(crate) use super::codes::from_code;
pub(crate) use crate::query::page;

/// Refuses a write outside the caller's township.
pub(crate) fn check_scope(scope: Scope, township: Township) -> StoreResult<()> {
    if scope.allows_code(Some(township.code())) {
        Ok(())
    } else {
        Err(RightsError::OutsideTownship.into())
    }
}

/// The record `select` (a SELECT ending in `WHERE <key> = $1`) finds for `id`, decoded;
/// not found when missing or when its township (`township_of`: a township, or an optional
/// one for a member's records) is outside the scope.
pub(crate) async fn scoped_row<R: AnyRow, T, W: Into<Option<Township>>>(
    conn: impl Into<Conn<'_>>,
    scope: Scope,
    select: &str,
    id: i64,
    decode: impl FnOnce(R) -> StoreResult<T>,
    township_of: impl FnOnce(&T) -> W,
) -> StoreResult<T> {
    query::visible(conn, select, id, decode, |record| {
        scope.allows_code(township_of(record).into().map(Township::code))
    })
    .await
}

/// The record `select` (a SELECT ending in `WHERE <key> = $1`) finds for `id`, decoded;
/// not found when missing or when the reader may not see it ([`Scope::may_see`]: township
/// staff also see the city's records, which they may not change — see [`scoped_row`]).
pub(crate) async fn visible_row<R: AnyRow, T>(
    conn: impl Into<Conn<'_>>,
    scope: Scope,
    select: &str,
    id: i64,
    decode: impl FnOnce(R) -> StoreResult<T>,
    township_of: impl FnOnce(&T) -> Option<Township>,
) -> StoreResult<T> {
    query::visible(conn, select, id, decode, |record| {
        scope.may_see(township_of(record).map(Township::code))
    })
    .await
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
