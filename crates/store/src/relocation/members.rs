//! Members of a household (家庭成员): name, resident ID and relation to the head. The
//! number of members is the household's resettlement population for the transition
//! subsidy. Every change of members is told to the population review in the same
//! transaction: a list already reviewed or posted goes back for review, a posted one into
//! a change round (成果变更, [`population::members_changed`]).

use super::{MEMBERS, Scope, households, population};
use crate::audit;
use crate::db::Conn;
use crate::db::Tx;
use crate::error::{Refusal, StoreError, StoreResult};
use crate::query;
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
    households::records_of(
        conn,
        "SELECT id, household_id, name, resident_id, relation FROM relocation_members",
        household_id,
        Ok,
    )
    .await
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
    let existing: Option<(i64, String, String)> = query::row(
        &mut *tx,
        "SELECT id, name, relation FROM relocation_members
         WHERE household_id = $1 AND resident_id = $2",
        &[household_id.into(), resident_id.as_str().into()],
        Ok,
    )
    .await?;
    let today = domain::platform::time::today_local();
    if let Some((id, was_name, was_relation)) = existing {
        if was_name == name && was_relation == relation {
            return Ok((id, false));
        }
        let change = audit::Change::begin(tx, &MEMBERS, id).await?;
        query::execute(
            &mut *tx,
            "UPDATE relocation_members SET name = $1, relation = $2 WHERE id = $3",
            &[name.into(), relation.into(), id.into()],
        )
        .await?;
        change.finish_if_changed(tx, actor, "update").await?;
        population::members_changed(tx, actor, household_id, today).await?;
        return Ok((id, false));
    }
    let id = audit::insert(
        tx,
        actor,
        &MEMBERS,
        "INSERT INTO relocation_members (household_id, name, resident_id, relation, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        &[
            household_id.into(),
            name.into(),
            resident_id.as_str().into(),
            relation.into(),
            crate::now_text().into(),
        ],
    )
    .await?;
    population::members_changed(tx, actor, household_id, today).await?;
    Ok((id, true))
}

/// Removes a member registered by mistake.
pub async fn remove(tx: &mut Tx, actor: &str, scope: &Scope, member_id: i64) -> StoreResult<()> {
    let household_id = households::remove_record(tx, actor, scope, &MEMBERS, member_id).await?;
    let today = domain::platform::time::today_local();
    population::members_changed(tx, actor, household_id, today).await
}
