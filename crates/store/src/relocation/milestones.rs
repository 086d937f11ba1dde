//! Recording and undoing a household's milestones (签约, 腾空, 拆除, 清表).
//!
//! The order is enforced by [`domain::relocation::MilestoneDates`]: nothing is vacated
//! before it is signed, no date precedes the previous milestone's, and only the latest
//! milestone can be undone. Signing fixes the agreement, vacating may add the vacating
//! reward to it, and every change moves the wall's counters in the same transaction.

use super::households::{self, Household};
use super::{HOUSEHOLDS, Scope, agreements, day_text, wall};
use crate::audit;
use crate::db::Tx;
use crate::error::{Refusal, StoreResult};
use crate::on_tx;
use chrono::{DateTime, NaiveDate, Utc};
use domain::platform::time::today_local;
use domain::relocation::{CompensationOption, Milestone};

/// SET clause writing a milestone's three columns from `$1`, `$2`, `$3`.
fn set_clause(m: Milestone) -> String {
    let c = m.code();
    format!("{c}_on = $1, {c}_at = $2, {c}_by = $3")
}

/// Records that household `household_id` reached `m` on `on`, at the moment `at`, and
/// returns the household as it was before (its project id tells the wall what changed).
/// A signing fixes the agreement for `option` (cash or property exchange; other
/// milestones ignore it).
#[allow(clippy::too_many_arguments)]
pub async fn record(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    household_id: i64,
    m: Milestone,
    on: NaiveDate,
    at: DateTime<Utc>,
    option: CompensationOption,
) -> StoreResult<Household> {
    if on > today_local() {
        return Err(Refusal::MilestoneInFuture(m.label()).into());
    }
    let h = households::get(&mut *tx, scope, household_id).await?;
    let mut dates = h.milestones;
    dates.record(m, on)?;
    if m == Milestone::Signed {
        agreements::fix(tx, actor, &h, on, option).await?;
    }
    write(tx, actor, &h, m, Some((on, at, actor)), m.code()).await?;
    if m == Milestone::Vacated {
        agreements::set_vacated(tx, actor, h.id, Some(on)).await?;
    }
    wall::add_progress(
        tx,
        h.project_id,
        h.team_id,
        h.person_id,
        wall::Contribution::milestone(m),
    )
    .await?;
    wall::add_daily(tx, h.project_id, m.code(), on, 1).await?;
    Ok(h)
}

/// Undoes the household's latest milestone `m` (a wrong entry; the audit log keeps it).
pub async fn undo(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    household_id: i64,
    m: Milestone,
) -> StoreResult<Household> {
    let h = households::get(&mut *tx, scope, household_id).await?;
    let Some(on) = h.milestones.get(m) else {
        return Err(Refusal::MilestoneNotRecorded(m.label()).into());
    };
    let mut dates = h.milestones;
    dates.undo(m)?;
    match m {
        Milestone::Signed => agreements::cancel(tx, actor, h.id).await?,
        Milestone::Vacated => agreements::set_vacated(tx, actor, h.id, None).await?,
        _ => {}
    }
    let action = format!("undo_{}", m.code());
    write(tx, actor, &h, m, None, &action).await?;
    let share = wall::Contribution::milestone(m).negated();
    wall::add_progress(tx, h.project_id, h.team_id, h.person_id, share).await?;
    wall::add_daily(tx, h.project_id, m.code(), on, -1).await?;
    Ok(h)
}

async fn write(
    tx: &mut Tx,
    actor: &str,
    h: &Household,
    m: Milestone,
    value: Option<(NaiveDate, DateTime<Utc>, &str)>,
    action: &str,
) -> StoreResult<()> {
    let sql = format!(
        "UPDATE relocation_households SET {} WHERE id = $4",
        set_clause(m)
    );
    let change = audit::Change::begin(tx, &HOUSEHOLDS, h.id).await?;
    on_tx!(tx, |c| sqlx::query(crate::dynamic(&sql))
        .bind(value.map(|(on, _, _)| day_text(on)))
        .bind(value.map(|(_, at, _)| crate::timestamp_text(at)))
        .bind(value.map(|(_, _, by)| by.to_string()))
        .bind(h.id)
        .execute(&mut *c)
        .await
        .map(|_| ())?);
    change.finish(tx, actor, action).await
}
