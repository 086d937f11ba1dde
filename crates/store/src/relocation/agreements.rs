//! The agreement (补偿协议) fixed when a household signs: the standard version in force,
//! the inputs as they stood and the computed lines and total. Later changes to the
//! records or the standard never move a signed amount. The only later change is the
//! vacating reward, which the agreement promises on the standard it was signed on: when
//! vacating is recorded (or undone) the sheet is recomputed from the agreement's own
//! frozen inputs and standard version.

use super::compensation::{FrozenInputs, current_inputs};
use super::households::Household;
use super::{AGREEMENTS, corrupt, parse_day, population, standards};
use crate::audit;
use crate::db::Conn;
use crate::db::Tx;
use crate::error::{Refusal, StoreError, StoreResult};
use crate::on_tx;
use crate::query;
use crate::sql::Bind;
use chrono::NaiveDate;
use domain::platform::Fen;
use domain::relocation::{CompensationLine, CompensationOption, CompensationSheet, ReviewStage};
use serde::Serialize;

/// An agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Agreement {
    /// Database id.
    pub id: i64,
    /// The household.
    pub household_id: i64,
    /// The standard version signed on (database id).
    pub standard_id: i64,
    /// Its version number, printed on the sheet.
    pub standard_version: i64,
    /// The inputs as they stood at signing.
    pub inputs: FrozenInputs,
    /// The fixed lines and total.
    pub sheet: CompensationSheet,
    /// Signing date.
    pub signed_on: NaiveDate,
    /// Vacating date once recorded (it may add the vacating reward).
    pub vacated_on: Option<NaiveDate>,
    /// Who recorded the signing.
    pub signed_by: String,
    /// Cash or property exchange; only exchange households choose a flat.
    pub option: CompensationOption,
}

type Row = (
    i64,
    i64,
    i64,
    i64,
    String,
    String,
    i64,
    String,
    Option<String>,
    String,
    String,
);

const SELECT: &str = "SELECT id, household_id, standard_id, standard_version, inputs, lines, total, \
    signed_on, vacated_on, signed_by, compensation_option FROM relocation_agreements";

fn from_row(r: Row) -> StoreResult<Agreement> {
    let (
        id,
        household_id,
        standard_id,
        standard_version,
        inputs,
        lines,
        total,
        signed,
        vacated,
        by,
        option,
    ) = r;
    let bad = |what: &str, e: serde_json::Error| {
        StoreError::corrupt(format!("协议#{id}的{what}无法读取（{e}）"))
    };
    let inputs: FrozenInputs = serde_json::from_str(&inputs).map_err(|e| bad("计算依据", e))?;
    let lines: Vec<CompensationLine> =
        serde_json::from_str(&lines).map_err(|e| bad("补偿明细", e))?;
    Ok(Agreement {
        id,
        household_id,
        standard_id,
        standard_version,
        inputs,
        sheet: CompensationSheet {
            lines,
            total: Fen(total),
        },
        signed_on: parse_day(Some(&signed), "签约日期")?.ok_or(StoreError::NotFound)?,
        vacated_on: parse_day(vacated.as_deref(), "腾空日期")?,
        signed_by: by,
        option: CompensationOption::parse(&option).ok_or_else(|| corrupt("补偿方式", &option))?,
    })
}

/// The household's agreement, if it has signed.
pub async fn of_household(
    conn: impl Into<Conn<'_>>,
    household_id: i64,
) -> StoreResult<Option<Agreement>> {
    let sql = format!("{SELECT} WHERE household_id = $1");
    query::row(conn, &sql, &[Bind::Int(household_id)], from_row).await
}

/// The agreements of every household of a project.
pub async fn of_project(conn: impl Into<Conn<'_>>, project_id: i64) -> StoreResult<Vec<Agreement>> {
    let sql = format!(
        "{SELECT} WHERE household_id IN (SELECT id FROM relocation_households WHERE project_id = $1)"
    );
    query::rows(conn, &sql, &[Bind::Int(project_id)], from_row).await
}

fn to_json<T: Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Config(format!("协议无法保存：{e}")))
}

/// Fixes the agreement of a household signing on `signed_on` for `option`. Refused
/// while no standard is published or a building awaits title verification (an agreement
/// must not be signed on figures nobody has confirmed), for property exchange where the
/// standard offers none, and before the population review is confirmed where the
/// standard requires it.
pub(crate) async fn fix(
    tx: &mut Tx,
    actor: &str,
    h: &Household,
    signed_on: NaiveDate,
    option: CompensationOption,
) -> StoreResult<()> {
    let mut conn = Conn::Tx(&mut *tx);
    let Some(standard) = standards::published(&mut conn, h.project_id).await? else {
        return Err(StoreError::from(Refusal::NoPublishedStandard));
    };
    let terms = standard.standard.resettlement;
    if option == CompensationOption::Exchange && terms.is_none() {
        return Err(Refusal::NoExchangeTerms.into());
    }
    if terms.is_some_and(|t| t.require_confirmed_population) {
        let review = population::of_household(&mut conn, h.id).await?;
        if !matches!(review.stage(), ReviewStage::Confirmed { .. }) {
            return Err(Refusal::PopulationNotConfirmed.into());
        }
    }
    let inputs = current_inputs(&mut conn, h).await?;
    if !inputs.unverified.is_empty() {
        return Err(Refusal::UnverifiedBuildings(inputs.unverified.join("、")).into());
    }
    let sheet = inputs
        .frozen
        .compute(&standard.standard, Some(signed_on), None)?;
    let id: i64 = on_tx!(tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO relocation_agreements (household_id, standard_id, standard_version, inputs,
             lines, total, signed_on, signed_by, created_at, compensation_option)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id"
    )
    .bind(h.id)
    .bind(standard.id)
    .bind(standard.version)
    .bind(to_json(&inputs.frozen)?)
    .bind(to_json(&sheet.lines)?)
    .bind(sheet.total.0)
    .bind(super::day_text(signed_on))
    .bind(actor)
    .bind(crate::now_text())
    .bind(option.code())
    .fetch_one(&mut *c)
    .await?
    });
    audit::record_insert(tx, actor, &AGREEMENTS, id).await
}

/// Recomputes the agreement with the household's vacating date (or without it, when
/// vacating is undone), on the agreement's own standard version and frozen inputs.
pub(crate) async fn set_vacated(
    tx: &mut Tx,
    actor: &str,
    household_id: i64,
    vacated_on: Option<NaiveDate>,
) -> StoreResult<()> {
    let mut conn = Conn::Tx(&mut *tx);
    let Some(a) = of_household(&mut conn, household_id).await? else {
        return Err(StoreError::from(Refusal::NoAgreement));
    };
    let standard = standards::by_id(&mut conn, a.standard_id).await?;
    let sheet = a
        .inputs
        .compute(&standard.standard, Some(a.signed_on), vacated_on)?;
    let change = audit::Change::begin(tx, &AGREEMENTS, a.id).await?;
    on_tx!(tx, |c| sqlx::query(
        "UPDATE relocation_agreements SET lines = $1, total = $2, vacated_on = $3 WHERE id = $4"
    )
    .bind(to_json(&sheet.lines)?)
    .bind(sheet.total.0)
    .bind(vacated_on.map(super::day_text))
    .bind(a.id)
    .execute(&mut *c)
    .await
    .map(|_| ())?);
    change.finish(tx, actor, "vacating_reward").await
}

/// Cancels the agreement when a signing recorded by mistake is undone; the audit log
/// keeps what it said.
pub(crate) async fn cancel(tx: &mut Tx, actor: &str, household_id: i64) -> StoreResult<()> {
    let Some(a) = of_household(&mut Conn::Tx(&mut *tx), household_id).await? else {
        return Ok(());
    };
    audit::delete(tx, actor, &AGREEMENTS, a.id).await
}
