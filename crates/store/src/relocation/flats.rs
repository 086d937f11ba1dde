//! The flat inventory of a resettlement project (安置房源): flats, storerooms and parking
//! spaces, each with its place (building, unit, floor, room), layout, exact area and
//! state. Flats reach "chosen" only through [`super::choosing`]; staff may reserve,
//! release or void the others (a void unit keeps its reason).

use super::{FLATS, Scope, corrupt, projects};
use crate::audit::{self, UpdateLog};
use crate::db::{Conn, Tx};
use crate::error::{Refusal, StoreError, StoreResult};
use crate::query;
use crate::sql::Bind;
use domain::platform::SquareMetres;
use domain::relocation::{FlatKind, FlatState};
use serde::Serialize;

/// A unit of the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flat {
    /// Database id.
    pub id: i64,
    /// The project whose inventory it is.
    pub project_id: i64,
    /// Its code, unique in the project (`3-1-502`, `储-12`, `车-007`).
    pub code: String,
    /// Flat, storeroom or parking space.
    pub kind: FlatKind,
    /// What a unit is, where and how large.
    pub place: FlatPlace,
    /// Where it stands.
    pub state: FlatState,
    /// Why it is void (empty otherwise).
    pub void_reason: String,
    /// The household it is chosen by (or reserved for).
    pub household_id: Option<i64>,
}

/// Where a unit is and what it is like: what an import row or a form gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlatPlace {
    /// Building (幢), e.g. `3幢`.
    pub building: String,
    /// Unit (单元), may be empty.
    pub unit: String,
    /// Floor, 1 for the ground floor (negative for basements: parking).
    pub floor: i64,
    /// Room (室), e.g. `502`.
    pub room: String,
    /// Layout type (户型), e.g. `三室两厅`, or the size class of a parking space.
    pub layout: String,
    /// Floor area (exact hundredths of m²).
    pub area: SquareMetres,
    /// Orientation (朝向), e.g. `南`.
    pub orientation: String,
}

#[derive(sqlx::FromRow)]
struct FlatRow {
    id: i64,
    project_id: i64,
    code: String,
    kind: String,
    building: String,
    unit: String,
    floor: i64,
    room: String,
    layout: String,
    area: i64,
    orientation: String,
    state: String,
    void_reason: String,
    household_id: Option<i64>,
}

impl FlatRow {
    fn into_flat(self) -> StoreResult<Flat> {
        Ok(Flat {
            kind: FlatKind::parse(&self.kind).ok_or_else(|| corrupt("房源类别", &self.kind))?,
            state: FlatState::parse(&self.state).ok_or_else(|| corrupt("房源状态", &self.state))?,
            id: self.id,
            project_id: self.project_id,
            code: self.code,
            place: FlatPlace {
                building: self.building,
                unit: self.unit,
                floor: self.floor,
                room: self.room,
                layout: self.layout,
                area: SquareMetres(self.area),
                orientation: self.orientation,
            },
            void_reason: self.void_reason,
            household_id: self.household_id,
        })
    }
}

const SELECT: &str = "SELECT id, project_id, code, kind, building, unit, floor, room, layout, area, \
    orientation, state, void_reason, household_id FROM relocation_flats";

/// Which units a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlatFilter {
    /// Only this kind.
    pub kind: Option<FlatKind>,
    /// Only this state.
    pub state: Option<FlatState>,
    /// Only this building.
    pub building: Option<String>,
}

/// The units of a project matching `f`, by building, unit, floor (top first) and room.
pub async fn list(
    conn: impl Into<Conn<'_>>,
    project_id: i64,
    f: &FlatFilter,
) -> StoreResult<Vec<Flat>> {
    let sql = format!(
        "{SELECT} WHERE project_id = $1 AND ($2 IS NULL OR kind = $2) AND ($3 IS NULL OR state = $3)
           AND ($4 IS NULL OR building = $4)
         ORDER BY kind, building, unit, floor DESC, room, id"
    );
    let binds = [
        project_id.into(),
        f.kind.map(FlatKind::code).into(),
        f.state.map(FlatState::code).into(),
        f.building.as_deref().into(),
    ];
    query::rows(conn, &sql, &binds, FlatRow::into_flat).await
}

/// A unit by its code in the project.
pub async fn by_code(
    conn: impl Into<Conn<'_>>,
    project_id: i64,
    code: &str,
) -> StoreResult<Option<Flat>> {
    let sql = format!("{SELECT} WHERE project_id = $1 AND code = $2");
    let binds = [project_id.into(), code.trim().into()];
    query::row(conn, &sql, &binds, FlatRow::into_flat).await
}

/// A unit by id.
pub async fn by_id(conn: impl Into<Conn<'_>>, id: i64) -> StoreResult<Flat> {
    let sql = format!("{SELECT} WHERE id = $1");
    query::row(conn, &sql, &[id.into()], FlatRow::into_flat)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Checks what a form or an import row says about a unit.
fn check(code: &str, place: &FlatPlace) -> StoreResult<()> {
    if code.trim().is_empty() {
        return Err(Refusal::FlatCodeMissing.into());
    }
    if place.building.trim().is_empty() || place.room.trim().is_empty() {
        return Err(Refusal::FlatPlaceMissing.into());
    }
    if place.area.0 <= 0 {
        return Err(Refusal::FlatAreaInvalid.into());
    }
    Ok(())
}

/// Adds a unit to the project's inventory (vacant) or updates the one with the same code.
/// A unit that is chosen keeps its kind and area: the choice was priced on them.
/// Returns the id and whether it was created.
pub async fn upsert(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    project_id: i64,
    code: &str,
    kind: FlatKind,
    place: &FlatPlace,
) -> StoreResult<(i64, bool)> {
    let project = projects::by_id(&mut *tx, project_id).await?;
    if !scope.sees_project(project.id, &project.town) {
        return Err(StoreError::NotFound);
    }
    check(code, place)?;
    let code = code.trim();
    let existing = by_code(&mut *tx, project_id, code).await?;
    if let Some(existing) = &existing
        && existing.state == FlatState::Chosen
        && (existing.kind != kind || existing.place.area != place.area)
    {
        return Err(Refusal::FlatChosenUnchangeable(existing.code.clone()).into());
    }
    // The place's eight columns come first in both statements, bound alike.
    let columns: Vec<Bind> = vec![
        kind.code().into(),
        place.building.trim().into(),
        place.unit.trim().into(),
        place.floor.into(),
        place.room.trim().into(),
        place.layout.trim().into(),
        place.area.0.into(),
        place.orientation.trim().into(),
    ];
    audit::upsert(
        tx,
        actor,
        &FLATS,
        existing.map(|e| e.id),
        UpdateLog::IfChanged,
        async |tx, id| {
            query::execute(
                tx,
                "UPDATE relocation_flats SET kind = $1, building = $2, unit = $3, floor = $4,
                    room = $5, layout = $6, area = $7, orientation = $8 WHERE id = $9",
                &[&columns[..], &[id.into()]].concat(),
            )
            .await
        },
        async |tx| {
            let more = [
                project_id.into(),
                code.into(),
                FlatState::Vacant.code().into(),
                crate::now_text().into(),
            ];
            query::one(
                tx,
                "INSERT INTO relocation_flats (kind, building, unit, floor, room, layout, area,
                    orientation, project_id, code, state, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                &[&columns[..], &more].concat(),
            )
            .await
        },
    )
    .await
}

/// What staff may do to a unit outside the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handling {
    /// Hold it back for the session (保留).
    Reserve,
    /// Put a reserved or void unit back on offer.
    Release,
    /// Take it out of use, with the reason (停用).
    Void(String),
}

/// Reserves, releases or voids a unit. A chosen unit is changed only by voiding its
/// choice ([`super::choosing::void`]).
pub async fn handle(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    flat_id: i64,
    handling: &Handling,
) -> StoreResult<Flat> {
    let flat = by_id(&mut *tx, flat_id).await?;
    let project = projects::by_id(&mut *tx, flat.project_id).await?;
    if !scope.sees_project(project.id, &project.town) {
        return Err(StoreError::NotFound);
    }
    if flat.state == FlatState::Chosen {
        return Err(Refusal::FlatChosenUnchangeable(flat.code).into());
    }
    let (state, reason, action) = match handling {
        Handling::Reserve => (FlatState::Reserved, String::new(), "reserve"),
        Handling::Release => (FlatState::Vacant, String::new(), "release"),
        Handling::Void(reason) if reason.trim().is_empty() => {
            return Err(Refusal::ReasonMissing.into());
        }
        Handling::Void(reason) => (FlatState::Void, reason.trim().to_string(), "void"),
    };
    let change = audit::Change::begin(tx, &FLATS, flat.id).await?;
    // The state in the WHERE clause: a choice recorded meanwhile wins.
    let done = query::affected(
        &mut *tx,
        "UPDATE relocation_flats SET state = $1, void_reason = $2 WHERE id = $3 AND state = $4",
        &[
            state.code().into(),
            reason.into(),
            flat.id.into(),
            flat.state.code().into(),
        ],
    )
    .await?;
    if done == 0 {
        return Err(StoreError::Conflict(format!(
            "房源{}的状态刚被他人修改，请刷新后重试",
            flat.code
        )));
    }
    change.finish(tx, actor, action).await?;
    by_id(&mut *tx, flat.id).await
}

/// How many units of each kind, layout and state a project has, for the big screen's
/// "what is left" and the inventory page's header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stock {
    /// Building.
    pub building: String,
    /// Kind.
    pub kind: FlatKind,
    /// Layout type.
    pub layout: String,
    /// Vacant units (on offer).
    pub vacant: i64,
    /// Units in total.
    pub total: i64,
}

/// The project's stock by building, kind and layout.
pub async fn stock(conn: impl Into<Conn<'_>>, project_id: i64) -> StoreResult<Vec<Stock>> {
    query::rows(
        conn,
        "SELECT building, kind, layout,
                SUM(CASE WHEN state = 'vacant' THEN 1 ELSE 0 END), COUNT(*)
         FROM relocation_flats WHERE project_id = $1
         GROUP BY building, kind, layout ORDER BY kind, building, layout",
        &[project_id.into()],
        |(building, kind, layout, vacant, total): (String, String, String, i64, i64)| {
            Ok(Stock {
                kind: FlatKind::parse(&kind).ok_or_else(|| corrupt("房源类别", &kind))?,
                building,
                layout,
                vacant,
                total,
            })
        },
    )
    .await
}
