//! Members of a household (家庭成员): name, resident ID and relation to the head. The
//! number of members is the household's resettlement population for the transition
//! subsidy.

use super::{MEMBERS, Scope, households};
use crate::audit;
use crate::db::Conn;
use crate::db::Tx;
use crate::error::{Refusal, StoreError, StoreResult};
use crate::query;
use crate::sql::Bind;
use domain::platform::ResidentId;
use serde::Serialize;

/// A member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Member {
    /// Database id.
    pub id: i64,
    /// The household.
    pub household_id: i64,
    /// Name.
    pub name: String,
    /// Resident ID (checked when written).
    pub resident_id: String,
    /// Relation to the head (户主, 配偶, 子女 …).
    pub relation: String,
}

/// The members of a household, in the order they were registered.
pub async fn of_household(
    conn: impl Into<Conn<'_>>,
    household_id: i64,
) -> StoreResult<Vec<Member>> {
    let select = "SELECT id, household_id, name, resident_id, relation FROM relocation_members";
    households::records_of(conn, select, household_id, Ok).await
}

/// Adds a member, or updates the one with the same resident ID (the natural key).
/// Returns the id and whether it was created.
pub async fn upsert(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    household_id: i64,
    name: &str,
    resident_id: &ResidentId,
    relation: &str,
) -> StoreResult<(i64, bool)> {
    households::get(&mut *tx, scope, household_id).await?;
    let (name, relation) = (name.trim(), relation.trim());
    if name.is_empty() || relation.is_empty() {
        return Err(StoreError::from(Refusal::MemberFieldsMissing));
    }
    let existing = households::record_id(
        tx,
        &MEMBERS,
        "resident_id",
        household_id,
        resident_id.as_str(),
    )
    .await?;
    audit::upsert(
        tx,
        actor,
        &MEMBERS,
        existing,
        audit::UpdateLog::IfChanged,
        async |tx, id| {
            query::execute(
                tx,
                "UPDATE relocation_members SET name = $1, relation = $2 WHERE id = $3",
                &[name.into(), relation.into(), id.into()],
            )
            .await
        },
        async |tx| {
            query::one(
                tx,
                "INSERT INTO relocation_members (household_id, name, resident_id, relation, created_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[
                    household_id.into(),
                    name.into(),
                    resident_id.as_str().into(),
                    relation.into(),
                    Bind::from(crate::now_text()),
                ],
            )
            .await
        },
    )
    .await
}

/// Removes a member registered by mistake.
pub async fn remove(tx: &mut Tx, actor: &str, scope: &Scope, member_id: i64) -> StoreResult<()> {
    let change = households::change_record(tx, scope, &MEMBERS, member_id).await?;
    query::execute(
        &mut *tx,
        "DELETE FROM relocation_members WHERE id = $1",
        &[member_id.into()],
    )
    .await?;
    change.finish_delete(tx, actor).await
}
