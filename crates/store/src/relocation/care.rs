//! Care for the households (群众关怀): temporary housing (过渡安置: where, from, until,
//! months of transition subsidy) and care actions (help with moving, harvesting crops 青苗,
//! other help: the day, who helped, a note). The rules are the domain's
//! [`domain::relocation::care`]; every write is audited and checks the household is in the
//! writer's scope.

use super::{CARE_ACTIONS, Scope, TEMPORARY_HOUSING, corrupt, day_text, households, parse_day};
use crate::audit;
use crate::db::{Conn, Tx};
use crate::error::{StoreError, StoreResult};
use crate::query;
use crate::sql::Bind;
use chrono::NaiveDate;
use domain::relocation::care::{self, CareKind, TemporaryHousing};
use serde::Serialize;

/// A stay in temporary housing, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stay {
    /// Database id.
    pub id: i64,
    /// The household.
    pub household_id: i64,
    /// Where, from, until, subsidy months.
    #[serde(flatten)]
    pub housing: StayFields,
    /// A note.
    pub note: String,
    /// Who recorded it.
    pub recorded_by: String,
}

/// The checked fields of a stay, serialisable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StayFields {
    /// Where.
    pub place: String,
    /// Moved in.
    pub from: NaiveDate,
    /// Expected to leave.
    pub until: NaiveDate,
    /// Months of transition subsidy.
    pub subsidy_months: u32,
}

impl From<&TemporaryHousing> for StayFields {
    fn from(t: &TemporaryHousing) -> StayFields {
        StayFields {
            place: t.place.clone(),
            from: t.from,
            until: t.until,
            subsidy_months: t.subsidy_months,
        }
    }
}

impl Stay {
    /// Whether the household is still there after its until-date on `today`.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        care::overdue(self.housing.until, today)
    }
}

/// A care action, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CareAction {
    /// Database id.
    pub id: i64,
    /// The household.
    pub household_id: i64,
    /// What kind of help.
    pub kind: CareKind,
    /// The day.
    pub on: NaiveDate,
    /// Who helped.
    pub helpers: String,
    /// A note.
    pub note: String,
    /// Who recorded it.
    pub recorded_by: String,
}

type StayRow = (i64, i64, String, String, String, i64, String, String);

fn stay_of(r: StayRow) -> StoreResult<Stay> {
    let (id, household_id, place, from, until, months, note, recorded_by) = r;
    let day = |t: &str, what: &str| parse_day(Some(t), what)?.ok_or(StoreError::NotFound);
    Ok(Stay {
        id,
        household_id,
        housing: StayFields {
            place,
            from: day(&from, "过渡开始日期")?,
            until: day(&until, "过渡截止日期")?,
            subsidy_months: u32::try_from(months)
                .map_err(|_| corrupt("过渡补助月数", &months.to_string()))?,
        },
        note,
        recorded_by,
    })
}

const STAYS: &str = "SELECT id, household_id, place, from_on, until_on, subsidy_months, note, \
    recorded_by FROM relocation_temporary_housing";

/// A household's stays in temporary housing, latest first.
pub async fn stays(conn: impl Into<Conn<'_>>, household_id: i64) -> StoreResult<Vec<Stay>> {
    let sql = format!("{STAYS} WHERE household_id = $1 ORDER BY from_on DESC, id DESC");
    query::rows(conn, &sql, &[household_id.into()], stay_of).await
}

/// Records a household's stay in temporary housing, or (`stay_id`) corrects one; returns
/// its id.
pub async fn save_stay(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    household_id: i64,
    stay_id: Option<i64>,
    stay: &TemporaryHousing,
    note: &str,
) -> StoreResult<i64> {
    households::get(&mut *tx, scope, household_id).await?;
    // place, from_on, until_on, subsidy_months, note: written alike by both statements.
    let fields = [
        Bind::from(&stay.place),
        day_text(stay.from).into(),
        day_text(stay.until).into(),
        i64::from(stay.subsidy_months).into(),
        note.trim().into(),
    ];
    if let Some(id) = stay_id {
        if households::record_household(tx, scope, &TEMPORARY_HOUSING, id).await? != household_id {
            return Err(StoreError::NotFound);
        }
        let change = audit::Change::begin(tx, &TEMPORARY_HOUSING, id).await?;
        query::execute(
            &mut *tx,
            "UPDATE relocation_temporary_housing SET place = $1, from_on = $2, until_on = $3,
                 subsidy_months = $4, note = $5 WHERE id = $6",
            &[&fields[..], &[id.into()]].concat(),
        )
        .await?;
        change.finish_if_changed(tx, actor, "update").await?;
        return Ok(id);
    }
    audit::insert(
        tx,
        actor,
        &TEMPORARY_HOUSING,
        "INSERT INTO relocation_temporary_housing
             (household_id, place, from_on, until_on, subsidy_months, note, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        &[
            &[household_id.into()][..],
            &fields,
            &[actor.into(), crate::now_text().into()],
        ]
        .concat(),
    )
    .await
}

/// Removes a stay recorded by mistake; returns its household.
pub async fn remove_stay(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    stay_id: i64,
) -> StoreResult<i64> {
    households::remove_record(tx, actor, scope, &TEMPORARY_HOUSING, stay_id).await
}

type ActionRow = (i64, i64, String, String, String, String, String);

fn action_of(r: ActionRow) -> StoreResult<CareAction> {
    let (id, household_id, kind, on, helpers, note, recorded_by) = r;
    Ok(CareAction {
        id,
        household_id,
        kind: CareKind::parse(&kind).ok_or_else(|| corrupt("帮扶类别", &kind))?,
        on: parse_day(Some(&on), "帮扶日期")?.ok_or(StoreError::NotFound)?,
        helpers,
        note,
        recorded_by,
    })
}

/// A household's care actions, latest first.
pub async fn actions(conn: impl Into<Conn<'_>>, household_id: i64) -> StoreResult<Vec<CareAction>> {
    query::rows(
        conn,
        "SELECT id, household_id, kind, done_on, helpers, note, recorded_by
         FROM relocation_care_actions WHERE household_id = $1 ORDER BY done_on DESC, id DESC",
        &[household_id.into()],
        action_of,
    )
    .await
}

/// Records a care action done on `on` (no later than `today`); returns its id.
#[allow(clippy::too_many_arguments)]
pub async fn add_action(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    household_id: i64,
    kind: CareKind,
    on: NaiveDate,
    helpers: &str,
    note: &str,
    today: NaiveDate,
) -> StoreResult<i64> {
    households::get(&mut *tx, scope, household_id).await?;
    care::check_action(helpers, on, today)?;
    audit::insert(
        tx,
        actor,
        &CARE_ACTIONS,
        "INSERT INTO relocation_care_actions
             (household_id, kind, done_on, helpers, note, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        &[
            household_id.into(),
            kind.code().into(),
            day_text(on).into(),
            helpers.trim().into(),
            note.trim().into(),
            actor.into(),
            crate::now_text().into(),
        ],
    )
    .await
}

/// Removes a care action recorded by mistake; returns its household.
pub async fn remove_action(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    action_id: i64,
) -> StoreResult<i64> {
    households::remove_record(tx, actor, scope, &CARE_ACTIONS, action_id).await
}

/// A stay with its household, for the project's list of temporary housing.
#[derive(Debug, Clone)]
pub struct ProjectStay {
    /// Household code.
    pub code: String,
    /// Head of household.
    pub head_name: String,
    /// The stay.
    pub stay: Stay,
}

/// Household code, head, town and group, then the stay's columns.
type ProjectStayRow = (
    String,
    String,
    String,
    Option<i64>,
    i64,
    i64,
    String,
    String,
    String,
    i64,
    String,
    String,
);

/// Every stay of a project's households in the scope, the earliest until-date first.
pub async fn project_stays(
    conn: impl Into<Conn<'_>>,
    scope: &Scope,
    project_id: i64,
) -> StoreResult<Vec<ProjectStay>> {
    let rows: Vec<ProjectStayRow> = query::rows(
        conn,
        "SELECT h.code, h.head_name, p.town, h.team_id, s.id, s.household_id, s.place,
                    s.from_on, s.until_on, s.subsidy_months, s.note, s.recorded_by
             FROM relocation_temporary_housing s
             JOIN relocation_households h ON h.id = s.household_id
             JOIN relocation_projects p ON p.id = h.project_id
             WHERE h.project_id = $1 ORDER BY s.until_on, h.code, s.id",
        &[project_id.into()],
        Ok,
    )
    .await?;
    let mut out = Vec::new();
    for (code, head_name, town, team, id, hid, place, from, until, months, note, by) in rows {
        if !scope.sees_household(&town, team) {
            continue;
        }
        out.push(ProjectStay {
            code,
            head_name,
            stay: stay_of((id, hid, place, from, until, months, note, by))?,
        });
    }
    Ok(out)
}
