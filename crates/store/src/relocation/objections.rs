//! Objections to a posted population list (异议) as something to follow up: each gets a
//! reference number (`YY2019-0001`) when lodged, by staff or on the public posting page,
//! and anyone holding the number can look up how it was dealt with — its state and
//! resolution, never who lodged it or what they said. The objection itself lives in the
//! review's log ([`super::population`]); this table only ties a number to it.
//!
//! Objections from the public page carry the digest of the client's address, counted
//! with the grievance form's submissions for the same hourly limit
//! ([`super::grievances::submissions_since`]).

use super::population::{self, Step};
use super::{OBJECTIONS, Scope, grievances, households};
use crate::audit;
use crate::db::{Conn, Tx};
use crate::error::{Refusal, StoreError, StoreResult};
use crate::on_conn;
use chrono::{Datelike, NaiveDate};
use domain::relocation::posting::Resolution;
use domain::relocation::{ObjectionReference, ReviewStage};
use std::collections::HashMap;

/// Gives the objection at `index` of a household's review its reference number.
pub(crate) async fn register(
    tx: &mut Tx,
    actor: &str,
    household_id: i64,
    index: usize,
    client_key: Option<&str>,
    today: NaiveDate,
) -> StoreResult<ObjectionReference> {
    let year = today.year();
    let seq = grievances::next_in_series(tx, &ObjectionReference::series(year)).await?;
    let reference = ObjectionReference::new(year, seq);
    let index = i64::try_from(index).map_err(|_| StoreError::NotFound)?;
    audit::insert(
        tx,
        actor,
        &OBJECTIONS,
        "INSERT INTO relocation_objections
             (household_id, objection, reference, client_key, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        &[
            household_id.into(),
            index.into(),
            reference.to_string().into(),
            client_key.into(),
            actor.into(),
            crate::now_text().into(),
        ],
    )
    .await?;
    Ok(reference)
}

/// An objection from the public posting page of project `project_id` against household
/// `household_code`, lodged on `today` by `by` (may be empty); returns its reference.
/// Refused when that household's list is not being posted.
pub async fn lodge_public(
    tx: &mut Tx,
    project_id: i64,
    household_code: &str,
    by: &str,
    content: &str,
    today: NaiveDate,
    client_key: &str,
) -> StoreResult<ObjectionReference> {
    // The same limits as a report through the public form.
    domain::relocation::grievance::check_text("", content, by.trim())?;
    let household_id = households::id_by_code(tx, project_id, household_code.trim())
        .await?
        .ok_or(StoreError::NotFound)?;
    let review = population::of_household(&mut *tx, household_id).await?;
    if !matches!(review.stage(), ReviewStage::Posted { .. }) {
        return Err(Refusal::ListNotPosted.into());
    }
    let step = Step::Object {
        by: by.to_string(),
        content: content.to_string(),
    };
    let (_, reference) = population::take(
        tx,
        "公众",
        &Scope::All,
        household_id,
        step,
        today,
        Some(client_key),
    )
    .await?;
    reference.ok_or(StoreError::NotFound)
}

/// The reference numbers of a household's objections, by index.
pub async fn of_household(
    conn: impl Into<Conn<'_>>,
    household_id: i64,
) -> StoreResult<HashMap<usize, String>> {
    let mut conn = conn.into();
    let rows: Vec<(i64, String)> = on_conn!(&mut conn, |c| sqlx::query_as(
        "SELECT objection, reference FROM relocation_objections WHERE household_id = $1"
    )
    .bind(household_id)
    .fetch_all(&mut *c)
    .await?);
    Ok(rows
        .into_iter()
        .filter_map(|(i, r)| Some((usize::try_from(i).ok()?, r)))
        .collect())
}

/// What the public lookup of an objection shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicObjection {
    /// The reference number.
    pub reference: String,
    /// The household objected to.
    pub household_code: String,
    /// The day lodged.
    pub lodged_on: NaiveDate,
    /// 处理中, 异议成立 or 异议不成立.
    pub state: &'static str,
    /// The day decided.
    pub resolved_on: Option<NaiveDate>,
    /// What was decided (the correction or the reason for dismissing).
    pub resolution: String,
}

/// The objection with `reference` to a list of project `project_id`, if any.
pub async fn public_status(
    conn: impl Into<Conn<'_>>,
    project_id: i64,
    reference: ObjectionReference,
) -> StoreResult<Option<PublicObjection>> {
    let mut conn = conn.into();
    let row: Option<(i64, i64, String)> = on_conn!(&mut conn, |c| sqlx::query_as(
        "SELECT o.household_id, o.objection, h.code FROM relocation_objections o
         JOIN relocation_households h ON h.id = o.household_id
         WHERE o.reference = $1 AND h.project_id = $2"
    )
    .bind(reference.to_string())
    .bind(project_id)
    .fetch_optional(&mut *c)
    .await?);
    let Some((household_id, index, household_code)) = row else {
        return Ok(None);
    };
    let review = population::of_household(&mut conn, household_id).await?;
    let objection = usize::try_from(index)
        .ok()
        .and_then(|i| review.objections().get(i))
        .ok_or_else(|| StoreError::corrupt(format!("异议{reference}在核定记录中不存在")))?;
    let (state, resolved_on, resolution) = match &objection.resolved {
        None => ("处理中", None, String::new()),
        Some(r) => match &r.resolution {
            Resolution::Upheld { note } => ("异议成立", Some(r.on), note.clone()),
            Resolution::Dismissed { reason } => ("异议不成立", Some(r.on), reason.clone()),
        },
    };
    Ok(Some(PublicObjection {
        reference: reference.to_string(),
        household_code,
        lodged_on: objection.lodged_on,
        state,
        resolved_on,
        resolution,
    }))
}
