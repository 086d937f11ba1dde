//! Choices (选房记录): the household whose turn it is takes a vacant flat, with a storeroom
//! and a parking space if it wants them. Everything is checked inside the writing
//! transaction, and the flat changes state only `WHERE state = 'vacant'`, backed by
//! partial unique indexes: whatever two staff submit at the same moment, one flat goes to
//! one household and a household holds one choice.

use super::super::agreements::{self, Agreement};
use super::super::{CHOICES, FLATS, Scope, corrupt, households, projects, standards};
use super::{Series, series};
use crate::audit;
use crate::db::{Conn, Tx};
use crate::error::{Refusal, StoreError, StoreResult};
use crate::{on_tx, query};
use chrono::{DateTime, Utc};
use domain::platform::{Fen, SquareMetres};
use domain::relocation::{
    CompensationOption, EntitlementRule, FlatKind, FlatState, ResettlementTerms,
};
use serde::Serialize;

use super::super::flats::{self, Flat};

/// What a household is entitled to, shown before it chooses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entitlement {
    /// The rule in words.
    pub rule: String,
    /// Confirmed resettlement persons, as fixed in the agreement.
    pub persons: u32,
    /// Recognised area of its buildings, as fixed in the agreement.
    pub recognised: SquareMetres,
    /// The area it may take without paying.
    pub area: SquareMetres,
    /// The terms (rate beyond the entitlement).
    #[serde(skip)]
    pub terms: ResettlementTerms,
}

/// The entitlement of a household with an exchange agreement, computed on the agreement's
/// own standard version and frozen inputs; `None` for cash or unsigned households.
pub async fn entitlement(
    conn: impl Into<Conn<'_>>,
    household_id: i64,
) -> StoreResult<Option<Entitlement>> {
    let mut conn = conn.into();
    let Some(a) = agreements::of_household(&mut conn, household_id).await? else {
        return Ok(None);
    };
    entitlement_of(&mut conn, &a).await
}

async fn entitlement_of(conn: &mut Conn<'_>, a: &Agreement) -> StoreResult<Option<Entitlement>> {
    if a.option != CompensationOption::Exchange {
        return Ok(None);
    }
    let standard = standards::by_id(&mut *conn, a.standard_id).await?.standard;
    let Some(terms) = standard.resettlement else {
        return Ok(None);
    };
    let recognised = SquareMetres(
        a.inputs
            .buildings
            .iter()
            .map(|b| standard.recognition.recognised_area(&b.building).0)
            .sum(),
    );
    let persons = a.inputs.resettled_persons;
    Ok(Some(Entitlement {
        rule: terms.entitlement.describe(),
        persons,
        recognised,
        area: terms.entitlement.entitlement(persons, recognised),
        terms,
    }))
}

/// A recorded choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// Database id.
    pub id: i64,
    /// The project.
    pub project_id: i64,
    /// The household.
    pub household_id: i64,
    /// The flat's code.
    pub flat_code: String,
    /// The storeroom's code, if one was taken.
    pub storeroom_code: Option<String>,
    /// The parking space's code, if one was taken.
    pub parking_code: Option<String>,
    /// The household's place in the published order.
    pub position: i64,
    /// Its entitlement.
    pub entitlement_area: SquareMetres,
    /// The flat's area.
    pub chosen_area: SquareMetres,
    /// Area beyond the entitlement.
    pub excess_area: SquareMetres,
    /// The price difference the household pays (超面积差价).
    pub excess_price: Fen,
    /// When it was recorded.
    pub chosen_at: DateTime<Utc>,
    /// Who recorded it.
    pub chosen_by: String,
    /// When and why it was voided, by whom.
    pub voided: Option<(DateTime<Utc>, String, String)>,
}

#[derive(sqlx::FromRow)]
struct ChoiceRow {
    id: i64,
    project_id: i64,
    household_id: i64,
    flat_code: String,
    storeroom_code: Option<String>,
    parking_code: Option<String>,
    position: i64,
    entitlement_area: i64,
    chosen_area: i64,
    excess_area: i64,
    excess_price: i64,
    chosen_at: String,
    chosen_by: String,
    voided_at: Option<String>,
    voided_by: Option<String>,
    void_reason: Option<String>,
}

impl ChoiceRow {
    fn into_choice(self) -> StoreResult<Choice> {
        let at = |t: &str| crate::parse_timestamp(t).ok_or_else(|| corrupt("选房时间", t));
        let voided = match self.voided_at.as_deref() {
            Some(t) => Some((
                at(t)?,
                self.voided_by.unwrap_or_default(),
                self.void_reason.unwrap_or_default(),
            )),
            None => None,
        };
        Ok(Choice {
            chosen_at: at(&self.chosen_at)?,
            id: self.id,
            project_id: self.project_id,
            household_id: self.household_id,
            flat_code: self.flat_code,
            storeroom_code: self.storeroom_code,
            parking_code: self.parking_code,
            position: self.position,
            entitlement_area: SquareMetres(self.entitlement_area),
            chosen_area: SquareMetres(self.chosen_area),
            excess_area: SquareMetres(self.excess_area),
            excess_price: Fen(self.excess_price),
            chosen_by: self.chosen_by,
            voided,
        })
    }
}

const SELECT: &str = "SELECT c.id, c.project_id, c.household_id, f.code AS flat_code,
        s.code AS storeroom_code, p.code AS parking_code, c.position, c.entitlement_area,
        c.chosen_area, c.excess_area, c.excess_price, c.chosen_at, c.chosen_by, c.voided_at,
        c.voided_by, c.void_reason
    FROM relocation_choices c
    JOIN relocation_flats f ON f.id = c.flat_id
    LEFT JOIN relocation_flats s ON s.id = c.storeroom_id
    LEFT JOIN relocation_flats p ON p.id = c.parking_id";

/// The household's standing choice, if it has chosen.
pub async fn of_household(
    conn: impl Into<Conn<'_>>,
    household_id: i64,
) -> StoreResult<Option<Choice>> {
    let sql = format!("{SELECT} WHERE c.household_id = $1 AND c.voided_at IS NULL");
    query::row(conn, &sql, &[household_id.into()], ChoiceRow::into_choice).await
}

/// A choice by id, voided or not.
async fn by_id(conn: impl Into<Conn<'_>>, id: i64) -> StoreResult<Choice> {
    let sql = format!("{SELECT} WHERE c.id = $1");
    query::row(conn, &sql, &[id.into()], ChoiceRow::into_choice)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Every choice of a project, voided ones included, in the order they were made.
pub async fn of_project(conn: impl Into<Conn<'_>>, project_id: i64) -> StoreResult<Vec<Choice>> {
    let sql = format!("{SELECT} WHERE c.project_id = $1 ORDER BY c.id");
    query::rows(conn, &sql, &[project_id.into()], ChoiceRow::into_choice).await
}

/// What the hall's staff submit (also the body of the API's choice, where the two codes
/// are required).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize)]
pub struct ChoiceRequest {
    /// The household called.
    pub household_code: String,
    /// The flat it takes.
    pub flat_code: String,
    /// A storeroom, if it takes one.
    #[serde(default)]
    pub storeroom_code: Option<String>,
    /// A parking space, if it takes one.
    #[serde(default)]
    pub parking_code: Option<String>,
    /// Whether the household accepted paying for area beyond its entitlement.
    #[serde(default)]
    pub accept_price_difference: bool,
}

/// A unit of the project by code, of the kind asked for and vacant. A chosen unit is a
/// conflict (409: someone was faster); a reserved or void one a refusal.
async fn vacant_unit(
    tx: &mut Tx,
    project_id: i64,
    code: &str,
    kind: FlatKind,
) -> StoreResult<Flat> {
    let Some(f) = flats::by_code(&mut *tx, project_id, code).await? else {
        return Err(StoreError::NotFound);
    };
    if f.kind != kind {
        return Err(Refusal::WrongFlatKind {
            code: f.code,
            kind: kind.label(),
        }
        .into());
    }
    match f.state {
        FlatState::Vacant => Ok(f),
        FlatState::Chosen => Err(taken(&f.code)),
        other => Err(Refusal::FlatNotVacant {
            code: f.code,
            state: other.label(),
        }
        .into()),
    }
}

fn taken(code: &str) -> StoreError {
    StoreError::Conflict(format!("房源{code}已被其他户选定"))
}

/// Marks `unit` chosen by `household_id`, only if it is still vacant.
async fn take(tx: &mut Tx, actor: &str, unit: &Flat, household_id: i64) -> StoreResult<()> {
    let change = audit::Change::begin(tx, &FLATS, unit.id).await?;
    let done = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE relocation_flats SET state = 'chosen', household_id = $1 WHERE id = $2 AND state = 'vacant'"
    )
    .bind(household_id)
    .bind(unit.id)
    .execute(&mut *c)
    .await
    .map_err(unique_is_conflict)?
    .rows_affected()
    });
    if done == 0 {
        return Err(taken(&unit.code));
    }
    change.finish(tx, actor, "choose").await
}

/// A unique-index violation (two choices of one flat or by one household committed at
/// once) is the conflict it means, not a database failure.
fn unique_is_conflict(e: sqlx::Error) -> StoreError {
    if e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
    {
        StoreError::Conflict("该房源或该户刚刚已有选房记录，请刷新后重试".into())
    } else {
        StoreError::Database(e)
    }
}

/// Records the choice of the household whose turn it is. Refused out of turn, beyond the
/// entitlement without the price difference accepted, for a unit that is not vacant;
/// a conflict when someone else took the flat first.
pub async fn choose(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    project_id: i64,
    req: &ChoiceRequest,
) -> StoreResult<Choice> {
    let project = projects::by_id(&mut *tx, project_id).await?;
    if !scope.sees_project(project.id, &project.town) {
        return Err(StoreError::NotFound);
    }
    let series: Series = series(&mut *tx, project_id).await?;
    let code = req.household_code.trim();
    let Some(line) = series.line(code).cloned() else {
        return Err(Refusal::NotInSeries(code.to_string()).into());
    };
    if line.flat_code.is_some() {
        return Err(Refusal::AlreadyChosen(code.to_string()).into());
    }
    let Some(current) = series.current() else {
        return Err(Refusal::SessionNotOpen.into());
    };
    if current.position.code != code {
        return Err(Refusal::OutOfTurn {
            household: code.to_string(),
            current: current.position.code.clone(),
        }
        .into());
    }
    let household = households::get(&mut *tx, &Scope::All, line.household_id).await?;
    let flat = vacant_unit(tx, project_id, &req.flat_code, FlatKind::Flat).await?;
    let optional = |c: &Option<String>| {
        c.as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
    };
    let storeroom = match optional(&req.storeroom_code) {
        Some(c) => Some(vacant_unit(tx, project_id, &c, FlatKind::Storeroom).await?),
        None => None,
    };
    let parking = match optional(&req.parking_code) {
        Some(c) => Some(vacant_unit(tx, project_id, &c, FlatKind::Parking).await?),
        None => None,
    };
    let Some(ent) = entitlement(&mut *tx, household.id).await? else {
        return Err(Refusal::NotInSeries(code.to_string()).into());
    };
    let excess = ent.terms.excess(flat.place.area, ent.area).map_err(|e| {
        StoreError::Refused(Refusal::BeyondEntitlement {
            chosen: flat.place.area.to_string(),
            entitled: ent.area.to_string(),
            excess: String::new(),
            price: e.to_string(),
        })
    })?;
    if excess.area.0 > 0 && !req.accept_price_difference {
        return Err(Refusal::BeyondEntitlement {
            chosen: flat.place.area.to_string(),
            entitled: ent.area.to_string(),
            excess: excess.area.to_string(),
            price: excess.price.to_string(),
        }
        .into());
    }
    take(tx, actor, &flat, household.id).await?;
    for unit in storeroom.iter().chain(parking.iter()) {
        take(tx, actor, unit, household.id).await?;
    }
    let position = i64::try_from(line.position.position).unwrap_or(i64::MAX);
    let id: i64 = on_tx!(tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO relocation_choices (project_id, household_id, flat_id, storeroom_id, parking_id,
            position, entitlement_area, chosen_area, excess_area, excess_price, chosen_at, chosen_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id"
    )
    .bind(project_id)
    .bind(household.id)
    .bind(flat.id)
    .bind(storeroom.as_ref().map(|f| f.id))
    .bind(parking.as_ref().map(|f| f.id))
    .bind(position)
    .bind(ent.area.0)
    .bind(flat.place.area.0)
    .bind(excess.area.0)
    .bind(excess.price.0)
    .bind(crate::now_text())
    .bind(actor)
    .fetch_one(&mut *c)
    .await
    .map_err(unique_is_conflict)?
    });
    audit::record_insert(tx, actor, &CHOICES, id).await?;
    of_household(&mut *tx, household.id)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Voids a choice (the commander's, with a reason): its units go back on offer and the
/// household chooses again when called.
pub async fn void(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    choice_id: i64,
    reason: &str,
) -> StoreResult<Choice> {
    if reason.trim().is_empty() {
        return Err(Refusal::ReasonMissing.into());
    }
    let choice = by_id(&mut *tx, choice_id).await?;
    let project = projects::by_id(&mut *tx, choice.project_id).await?;
    if !scope.sees_project(project.id, &project.town) {
        return Err(StoreError::NotFound);
    }
    if choice.voided.is_some() {
        return Err(Refusal::ChoiceAlreadyVoided.into());
    }
    audit::update(
        tx,
        actor,
        (&CHOICES, choice.id),
        "void",
        "UPDATE relocation_choices SET voided_at = $1, voided_by = $2, void_reason = $3 WHERE id = $4",
        &[
            crate::now_text().into(),
            actor.into(),
            reason.trim().into(),
            choice.id.into(),
        ],
    )
    .await?;
    let codes = [
        Some(&choice.flat_code),
        choice.storeroom_code.as_ref(),
        choice.parking_code.as_ref(),
    ];
    for code in codes.into_iter().flatten() {
        let Some(unit) = flats::by_code(&mut *tx, choice.project_id, code).await? else {
            continue;
        };
        audit::update(
            tx,
            actor,
            (&FLATS, unit.id),
            "release",
            "UPDATE relocation_flats SET state = 'vacant', household_id = NULL WHERE id = $1",
            &[unit.id.into()],
        )
        .await?;
    }
    by_id(&mut *tx, choice.id).await
}

/// The rule of the project's entitlement, for the page that explains it (the published
/// standard's), if the project offers property exchange.
pub async fn terms_of_project(
    conn: impl Into<Conn<'_>>,
    project_id: i64,
) -> StoreResult<Option<(EntitlementRule, Fen)>> {
    let std = standards::published(conn, project_id).await?;
    Ok(std
        .and_then(|s| s.standard.resettlement)
        .map(|t| (t.entitlement, t.excess_rate_per_m2)))
}
