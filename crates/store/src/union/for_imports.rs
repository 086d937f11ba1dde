//! What the union module's spreadsheet imports and exports read from the database and
//! nothing else needs: the keys of every registered record, read once inside an import's
//! transaction so that rows are checked without a query each, and the member registry
//! streamed row by row for an export of a million members.

use super::Scope;
use crate::db::{Db, Tx};
use crate::error::{StoreError, StoreResult};
use crate::{on_pool, on_tx};
use futures::TryStreamExt;

/// A registered enterprise as an import checks rows against it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RegisteredEnterprise {
    /// Database id.
    pub id: i64,
    /// Unified social credit code, the natural key of the file.
    pub credit_code: String,
    /// Township code as stored.
    pub township: String,
    /// The covering union, if any.
    pub union_id: Option<i64>,
}

/// Every registered enterprise, read with the import's own transaction (reading through
/// the pool would wait on the transaction's lock on SQLite).
pub async fn enterprises(tx: &mut Tx) -> StoreResult<Vec<RegisteredEnterprise>> {
    Ok(on_tx!(tx, |c| sqlx::query_as(
        "SELECT id, credit_code, township, union_id FROM enterprises"
    )
    .fetch_all(&mut *c)
    .await?))
}

/// Hands every registered member's id, resident ID and union to `each`, streaming: the
/// members import keeps only a compact key of each, not a million strings.
pub async fn each_member(tx: &mut Tx, mut each: impl FnMut(i64, &str, i64)) -> StoreResult<()> {
    on_tx!(tx, |c| {
        let mut rows = sqlx::query_as::<_, (i64, String, i64)>(
            "SELECT id, resident_id, union_id FROM members",
        )
        .fetch(&mut *c);
        while let Some((id, resident_id, union_id)) = rows.try_next().await? {
            each(id, &resident_id, union_id);
        }
    });
    Ok(())
}

/// A member as the export writes it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MemberLine {
    /// Name.
    pub name: String,
    /// Resident ID as stored.
    pub resident_id: String,
    /// Mobile, if known.
    pub mobile: Option<String>,
    /// Name of the member's union.
    pub union_name: String,
    /// Joining date as stored (`YYYY-MM-DD`).
    pub joined_on: String,
    /// Migrant worker (农民工).
    pub migrant_worker: bool,
}

/// Hands every member in `scope` to `each`, in registration order, streaming: a million
/// rows never sit in memory at once. Stops at the first error `each` returns.
pub async fn each_member_line<E: From<StoreError>>(
    db: &Db,
    scope: Scope,
    mut each: impl FnMut(MemberLine) -> Result<(), E>,
) -> Result<(), E> {
    on_pool!(db, |p| {
        let mut rows = sqlx::query_as::<_, MemberLine>(
            "SELECT m.name, m.resident_id, m.mobile, u.name AS union_name, m.joined_on,
                    m.migrant_worker
             FROM members m JOIN unions u ON u.id = m.union_id
             WHERE $1 IS NULL OR u.township = $1 ORDER BY m.id",
        )
        .bind(scope.township_code())
        .fetch(p);
        while let Some(line) = rows.try_next().await.map_err(StoreError::from)? {
            each(line)?;
        }
    });
    Ok(())
}
