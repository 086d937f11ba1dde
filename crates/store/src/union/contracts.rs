//! Collective contracts (集体合同) per enterprise, wage-bargaining demonstration units
//! (工资集体协商示范单位) by year, and the signing rate per township and for the city.
//!
//! The rate's denominator is the coverage rule's "must have a union" set, taken from
//! [`coverage::rule`] and [`Enterprise::obligation`] exactly as the ranking takes it; the
//! numerator is those of them with a wage-specific contract in force on the day asked
//! (domain `contract_valid_on`: signed ≤ day ≤ expiry, which the SQL below states as is).

use super::enterprises::{self, Enterprise};
use super::services::{self, check_scope, from_code, page, scoped_row};
use super::sql::{Bind, Where, contains_pattern};
use super::{Scope, codes, coverage};
use crate::audit::{self, AuditedTable};
use crate::db::{Conn, Db, Tx};
use crate::error::{StoreError, StoreResult};
use crate::query;
use chrono::NaiveDate;
use domain::union::coverage::Obligation;
use domain::union::rights::RightsError;
use domain::union::township::Township;
use domain::union::wage::{ContractKind, WageContract, signing_rate_bp};
use serde::Serialize;
use std::collections::HashSet;

/// The contracts table as audited.
pub const CONTRACTS: AuditedTable = AuditedTable {
    entity: "union_contract",
    table: "union_contracts",
    secret_columns: &[],
};

/// The demonstration units as audited.
pub const DEMONSTRATION_UNITS: AuditedTable = AuditedTable {
    entity: "union_demonstration_unit",
    table: "union_demonstration_units",
    secret_columns: &[],
};

/// A contract with its enterprise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    /// Database id.
    pub id: i64,
    /// The enterprise.
    pub enterprise_id: i64,
    /// Its name.
    pub enterprise_name: String,
    /// Its credit code.
    pub credit_code: String,
    /// Its township.
    pub township: Township,
    /// Kind and dates, checked.
    pub contract: WageContract,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    enterprise_id: i64,
    enterprise_name: String,
    credit_code: String,
    township: String,
    kind: String,
    signed_on: String,
    expires_on: String,
}

fn decode(r: Row) -> StoreResult<Contract> {
    let kind = from_code(ContractKind::ALL, ContractKind::code, &r.kind)?;
    let contract = WageContract::new(
        kind,
        codes::stored_date(&r.signed_on)?,
        codes::stored_date(&r.expires_on)?,
    )
    .map_err(|e| StoreError::corrupt(e.to_string()))?;
    Ok(Contract {
        id: r.id,
        enterprise_id: r.enterprise_id,
        enterprise_name: r.enterprise_name,
        credit_code: r.credit_code,
        township: codes::township(&r.township)?,
        contract,
    })
}

const SELECT: &str = "SELECT c.id, c.enterprise_id, e.name AS enterprise_name, e.credit_code, e.township,
    c.kind, c.signed_on, c.expires_on FROM union_contracts c JOIN enterprises e ON e.id = c.enterprise_id";

/// Filters of the contract list.
#[derive(Debug, Clone, Default)]
pub struct ContractFilter {
    /// Part of the enterprise's name or credit code.
    pub q: Option<String>,
    /// One township (ignored beyond the caller's scope).
    pub township: Option<Township>,
    /// One kind.
    pub kind: Option<ContractKind>,
    /// Only contracts in force on this day.
    pub valid_on: Option<NaiveDate>,
}

fn filter_sql(scope: Scope, f: &ContractFilter) -> Where {
    let mut w = Where::default();
    w.push_some("e.township = ?", scope.township_code());
    w.push_some("e.township = ?", f.township.map(|t| t.code()));
    w.push_some("c.kind = ?", f.kind.map(|k| k.code()));
    if let Some(d) = f.valid_on {
        let d = codes::date_text(d);
        w.push_with(
            "c.signed_on <= ? AND c.expires_on >= ?",
            vec![d.clone().into(), d.into()],
        );
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let p = contains_pattern(q);
        w.push_with(
            "(e.name LIKE ? ESCAPE '\\' OR e.credit_code LIKE ? ESCAPE '\\')",
            vec![Bind::Text(p.clone()), Bind::Text(p.to_uppercase())],
        );
    }
    w
}

/// A page of contracts in scope (township order, enterprise, latest first) and the total.
pub async fn list(
    db: &Db,
    scope: Scope,
    f: &ContractFilter,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<Contract>, i64)> {
    page(
        db,
        (
            &format!("{SELECT} JOIN townships t ON t.code = e.township"),
            "SELECT COUNT(*) FROM union_contracts c JOIN enterprises e ON e.id = c.enterprise_id",
        ),
        &filter_sql(scope, f),
        "t.position, e.name, c.signed_on DESC, c.id",
        (limit, offset),
        decode,
    )
    .await
}

/// One contract; not found outside the scope.
pub async fn get(conn: impl Into<Conn<'_>>, scope: Scope, id: i64) -> StoreResult<Contract> {
    let sql = format!("{SELECT} WHERE c.id = $1");
    scoped_row(conn, scope, &sql, id, decode, |c: &Contract| c.township).await
}

/// An enterprise's contracts, latest first (the enterprise must be in scope).
pub async fn of_enterprise(
    db: &Db,
    scope: Scope,
    enterprise_id: i64,
) -> StoreResult<Vec<Contract>> {
    let sql = format!("{SELECT} WHERE c.enterprise_id = $1 ORDER BY c.signed_on DESC, c.id");
    services::of_enterprise(db, scope, enterprise_id, &sql, decode).await
}

/// Records a contract of an enterprise in scope; the same enterprise, kind and signing day
/// is the same contract, whose expiry is updated (logged only if it changed). Returns the id.
pub async fn record(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    enterprise_id: i64,
    c: &WageContract,
) -> StoreResult<i64> {
    let e = enterprises::get(&mut *tx, scope, enterprise_id).await?;
    check_scope(scope, e.township)?;
    let signed = codes::date_text(c.signed());
    let expiry = codes::date_text(c.expiry());
    let existing: Option<i64> = query::value(
        &mut *tx,
        "SELECT id FROM union_contracts WHERE enterprise_id = $1 AND kind = $2 AND signed_on = $3",
        &[
            enterprise_id.into(),
            c.kind().code().into(),
            signed.clone().into(),
        ],
    )
    .await?;
    let now = crate::now_text();
    let (id, _) = audit::upsert(
        tx,
        actor,
        &CONTRACTS,
        existing,
        audit::UpdateLog::IfChanged,
        async |tx, id| {
            query::execute(
                tx,
                "UPDATE union_contracts SET expires_on = $1, updated_at = $2 WHERE id = $3 AND expires_on <> $1",
                &[expiry.clone().into(), now.clone().into(), id.into()],
            )
            .await
        },
        async |tx| {
            query::one(
                tx,
                "INSERT INTO union_contracts (enterprise_id, kind, signed_on, expires_on, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                &[
                    enterprise_id.into(),
                    c.kind().code().into(),
                    signed.clone().into(),
                    expiry.clone().into(),
                    now.clone().into(),
                ],
            )
            .await
        },
    )
    .await?;
    Ok(id)
}

/// Removes a contract entered by mistake (audited).
pub async fn delete(tx: &mut Tx, actor: &str, scope: Scope, id: i64) -> StoreResult<()> {
    get(&mut *tx, scope, id).await?;
    audit::delete(tx, actor, &CONTRACTS, id).await
}

/// Names an enterprise in scope a demonstration unit of `year` (once per year).
pub async fn set_demonstration(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    enterprise_id: i64,
    year: i32,
) -> StoreResult<()> {
    enterprises::get(&mut *tx, scope, enterprise_id).await?;
    let exists: Option<i64> = query::value(
        &mut *tx,
        "SELECT id FROM union_demonstration_units WHERE enterprise_id = $1 AND year = $2",
        &[enterprise_id.into(), i64::from(year).into()],
    )
    .await?;
    if exists.is_none() {
        audit::insert(
            tx,
            actor,
            &DEMONSTRATION_UNITS,
            "INSERT INTO union_demonstration_units (enterprise_id, year) VALUES ($1, $2) RETURNING id",
            &[enterprise_id.into(), i64::from(year).into()],
        )
        .await?;
    }
    Ok(())
}

/// The years an enterprise in scope was a demonstration unit, latest first.
pub async fn demonstration_years(
    db: &Db,
    scope: Scope,
    enterprise_id: i64,
) -> StoreResult<Vec<i32>> {
    enterprises::get(db, scope, enterprise_id).await?;
    query::rows(
        db,
        "SELECT year FROM union_demonstration_units WHERE enterprise_id = $1 ORDER BY year DESC",
        &[enterprise_id.into()],
        |(y,): (i64,)| Ok(i32::try_from(y).unwrap_or_default()),
    )
    .await
}

/// The day a year's rate is taken on by default: 31 December.
pub fn year_end(year: i32) -> StoreResult<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 12, 31)
        .ok_or_else(|| StoreError::from(crate::error::Refusal::YearInvalid))
}

/// Ids of enterprises in scope with a wage-specific contract in force on `on`.
async fn signed_ids(db: &Db, scope: Scope, on: NaiveDate) -> StoreResult<HashSet<i64>> {
    let on = codes::date_text(on);
    let ids: Vec<i64> = query::rows(
        db,
        "SELECT DISTINCT c.enterprise_id FROM union_contracts c JOIN enterprises e ON e.id = c.enterprise_id
         WHERE c.kind = $1 AND c.signed_on <= $2 AND c.expires_on >= $2 AND ($3 IS NULL OR e.township = $3)",
        &[
            ContractKind::WageSpecific.code().into(),
            on.into(),
            scope.township_code().into(),
        ],
        |(id,): (i64,)| Ok(id),
    )
    .await?;
    Ok(ids.into_iter().collect())
}

/// One township's signing line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningLine {
    /// The township.
    pub township: Township,
    /// Enterprises that must have a union (the coverage rule's set).
    pub must_total: u32,
    /// … of which have a wage contract in force.
    pub must_signed: u32,
    /// All enterprises of the township with a wage contract in force.
    pub signed: u32,
}

impl SigningLine {
    /// The signing rate in basis points.
    pub fn rate_bp(&self) -> u32 {
        signing_rate_bp(self.must_signed, self.must_total)
    }
}

/// The signing lines of the townships in scope on `on`, in the city's order.
pub async fn signing_lines(db: &Db, scope: Scope, on: NaiveDate) -> StoreResult<Vec<SigningLine>> {
    let rule = coverage::rule(db).await?;
    let all: Vec<Enterprise> = enterprises::all(db, scope).await?;
    let signed = signed_ids(db, scope, on).await?;
    Ok(Township::all()
        .iter()
        .filter(|t| scope.allows_code(Some(t.code())))
        .map(|&t| {
            let mine = all.iter().filter(|e| e.township == t);
            let must: Vec<&Enterprise> = mine
                .clone()
                .filter(|e| e.obligation(&rule) == Obligation::Must)
                .collect();
            let n = |c: usize| u32::try_from(c).unwrap_or(u32::MAX);
            SigningLine {
                township: t,
                must_total: n(must.len()),
                must_signed: n(must.iter().filter(|e| signed.contains(&e.id)).count()),
                signed: n(mine.filter(|e| signed.contains(&e.id)).count()),
            }
        })
        .collect())
}

/// The year's contract figures, computed with aggregates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContractFigures {
    /// The year.
    pub year: i32,
    /// The day validity is taken on (31 December of the year).
    pub on: NaiveDate,
    /// Enterprises with a wage-specific contract in force on that day.
    pub with_valid_contract: u32,
    /// Enterprises that must have a union (the coverage rule's set).
    pub must_enterprises: u32,
    /// … of which have a wage-specific contract in force.
    pub must_with_valid_contract: u32,
    /// The signing rate in basis points (must_with_valid_contract / must_enterprises).
    pub signing_rate_bp: u32,
    /// Wage contracts signed in the year.
    pub signed_in_year: u32,
    /// Demonstration units named for the year.
    pub demonstration_units: u32,
}

/// The contract figures of `year` in scope.
pub async fn year_figures(db: &Db, year: i32, scope: Scope) -> StoreResult<ContractFigures> {
    let on = year_end(year)?;
    let rule = coverage::rule(db).await?;
    let code = scope.township_code();
    let count = |n: Option<i64>| u32::try_from(n.unwrap_or(0)).unwrap_or(u32::MAX);
    let must = coverage::must_condition(&rule);
    let (with_valid, must_with_valid): (i64, i64) = query::row(
        db,
        &format!(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN {must} THEN 1 ELSE 0 END), 0)
             FROM enterprises e WHERE ($3 IS NULL OR e.township = $3) AND EXISTS (
                 SELECT 1 FROM union_contracts c WHERE c.enterprise_id = e.id AND c.kind = $1
                 AND c.signed_on <= $2 AND c.expires_on >= $2)"
        ),
        &[
            ContractKind::WageSpecific.code().into(),
            codes::date_text(on).into(),
            code.into(),
        ],
        Ok,
    )
    .await?
    .unwrap_or((0, 0));
    let must_total: Option<i64> = query::value(
        db,
        &format!(
            "SELECT COUNT(*) FROM enterprises e WHERE {must} AND ($1 IS NULL OR e.township = $1)"
        ),
        &[code.into()],
    )
    .await?;
    let signed_in_year: Option<i64> = query::value(
        db,
        "SELECT COUNT(*) FROM union_contracts c JOIN enterprises e ON e.id = c.enterprise_id
         WHERE c.kind = $1 AND c.signed_on >= $2 AND c.signed_on <= $3 AND ($4 IS NULL OR e.township = $4)",
        &[
            ContractKind::WageSpecific.code().into(),
            format!("{year:04}-01-01").into(),
            codes::date_text(on).into(),
            code.into(),
        ],
    )
    .await?;
    let demonstration: Option<i64> = query::value(
        db,
        "SELECT COUNT(*) FROM union_demonstration_units d JOIN enterprises e ON e.id = d.enterprise_id
         WHERE d.year = $1 AND ($2 IS NULL OR e.township = $2)",
        &[i64::from(year).into(), code.into()],
    )
    .await?;
    let (must, must_signed) = (count(must_total), count(Some(must_with_valid)));
    Ok(ContractFigures {
        year,
        on,
        with_valid_contract: count(Some(with_valid)),
        must_enterprises: must,
        must_with_valid_contract: must_signed,
        signing_rate_bp: signing_rate_bp(must_signed, must),
        signed_in_year: count(signed_in_year),
        demonstration_units: count(demonstration),
    })
}

/// The enterprise id for a credit code inside the scope (the import's key); not found
/// outside it.
pub async fn enterprise_by_code(tx: &mut Tx, scope: Scope, credit_code: &str) -> StoreResult<i64> {
    match enterprises::find_by_code(tx, credit_code).await? {
        Some((id, township)) if scope.allows_code(Some(&township)) => Ok(id),
        _ => Err(StoreError::NotFound),
    }
}

/// Refuses dates that are not a contract.
pub fn contract(
    kind: ContractKind,
    signed: NaiveDate,
    expiry: NaiveDate,
) -> StoreResult<WageContract> {
    WageContract::new(kind, signed, expiry).map_err(|e| RightsError::from(e).into())
}

/// Every contract's key (enterprise id, kind code, signing day): the import's lookup.
pub async fn keys(tx: &mut Tx) -> StoreResult<HashSet<(i64, String, String)>> {
    let rows = query::rows(
        tx,
        "SELECT enterprise_id, kind, signed_on FROM union_contracts",
        &[],
        |(e, k, s): (i64, String, String)| Ok((e, k, s)),
    )
    .await?;
    Ok(rows.into_iter().collect())
}
