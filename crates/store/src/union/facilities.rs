//! Union facilities (工人文化宫、职工之家、爱心驿站、妈咪暖心小屋): the registry, each status
//! change kept as history, the advanced-workers'-home awards, and the year's figures.

use super::Scope;
use super::codes;
use super::services::{check_scope, from_code};
use super::services::{page, scoped_row};
use super::sql::{Bind, Where};
use crate::audit::{self, AuditedTable};
use crate::db::{Conn, Db, Tx};
use crate::error::StoreResult;
use crate::query;
use chrono::NaiveDate;
use domain::platform::{Fen, SquareMetres};
use domain::union::facility::{AwardLevel, FacilityKind, FacilityStatus, check_award};
use domain::union::rights::RightsError;
use domain::union::township::Township;
use serde::Serialize;

/// The facilities table as audited.
pub const FACILITIES: AuditedTable = AuditedTable {
    entity: "union_facility",
    table: "union_facilities",
    secret_columns: &[],
};

/// The status history as audited.
pub const STATUSES: AuditedTable = AuditedTable {
    entity: "union_facility_status",
    table: "union_facility_statuses",
    secret_columns: &[],
};

/// The awards as audited.
pub const AWARDS: AuditedTable = AuditedTable {
    entity: "union_facility_award",
    table: "union_facility_awards",
    secret_columns: &[],
};

/// A facility as pages and exports see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facility {
    /// Database id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: FacilityKind,
    /// Township.
    pub township: Township,
    /// The union it belongs to, if any.
    pub union_id: Option<i64>,
    /// That union's name.
    pub union_name: Option<String>,
    /// Floor area.
    pub area: SquareMetres,
    /// Investment.
    pub investment: Fen,
    /// Current status.
    pub status: FacilityStatus,
    /// Since when.
    pub status_since: NaiveDate,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    name: String,
    kind: String,
    township: String,
    union_id: Option<i64>,
    union_name: Option<String>,
    area: i64,
    investment: i64,
    status: String,
    status_since: String,
}

fn decode(r: Row) -> StoreResult<Facility> {
    Ok(Facility {
        id: r.id,
        name: r.name,
        kind: from_code(FacilityKind::ALL, FacilityKind::code, &r.kind)?,
        township: codes::township(&r.township)?,
        union_id: r.union_id,
        union_name: r.union_name,
        area: SquareMetres(r.area),
        investment: Fen(r.investment),
        status: from_code(FacilityStatus::ALL, FacilityStatus::code, &r.status)?,
        status_since: codes::stored_date(&r.status_since)?,
    })
}

const SELECT: &str = "SELECT f.id, f.name, f.kind, f.township, f.union_id, u.name AS union_name,
    f.area, f.investment, f.status, f.status_since
    FROM union_facilities f LEFT JOIN unions u ON u.id = f.union_id";

/// What a form or an import row gives for a facility.
#[derive(Debug, Clone)]
pub struct FacilityInput {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: FacilityKind,
    /// Township.
    pub township: Township,
    /// The union it belongs to, if any.
    pub union_id: Option<i64>,
    /// Floor area.
    pub area: SquareMetres,
    /// Investment.
    pub investment: Fen,
}

/// Filters of the facility list.
#[derive(Debug, Clone, Default)]
pub struct FacilityFilter {
    /// Part of the name.
    pub q: Option<String>,
    /// One kind.
    pub kind: Option<FacilityKind>,
    /// One status.
    pub status: Option<FacilityStatus>,
    /// One township (ignored beyond the caller's scope).
    pub township: Option<Township>,
}

fn filter_sql(scope: Scope, f: &FacilityFilter) -> Where {
    let mut w = Where::default();
    w.push_some("f.township = ?", scope.township_code());
    w.push_some("f.township = ?", f.township.map(|t| t.code()));
    w.push_some("f.kind = ?", f.kind.map(|k| k.code()));
    w.push_some("f.status = ?", f.status.map(|s| s.code()));
    w.push_search("f.name LIKE ? ESCAPE '\\'", f.q.as_deref());
    w
}

/// A page of facilities in scope (township order, then name) and how many match.
pub async fn list(
    db: &Db,
    scope: Scope,
    f: &FacilityFilter,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<Facility>, i64)> {
    page(
        db,
        (
            &format!("{SELECT} JOIN townships t ON t.code = f.township"),
            "SELECT COUNT(*) FROM union_facilities f",
        ),
        &filter_sql(scope, f),
        "t.position, f.name, f.id",
        (limit, offset),
        decode,
    )
    .await
}

/// One facility; not found outside the scope.
pub async fn get(conn: impl Into<Conn<'_>>, scope: Scope, id: i64) -> StoreResult<Facility> {
    let sql = format!("{SELECT} WHERE f.id = $1");
    scoped_row(conn, scope, &sql, id, decode, |f: &Facility| f.township).await
}

/// The id of the facility of this name in this township (the import's natural key).
pub async fn find(tx: &mut Tx, name: &str, township: Township) -> StoreResult<Option<i64>> {
    query::value(
        tx,
        "SELECT id FROM union_facilities WHERE name = $1 AND township = $2",
        &[name.into(), township.code().into()],
    )
    .await
}

fn missing_name(input: &FacilityInput) -> StoreResult<()> {
    if input.name.trim().is_empty() {
        return Err(RightsError::Missing("阵地名称").into());
    }
    Ok(())
}

/// The registry fields (name, kind, township, union, area, investment) in the column
/// order both `create` and `update` write them.
fn registry_fields(input: &FacilityInput) -> [Bind; 6] {
    [
        input.name.trim().into(),
        input.kind.code().into(),
        input.township.code().into(),
        input.union_id.into(),
        input.area.0.into(),
        input.investment.0.into(),
    ]
}

/// Registers a facility with its first status (audited, the status kept as history).
pub async fn create(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    input: &FacilityInput,
    status: FacilityStatus,
    since: NaiveDate,
) -> StoreResult<i64> {
    check_scope(scope, input.township)?;
    missing_name(input)?;
    let now = crate::now_text();
    let id = audit::insert(
        tx,
        actor,
        &FACILITIES,
        "INSERT INTO union_facilities (name, kind, township, union_id, area, investment, status, status_since, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        &[
            &registry_fields(input)[..],
            &[
                status.code().into(),
                codes::date_text(since).into(),
                now.into(),
            ],
        ]
        .concat(),
    )
    .await?;
    record_status(tx, actor, id, status, since).await?;
    Ok(id)
}

async fn record_status(
    tx: &mut Tx,
    actor: &str,
    id: i64,
    status: FacilityStatus,
    on: NaiveDate,
) -> StoreResult<()> {
    audit::insert(
        tx,
        actor,
        &STATUSES,
        "INSERT INTO union_facility_statuses (facility_id, status, changed_on, created_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
        &[
            id.into(),
            status.code().into(),
            codes::date_text(on).into(),
            crate::now_text().into(),
        ],
    )
    .await?;
    Ok(())
}

/// Changes a facility's registry fields (not its status); township staff cannot move it
/// away. Logged only if something changed.
pub async fn update(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    id: i64,
    input: &FacilityInput,
) -> StoreResult<()> {
    get(&mut *tx, scope, id).await?;
    check_scope(scope, input.township)?;
    missing_name(input)?;
    let change = audit::Change::begin(tx, &FACILITIES, id).await?;
    query::execute(
        &mut *tx,
        "UPDATE union_facilities SET name = $1, kind = $2, township = $3, union_id = $4, area = $5,
         investment = $6, updated_at = $7 WHERE id = $8",
        &[
            &registry_fields(input)[..],
            &[crate::now_text().into(), id.into()],
        ]
        .concat(),
    )
    .await?;
    change.finish_if_changed(tx, actor, "update").await
}

/// Moves a facility to a new status on `on` (the domain checks the step and the date).
pub async fn change_status(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    id: i64,
    to: FacilityStatus,
    on: NaiveDate,
) -> StoreResult<()> {
    let f = get(&mut *tx, scope, id).await?;
    let to = f
        .status
        .change(f.status_since, to, on)
        .map_err(RightsError::from)?;
    audit::update(
        tx,
        actor,
        (&FACILITIES, id),
        "status",
        "UPDATE union_facilities SET status = $1, status_since = $2, updated_at = $3 WHERE id = $4",
        &[
            to.code().into(),
            codes::date_text(on).into(),
            crate::now_text().into(),
            id.into(),
        ],
    )
    .await?;
    record_status(tx, actor, id, to, on).await
}

/// One status a facility had.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    /// The status.
    pub status: FacilityStatus,
    /// From this day.
    pub on: NaiveDate,
}

/// A facility's status history, oldest first.
pub async fn history(db: &Db, scope: Scope, id: i64) -> StoreResult<Vec<StatusChange>> {
    get(db, scope, id).await?;
    query::rows(
        db,
        "SELECT status, changed_on FROM union_facility_statuses WHERE facility_id = $1 ORDER BY changed_on, id",
        &[id.into()],
        |(s, on): (String, String)| {
            Ok(StatusChange {
                status: from_code(FacilityStatus::ALL, FacilityStatus::code, &s)?,
                on: codes::stored_date(&on)?,
            })
        },
    )
    .await
}

/// One advanced-workers'-home award.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Award {
    /// Year awarded.
    pub year: i32,
    /// Level.
    pub level: AwardLevel,
}

/// A facility's awards, latest year first.
pub async fn awards(db: &Db, scope: Scope, id: i64) -> StoreResult<Vec<Award>> {
    get(db, scope, id).await?;
    query::rows(
        db,
        "SELECT year, level FROM union_facility_awards WHERE facility_id = $1 ORDER BY year DESC, level",
        &[id.into()],
        |(year, level): (i64, String)| {
            Ok(Award {
                year: i32::try_from(year).unwrap_or_default(),
                level: from_code(AwardLevel::ALL, AwardLevel::code, &level)?,
            })
        },
    )
    .await
}

/// Records an award (a workers' home only; the same award twice is one).
pub async fn award(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    id: i64,
    award: Award,
) -> StoreResult<()> {
    let f = get(&mut *tx, scope, id).await?;
    check_award(f.kind).map_err(RightsError::from)?;
    let exists: Option<i64> = query::value(
        &mut *tx,
        "SELECT id FROM union_facility_awards WHERE facility_id = $1 AND year = $2 AND level = $3",
        &[
            id.into(),
            i64::from(award.year).into(),
            award.level.code().into(),
        ],
    )
    .await?;
    if exists.is_none() {
        audit::insert(
            tx,
            actor,
            &AWARDS,
            "INSERT INTO union_facility_awards (facility_id, year, level) VALUES ($1, $2, $3) RETURNING id",
            &[id.into(), i64::from(award.year).into(), award.level.code().into()],
        )
        .await?;
    }
    Ok(())
}

/// The year's facility figures, computed with aggregates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacilityFigures {
    /// The year.
    pub year: i32,
    /// Workers' homes named Hangzhou-level advanced workers' homes in the year.
    pub hangzhou_advanced_homes: u32,
    /// … Jiande-level.
    pub jiande_advanced_homes: u32,
    /// Facilities that opened in the year.
    pub opened: u32,
    /// Cultural palaces whose building started (or agreement was signed) in the year.
    pub palaces_started: u32,
    /// Their floor area.
    pub palaces_started_area: SquareMetres,
    /// Their investment.
    pub palaces_started_investment: Fen,
    /// Facilities open at the end of the year, by kind (in `FacilityKind::ALL` order).
    pub open_by_kind: Vec<(FacilityKind, u32)>,
}

/// The facility figures of `year` in scope.
pub async fn year_figures(db: &Db, year: i32, scope: Scope) -> StoreResult<FacilityFigures> {
    let (from, to) = crate::year_bounds(year);
    let code: Option<&str> = scope.township_code();
    let mut awards = [0i64; 2];
    for (slot, level) in awards
        .iter_mut()
        .zip([AwardLevel::Hangzhou, AwardLevel::Jiande])
    {
        *slot = query::value(
            db,
            "SELECT COUNT(*) FROM union_facility_awards a JOIN union_facilities f ON f.id = a.facility_id
             WHERE a.year = $1 AND a.level = $2 AND ($3 IS NULL OR f.township = $3)",
            &[i64::from(year).into(), level.code().into(), code.into()],
        )
        .await?
        .unwrap_or(0);
    }
    let [hangzhou, jiande] = awards;
    let opened: i64 = query::value(
        db,
        "SELECT COUNT(DISTINCT s.facility_id) FROM union_facility_statuses s JOIN union_facilities f ON f.id = s.facility_id
         WHERE s.status = 'open' AND s.changed_on >= $1 AND s.changed_on <= $2 AND ($3 IS NULL OR f.township = $3)",
        &[from.clone().into(), to.clone().into(), code.into()],
    )
    .await?
    .unwrap_or(0);
    let palaces: Option<(i64, Option<i64>, Option<i64>)> = query::row(
        db,
        "SELECT COUNT(*), CAST(SUM(f.area) AS BIGINT), CAST(SUM(f.investment) AS BIGINT) FROM union_facilities f
         WHERE f.kind = 'cultural_palace' AND ($3 IS NULL OR f.township = $3) AND EXISTS (
             SELECT 1 FROM union_facility_statuses s WHERE s.facility_id = f.id
             AND s.status IN ('agreement_signed', 'building') AND s.changed_on >= $1 AND s.changed_on <= $2)",
        &[from.into(), to.clone().into(), code.into()],
        Ok,
    )
    .await?;
    let (palaces, area, investment) = palaces.unwrap_or((0, None, None));
    // The status each facility had at the end of the year: its latest change up to then.
    let open: Vec<(String, i64)> = query::rows(
        db,
        "SELECT f.kind, COUNT(*) FROM union_facilities f
         WHERE ($2 IS NULL OR f.township = $2) AND (
             SELECT s.status FROM union_facility_statuses s WHERE s.facility_id = f.id AND s.changed_on <= $1
             ORDER BY s.changed_on DESC, s.id DESC LIMIT 1) = 'open'
         GROUP BY f.kind",
        &[to.into(), code.into()],
        Ok,
    )
    .await?;
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(FacilityFigures {
        year,
        hangzhou_advanced_homes: count(hangzhou),
        jiande_advanced_homes: count(jiande),
        opened: count(opened),
        palaces_started: count(palaces),
        palaces_started_area: SquareMetres(area.unwrap_or(0)),
        palaces_started_investment: Fen(investment.unwrap_or(0)),
        open_by_kind: FacilityKind::ALL
            .iter()
            .map(|k| {
                let n = open
                    .iter()
                    .find(|(c, _)| c == k.code())
                    .map_or(0, |(_, n)| count(*n));
                (*k, n)
            })
            .collect(),
    })
}

/// Every facility by (name, township code) with its id, kind, status and since when: the
/// import's lookup, read once inside its transaction.
pub async fn keys(
    tx: &mut Tx,
) -> StoreResult<
    std::collections::HashMap<(String, String), (i64, FacilityKind, FacilityStatus, NaiveDate)>,
> {
    let rows = query::rows(
        tx,
        "SELECT id, name, township, kind, status, status_since FROM union_facilities",
        &[],
        |(id, name, township, kind, status, since): (
            i64,
            String,
            String,
            String,
            String,
            String,
        )| {
            Ok((
                (name, township),
                (
                    id,
                    from_code(FacilityKind::ALL, FacilityKind::code, &kind)?,
                    from_code(FacilityStatus::ALL, FacilityStatus::code, &status)?,
                    codes::stored_date(&since)?,
                ),
            ))
        },
    )
    .await?;
    Ok(rows.into_iter().collect())
}
