//! Households (被征收户): who they are, where they live, who works on them, and the
//! milestones they have reached.

mod list;

pub use list::{HouseholdFilter, HouseholdRow, HouseholdSort, Stage, list};

use super::projects::Project;
use super::{HOUSEHOLDS, Scope, corrupt, parse_day, wall};
use crate::audit::{self, AuditedTable};
use crate::db::Conn;
use crate::db::Tx;
use crate::error::{Refusal, StoreError, StoreResult};
use crate::on_conn;
use crate::query::{self, AnyRow};
use crate::sql::Bind;
use chrono::{DateTime, NaiveDate, Utc};
use domain::platform::Mobile;
use domain::relocation::{HeadId, HouseholdKind, Milestone, MilestoneDates, Residence};
use serde::Serialize;

/// Who recorded a milestone, for when, and when it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MilestoneRecord {
    /// The day it happened.
    pub on: NaiveDate,
    /// The moment it happened (the choosing order compares moments, not days).
    pub at: DateTime<Utc>,
    /// Username of who recorded it.
    pub by: String,
}

/// A household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Household {
    /// Database id.
    pub id: i64,
    /// The project.
    pub project_id: i64,
    /// Code unique in the project (户编号), printed on the agreement and the posting.
    pub code: String,
    /// Residential or enterprise.
    pub kind: HouseholdKind,
    /// Head's name, or the enterprise's name.
    pub head_name: String,
    /// Head's resident ID, or the enterprise's credit code (checked when written).
    pub head_id: String,
    /// Mobile, if known.
    pub mobile: Option<String>,
    /// Village (村).
    pub village: String,
    /// Group within the village (组).
    pub village_group: String,
    /// Where they live now.
    pub residence: Residence,
    /// Notes on their concerns (诉求), for the visitors and the nightly meeting.
    pub concerns: String,
    /// Flagged as a difficult case (难点户).
    pub difficult: bool,
    /// Assigned working group.
    pub team_id: Option<i64>,
    /// Assigned responsible person.
    pub person_id: Option<i64>,
    /// The milestone dates, consistent by construction.
    pub milestones: MilestoneDates,
    /// Details of each recorded milestone, in the order of [`Milestone::ALL`].
    pub records: [Option<MilestoneRecord>; 4],
}

impl Household {
    /// The details of milestone `m`, if recorded.
    pub fn record(&self, m: Milestone) -> Option<&MilestoneRecord> {
        self.records[index(m)].as_ref()
    }
}

/// Position of a milestone in [`Milestone::ALL`] (and in `records`).
pub(crate) fn index(m: Milestone) -> usize {
    match m {
        Milestone::Signed => 0,
        Milestone::Vacated => 1,
        Milestone::Demolished => 2,
        Milestone::Cleared => 3,
    }
}

/// The household columns, prefixed `h.`, in [`HouseholdDbRow`] order.
pub(crate) const COLUMNS: &str = "h.id, h.project_id, h.code, h.kind, h.head_name, h.head_id, \
    h.mobile, h.village, h.village_group, h.residence, h.in_town, h.province, h.concerns, \
    h.difficult, h.team_id, h.person_id, h.signed_on, h.signed_at, h.signed_by, h.vacated_on, \
    h.vacated_at, h.vacated_by, h.demolished_on, h.demolished_at, h.demolished_by, \
    h.cleared_on, h.cleared_at, h.cleared_by";

#[derive(sqlx::FromRow)]
pub(crate) struct HouseholdDbRow {
    id: i64,
    project_id: i64,
    code: String,
    kind: String,
    head_name: String,
    head_id: String,
    mobile: Option<String>,
    village: String,
    village_group: String,
    residence: String,
    in_town: bool,
    province: Option<String>,
    concerns: String,
    difficult: bool,
    team_id: Option<i64>,
    person_id: Option<i64>,
    signed_on: Option<String>,
    signed_at: Option<String>,
    signed_by: Option<String>,
    vacated_on: Option<String>,
    vacated_at: Option<String>,
    vacated_by: Option<String>,
    demolished_on: Option<String>,
    demolished_at: Option<String>,
    demolished_by: Option<String>,
    cleared_on: Option<String>,
    cleared_at: Option<String>,
    cleared_by: Option<String>,
}

fn milestone_record(
    on: Option<String>,
    at: Option<String>,
    by: Option<String>,
) -> StoreResult<Option<MilestoneRecord>> {
    let Some(on) = parse_day(on.as_deref(), "节点日期")? else {
        return Ok(None);
    };
    let at = match at {
        Some(t) => crate::parse_timestamp(&t).ok_or_else(|| corrupt("节点时间", &t))?,
        None => on
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc())
            .ok_or_else(|| corrupt("节点日期", &on.to_string()))?,
    };
    Ok(Some(MilestoneRecord {
        on,
        at,
        by: by.unwrap_or_default(),
    }))
}

impl HouseholdDbRow {
    pub(crate) fn into_household(self) -> StoreResult<Household> {
        let records = [
            milestone_record(self.signed_on, self.signed_at, self.signed_by)?,
            milestone_record(self.vacated_on, self.vacated_at, self.vacated_by)?,
            milestone_record(self.demolished_on, self.demolished_at, self.demolished_by)?,
            milestone_record(self.cleared_on, self.cleared_at, self.cleared_by)?,
        ];
        let on = |i: usize| records[i].as_ref().map(|r| r.on);
        let milestones = MilestoneDates::from_dates(on(0), on(1), on(2), on(3))
            .map_err(|e| StoreError::corrupt(format!("户{}的节点日期不一致（{e}）", self.code)))?;
        Ok(Household {
            kind: HouseholdKind::parse(&self.kind).ok_or_else(|| corrupt("户类型", &self.kind))?,
            residence: Residence {
                address: self.residence,
                in_town: self.in_town,
                province: self.province,
            },
            id: self.id,
            project_id: self.project_id,
            code: self.code,
            head_name: self.head_name,
            head_id: self.head_id,
            mobile: self.mobile,
            village: self.village,
            village_group: self.village_group,
            concerns: self.concerns,
            difficult: self.difficult,
            team_id: self.team_id,
            person_id: self.person_id,
            milestones,
            records,
        })
    }
}

/// A household with the town of its project, which decides the commander's scope.
pub(crate) async fn load(
    conn: impl Into<Conn<'_>>,
    id: i64,
) -> StoreResult<Option<(Household, String)>> {
    let mut conn = conn.into();
    let sql = format!(
        "SELECT {COLUMNS}, p.town FROM relocation_households h
         JOIN relocation_projects p ON p.id = h.project_id WHERE h.id = $1"
    );
    let row = on_conn!(&mut conn, |c| {
        let row = sqlx::query(crate::dynamic(&sql))
            .bind(id)
            .fetch_optional(&mut *c)
            .await?;
        match row {
            Some(r) => {
                use sqlx::{FromRow, Row};
                let town: String = r.try_get("town")?;
                Some((HouseholdDbRow::from_row(&r)?, town))
            }
            None => None,
        }
    });
    match row {
        Some((h, town)) => Ok(Some((h.into_household()?, town))),
        None => Ok(None),
    }
}

/// A household, if the scope sees it; otherwise [`StoreError::NotFound`].
pub async fn get(conn: impl Into<Conn<'_>>, scope: &Scope, id: i64) -> StoreResult<Household> {
    let mut conn = conn.into();
    match load(&mut conn, id).await? {
        Some((h, town)) if scope.sees_household(&town, h.team_id) => Ok(h),
        _ => Err(StoreError::NotFound),
    }
}

/// Begins the change of record `id` of `table` (one of a household's members,
/// buildings …) once the household it belongs to is found in the scope (otherwise
/// [`StoreError::NotFound`]): a change of such a record changes the household's file, so
/// it is scoped like the household.
pub(crate) async fn change_record<'t>(
    tx: &mut Tx,
    scope: &Scope,
    table: &'t AuditedTable,
    id: i64,
) -> StoreResult<audit::Change<'t>> {
    record_household(tx, scope, table, id).await?;
    audit::Change::begin(tx, table, id).await
}

/// The household that record `id` of `table` (one of a household's members, stays, care
/// actions …) belongs to, once found in the scope (otherwise [`StoreError::NotFound`]).
pub(crate) async fn record_household(
    tx: &mut Tx,
    scope: &Scope,
    table: &AuditedTable,
    id: i64,
) -> StoreResult<i64> {
    let sql = format!("SELECT household_id FROM {} WHERE id = $1", table.table);
    let household_id: Option<i64> = query::value(&mut *tx, &sql, &[id.into()]).await?;
    let household_id = household_id.ok_or(StoreError::NotFound)?;
    get(&mut *tx, scope, household_id).await?;
    Ok(household_id)
}

/// Removes record `id` of `table` entered by mistake, once its household is found in the
/// scope, and logs the deletion; returns the household (to go back to its page).
pub(crate) async fn remove_record(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    table: &AuditedTable,
    id: i64,
) -> StoreResult<i64> {
    let household_id = record_household(tx, scope, table, id).await?;
    audit::delete(tx, actor, table, id).await?;
    Ok(household_id)
}

/// The id of household `household_id`'s record in `table` whose natural key `column`
/// (an item's description, a certificate number, a resident ID) is `key`.
pub(crate) async fn record_id(
    tx: &mut Tx,
    table: &AuditedTable,
    column: &str,
    household_id: i64,
    key: &str,
) -> StoreResult<Option<i64>> {
    let sql = format!(
        "SELECT id FROM {} WHERE household_id = $1 AND {column} = $2",
        table.table
    );
    query::value(&mut *tx, &sql, &[household_id.into(), key.into()]).await
}

/// What `select` (a `SELECT … FROM` one of the tables of a household's records: members,
/// buildings, appraisal items) gives for household `household_id`, in entry order.
pub(crate) async fn records_of<R: AnyRow, T>(
    conn: impl Into<Conn<'_>>,
    select: &str,
    household_id: i64,
    decode: impl FnMut(R) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let sql = format!("{select} WHERE household_id = $1 ORDER BY id");
    query::rows(conn, &sql, &[household_id.into()], decode).await
}

/// What `select` gives for every household of project `project_id`, by household, then
/// in entry order (for postings and reports).
pub(crate) async fn records_of_project<R: AnyRow, T>(
    conn: impl Into<Conn<'_>>,
    select: &str,
    project_id: i64,
    decode: impl FnMut(R) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let sql = format!(
        "{select} WHERE household_id IN (SELECT id FROM relocation_households WHERE project_id = $1)
         ORDER BY household_id, id"
    );
    query::rows(conn, &sql, &[project_id.into()], decode).await
}

/// A household by its code in a project: import rows name households by code, not id.
pub async fn id_by_code(tx: &mut Tx, project_id: i64, code: &str) -> StoreResult<Option<i64>> {
    let id: Option<i64> = query::value(
        &mut *tx,
        "SELECT id FROM relocation_households WHERE project_id = $1 AND code = $2",
        &[Bind::Int(project_id), Bind::Text(code.trim().to_string())],
    )
    .await?;
    Ok(id)
}

/// What a form or an import says about a household, already parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdFields {
    /// Code unique in the project.
    pub code: String,
    /// Residential or enterprise.
    pub kind: HouseholdKind,
    /// Head's or enterprise's name.
    pub head_name: String,
    /// Resident ID or credit code, matching `kind`.
    pub head_id: HeadId,
    /// Mobile.
    pub mobile: Option<Mobile>,
    /// Village.
    pub village: String,
    /// Group in the village.
    pub village_group: String,
    /// Where they live now.
    pub residence: Residence,
}

fn check(f: &HouseholdFields) -> StoreResult<()> {
    let code = f.code.trim();
    if code.is_empty() || code.chars().count() > 40 {
        return Err(StoreError::from(Refusal::HouseholdCodeInvalid));
    }
    if f.head_name.trim().is_empty() {
        return Err(StoreError::from(Refusal::HeadNameMissing));
    }
    let kind_matches = matches!(
        (&f.head_id, f.kind),
        (HeadId::Person(_), HouseholdKind::Residential)
            | (HeadId::Enterprise(_), HouseholdKind::Enterprise)
    );
    if !kind_matches {
        return Err(StoreError::from(Refusal::HeadIdDoesNotFitKind));
    }
    Ok(())
}

/// Creates the household of `project` with code `f.code`, or updates it if the code
/// exists (the natural key). Returns its id and whether it was created.
pub async fn upsert(
    tx: &mut Tx,
    actor: &str,
    project: &Project,
    f: &HouseholdFields,
) -> StoreResult<(i64, bool)> {
    check(f)?;
    // What both the UPDATE and the INSERT write, in this order.
    let fields: [Bind; 9] = [
        f.kind.code().into(),
        f.head_name.trim().into(),
        f.head_id.as_str().into(),
        f.mobile.as_ref().map(|m| m.as_str()).into(),
        f.village.trim().into(),
        f.village_group.trim().into(),
        Bind::from(&f.residence.address),
        f.residence.in_town.into(),
        Bind::from(&f.residence.province),
    ];
    let existing = id_by_code(tx, project.id, &f.code).await?;
    let (id, created) = audit::upsert(
        tx,
        actor,
        &HOUSEHOLDS,
        existing,
        audit::UpdateLog::IfChanged,
        async |tx, id| {
            query::execute(
                tx,
                "UPDATE relocation_households SET kind = $1, head_name = $2, head_id = $3,
                     mobile = $4, village = $5, village_group = $6, residence = $7, in_town = $8,
                     province = $9
                 WHERE id = $10",
                &[&fields[..], &[id.into()]].concat(),
            )
            .await
        },
        async |tx| {
            let key = [project.id.into(), f.code.trim().into()];
            query::one(
                tx,
                "INSERT INTO relocation_households (project_id, code, kind, head_name, head_id,
                     mobile, village, village_group, residence, in_town, province, created_at,
                     concerns, difficult)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, '', FALSE)
                 RETURNING id",
                &[&key[..], &fields[..], &[crate::now_text().into()]].concat(),
            )
            .await
        },
    )
    .await?;
    if created {
        wall::add_progress(tx, project.id, None, None, wall::Contribution::household()).await?;
    }
    Ok((id, created))
}

/// Assigns a household to a group and a responsible person (or clears the assignment),
/// moving its share of the wall's counters with it.
pub async fn assign(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    household_id: i64,
    team_id: Option<i64>,
    person_id: Option<i64>,
) -> StoreResult<()> {
    let h = get(&mut *tx, scope, household_id).await?;
    super::teams::check_assignment(tx, h.project_id, team_id, person_id).await?;
    if h.team_id == team_id && h.person_id == person_id {
        return Ok(());
    }
    let change = audit::Change::begin(tx, &HOUSEHOLDS, h.id).await?;
    query::execute(
        &mut *tx,
        "UPDATE relocation_households SET team_id = $1, person_id = $2 WHERE id = $3",
        &[team_id.into(), person_id.into(), h.id.into()],
    )
    .await?;
    change.finish(tx, actor, "assign").await?;
    let share = wall::Contribution::of(&h.milestones);
    wall::add_progress(tx, h.project_id, h.team_id, h.person_id, share.negated()).await?;
    wall::add_progress(tx, h.project_id, team_id, person_id, share).await
}

/// Updates the notes on a household's concerns and its difficult-case flag.
pub async fn set_concerns(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    household_id: i64,
    concerns: &str,
    difficult: bool,
) -> StoreResult<()> {
    let h = get(&mut *tx, scope, household_id).await?;
    if concerns.chars().count() > 2000 {
        return Err(StoreError::from(Refusal::ConcernsTooLong));
    }
    let change = audit::Change::begin(tx, &HOUSEHOLDS, h.id).await?;
    query::execute(
        &mut *tx,
        "UPDATE relocation_households SET concerns = $1, difficult = $2 WHERE id = $3",
        &[concerns.trim().into(), difficult.into(), h.id.into()],
    )
    .await?;
    change.finish(tx, actor, "concerns").await
}
