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
use crate::on_conn;
use crate::on_tx;
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
    let mut conn = conn.into();
    let rows = on_conn!(&mut conn, |c| sqlx::query_as(
        "SELECT id, household_id, name, resident_id, relation FROM relocation_members
         WHERE household_id = $1 ORDER BY id"
    )
    .bind(household_id)
    .fetch_all(&mut *c)
    .await?);
    Ok(rows)
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
    let existing: Option<(i64, String, String)> = on_tx!(tx, |c| sqlx::query_as(
        "SELECT id, name, relation FROM relocation_members
         WHERE household_id = $1 AND resident_id = $2"
    )
    .bind(household_id)
    .bind(resident_id.as_str())
    .fetch_optional(&mut *c)
    .await?);
    let today = domain::platform::time::today_local();
    if let Some((id, was_name, was_relation)) = existing {
        if was_name == name && was_relation == relation {
            return Ok((id, false));
        }
        let change = audit::Change::begin(tx, &MEMBERS, id).await?;
        on_tx!(tx, |c| sqlx::query(
            "UPDATE relocation_members SET name = $1, relation = $2 WHERE id = $3"
        )
        .bind(name)
        .bind(relation)
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|_| ())?);
        change.finish_if_changed(tx, actor, "update").await?;
        population::members_changed(tx, actor, household_id, today).await?;
        return Ok((id, false));
    }
    let id: i64 = on_tx!(tx, |c| sqlx::query_scalar(
        "INSERT INTO relocation_members (household_id, name, resident_id, relation, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id"
    )
    .bind(household_id)
    .bind(name)
    .bind(resident_id.as_str())
    .bind(relation)
    .bind(crate::now_text())
    .fetch_one(&mut *c)
    .await?);
    audit::record_insert(tx, actor, &MEMBERS, id).await?;
    population::members_changed(tx, actor, household_id, today).await?;
    Ok((id, true))
}

/// Removes a member registered by mistake.
pub async fn remove(tx: &mut Tx, actor: &str, scope: &Scope, member_id: i64) -> StoreResult<()> {
    let household_id: Option<i64> = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT household_id FROM relocation_members WHERE id = $1"
    )
    .bind(member_id)
    .fetch_optional(&mut *c)
    .await?);
    let household_id = household_id.ok_or(StoreError::NotFound)?;
    households::get(&mut *tx, scope, household_id).await?;
    let change = audit::Change::begin(tx, &MEMBERS, member_id).await?;
    on_tx!(tx, |c| sqlx::query(
        "DELETE FROM relocation_members WHERE id = $1"
    )
    .bind(member_id)
    .execute(&mut *c)
    .await
    .map(|_| ())?);
    change.finish_delete(tx, actor).await?;
    let today = domain::platform::time::today_local();
    population::members_changed(tx, actor, household_id, today).await
}
