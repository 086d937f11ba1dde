//! The enterprise registry: who employs how many, in which township, registered with the
//! provincial federation or not, and which union covers them.

use super::codes;
use super::sql::{Bind, Where, contains_pattern};
use super::{Scope, coverage};
use crate::audit::{self, AuditedTable};
use crate::db::{Conn, Db, Tx};
use crate::error::{Refusal, StoreError, StoreResult};
use crate::query;
use crate::{on_pool, on_tx};
use domain::platform::CreditCode;
use domain::union::coverage::{CoverageRule, Obligation};
use domain::union::township::Township;

/// The enterprises table as audited.
pub const ENTERPRISES: AuditedTable = AuditedTable {
    entity: "enterprise",
    table: "enterprises",
    secret_columns: &[],
};

/// An enterprise as pages and reports see it, with its covering union.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enterprise {
    /// Database id.
    pub id: i64,
    /// Registered name.
    pub name: String,
    /// Unified social credit code, the natural key of imports.
    pub credit_code: String,
    /// Township it belongs to.
    pub township: Township,
    /// Staff count.
    pub headcount: i64,
    /// Registered with the provincial federation (省总备案).
    pub provincial: bool,
    /// The union covering it, if any.
    pub union_id: Option<i64>,
    /// That union's name.
    pub union_name: Option<String>,
    /// That union's founding date (`YYYY-MM-DD`).
    pub union_founded_on: Option<String>,
}

impl Enterprise {
    /// What the coverage rule expects of this enterprise.
    pub fn obligation(&self, rule: &CoverageRule) -> Obligation {
        rule.obligation(
            u32::try_from(self.headcount).unwrap_or(u32::MAX),
            self.provincial,
        )
    }
}

#[derive(sqlx::FromRow)]
struct EnterpriseRow {
    id: i64,
    name: String,
    credit_code: String,
    township: String,
    headcount: i64,
    provincial: bool,
    union_id: Option<i64>,
    union_name: Option<String>,
    union_founded_on: Option<String>,
}

impl EnterpriseRow {
    fn into_enterprise(self) -> StoreResult<Enterprise> {
        Ok(Enterprise {
            id: self.id,
            name: self.name,
            credit_code: self.credit_code,
            township: codes::township(&self.township)?,
            headcount: self.headcount,
            provincial: self.provincial,
            union_id: self.union_id,
            union_name: self.union_name,
            union_founded_on: self.union_founded_on,
        })
    }
}

const SELECT: &str =
    "SELECT e.id, e.name, e.credit_code, e.township, e.headcount, e.provincial, e.union_id,
    u.name AS union_name, u.founded_on AS union_founded_on
    FROM enterprises e LEFT JOIN unions u ON u.id = e.union_id";

/// What a form or an import row gives for an enterprise.
#[derive(Debug, Clone)]
pub struct EnterpriseInput {
    /// Registered name.
    pub name: String,
    /// Unified social credit code (already validated by parsing).
    pub credit_code: CreditCode,
    /// Township.
    pub township: Township,
    /// Staff count.
    pub headcount: u32,
    /// Registered with the provincial federation.
    pub provincial: bool,
}

/// How an enterprise list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EnterpriseSort {
    /// Township in the city's order, then name.
    #[default]
    Township,
    /// Name.
    Name,
    /// Largest first.
    Headcount,
}

impl EnterpriseSort {
    /// Reads the `sort` query parameter; anything unknown is the default.
    pub fn parse(s: &str) -> EnterpriseSort {
        match s {
            "name" => EnterpriseSort::Name,
            "headcount" => EnterpriseSort::Headcount,
            _ => EnterpriseSort::Township,
        }
    }

    fn order_by(self) -> &'static str {
        match self {
            EnterpriseSort::Township => "t.position, e.name, e.id",
            EnterpriseSort::Name => "e.name, e.id",
            EnterpriseSort::Headcount => "e.headcount DESC, e.name, e.id",
        }
    }
}

/// Filters of the enterprise list; unset filters do not restrict.
#[derive(Debug, Clone, Default)]
pub struct EnterpriseFilter {
    /// Part of the name or credit code.
    pub q: Option<String>,
    /// One township (ignored beyond the caller's scope).
    pub township: Option<Township>,
    /// Covered by a union or not.
    pub covered: Option<bool>,
    /// Registered with the provincial federation or not.
    pub provincial: Option<bool>,
    /// Only those with this obligation under the current rule.
    pub obligation: Option<Obligation>,
    /// Order.
    pub sort: EnterpriseSort,
}

fn filter_sql(scope: Scope, f: &EnterpriseFilter, rule: &CoverageRule) -> Where {
    let mut w = Where::default();
    w.push_some("e.township = ?", scope.township_code());
    w.push_some("e.township = ?", f.township.map(|t| t.code()));
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = contains_pattern(q);
        w.push_with(
            "(e.name LIKE ? ESCAPE '\\' OR e.credit_code LIKE ? ESCAPE '\\')",
            vec![
                Bind::Text(pattern.clone()),
                Bind::Text(pattern.to_uppercase()),
            ],
        );
    }
    match f.covered {
        Some(true) => w.push("e.union_id IS NOT NULL"),
        Some(false) => w.push("e.union_id IS NULL"),
        None => {}
    }
    w.push_some("e.provincial = ?", f.provincial);
    if let Some(o) = f.obligation {
        let must_min = Bind::Int(i64::from(rule.must_min_headcount));
        let not_required = Bind::Bool(!rule.must_require_provincial);
        let tracked_min = Bind::Int(i64::from(rule.tracked_min_headcount));
        const MUST: &str = "(e.headcount >= ? AND (e.provincial OR ?))";
        match o {
            Obligation::Must => w.push_with(MUST, vec![must_min, not_required]),
            Obligation::Tracked => w.push_with(
                &format!("NOT {MUST} AND e.headcount >= ?"),
                vec![must_min, not_required, tracked_min],
            ),
            Obligation::None => w.push_with(
                &format!("NOT {MUST} AND e.headcount < ?"),
                vec![must_min, not_required, tracked_min],
            ),
        }
    }
    w
}

/// A page of enterprises in scope, and how many match in all.
pub async fn list(
    db: &Db,
    scope: Scope,
    f: &EnterpriseFilter,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<Enterprise>, i64)> {
    let rule = coverage::rule(db).await?;
    query::page(
        db,
        (
            &format!("{SELECT} JOIN townships t ON t.code = e.township"),
            "SELECT COUNT(*) FROM enterprises e",
        ),
        &filter_sql(scope, f, &rule),
        f.sort.order_by(),
        (limit, offset),
        EnterpriseRow::into_enterprise,
    )
    .await
}

/// Every enterprise in scope (for exports and coverage), in the list's default order.
pub async fn all(db: &Db, scope: Scope) -> StoreResult<Vec<Enterprise>> {
    Ok(list(db, scope, &EnterpriseFilter::default(), i64::MAX, 0)
        .await?
        .0)
}

/// One enterprise; not found when outside the scope.
pub async fn get(conn: impl Into<Conn<'_>>, scope: Scope, id: i64) -> StoreResult<Enterprise> {
    let sql = format!("{SELECT} WHERE e.id = $1");
    let decode = EnterpriseRow::into_enterprise;
    super::services::scoped_row(conn, scope, &sql, id, decode, |e: &Enterprise| e.township).await
}

/// The enterprises a union covers.
pub async fn covered_by(db: &Db, union_id: i64) -> StoreResult<Vec<Enterprise>> {
    let sql = format!("{SELECT} WHERE e.union_id = $1 ORDER BY e.name, e.id");
    let rows: Vec<EnterpriseRow> = on_pool!(db, |p| sqlx::query_as(crate::dynamic(&sql))
        .bind(union_id)
        .fetch_all(p)
        .await?);
    rows.into_iter()
        .map(EnterpriseRow::into_enterprise)
        .collect()
}

/// The registry fields (name, credit code, township, headcount, provincial) in the
/// column order both `insert` and `replace_fields` write them.
fn registry_fields(e: &EnterpriseInput) -> [Bind; 5] {
    [
        Bind::from(&e.name),
        e.credit_code.as_str().into(),
        e.township.code().into(),
        i64::from(e.headcount).into(),
        e.provincial.into(),
    ]
}

/// Inserts an enterprise inside a transaction (audited); the caller checked the key.
pub async fn insert(tx: &mut Tx, actor: &str, e: &EnterpriseInput) -> StoreResult<i64> {
    let now = crate::now_text();
    let id = audit::insert(
        tx,
        actor,
        &ENTERPRISES,
        "INSERT INTO enterprises (name, credit_code, township, headcount, provincial, union_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, NULL, $6, $6) RETURNING id",
        &[&registry_fields(e)[..], &[now.into()]].concat(),
    )
    .await?;
    Ok(id)
}

/// Updates an enterprise's registry fields inside a transaction (audited); does nothing
/// when nothing changes, so re-importing an export leaves the log alone.
pub async fn replace_fields(
    tx: &mut Tx,
    actor: &str,
    id: i64,
    e: &EnterpriseInput,
) -> StoreResult<bool> {
    let change = audit::Change::begin(tx, &ENTERPRISES, id).await?;
    let changed = query::affected(
        &mut *tx,
        "UPDATE enterprises SET name = $1, credit_code = $2, township = $3, headcount = $4, provincial = $5, updated_at = $6
         WHERE id = $7 AND NOT (name = $1 AND credit_code = $2 AND township = $3 AND headcount = $4 AND provincial = $5)",
        &[
            &registry_fields(e)[..],
            &[crate::now_text().into(), id.into()],
        ]
        .concat(),
    )
    .await?;
    if changed > 0 {
        change.finish(tx, actor, "update").await?;
    }
    Ok(changed > 0)
}

/// Sets the union covering an enterprise inside a transaction (audited).
pub async fn set_union(
    tx: &mut Tx,
    actor: &str,
    id: i64,
    union_id: Option<i64>,
) -> StoreResult<()> {
    let change = audit::Change::begin(tx, &ENTERPRISES, id).await?;
    let changed = query::affected(
        &mut *tx,
        "UPDATE enterprises SET union_id = $1, updated_at = $2 WHERE id = $3 AND union_id IS DISTINCT FROM $1",
        &[union_id.into(), crate::now_text().into(), id.into()],
    )
    .await?;
    if changed > 0 {
        change.finish(tx, actor, "cover").await?;
    }
    Ok(())
}

/// The id and township of the enterprise with `credit_code`, if registered.
pub async fn find_by_code(tx: &mut Tx, credit_code: &str) -> StoreResult<Option<(i64, String)>> {
    Ok(on_tx!(tx, |c| sqlx::query_as(
        "SELECT id, township FROM enterprises WHERE credit_code = $1"
    )
    .bind(credit_code)
    .fetch_optional(&mut *c)
    .await?))
}

/// Registers an enterprise from the form; township staff only in their own township.
pub async fn create(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    e: &EnterpriseInput,
) -> StoreResult<i64> {
    if !scope.allows_code(Some(e.township.code())) {
        return Err(StoreError::from(Refusal::EnterpriseOutsideTownship));
    }
    if find_by_code(tx, e.credit_code.as_str()).await?.is_some() {
        return Err(StoreError::Conflict(format!(
            "统一社会信用代码已登记：{}",
            e.credit_code
        )));
    }
    insert(tx, actor, e).await
}

/// Changes an enterprise from the form; not found outside the scope, and township staff
/// cannot move one into another township.
pub async fn update(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    id: i64,
    e: &EnterpriseInput,
) -> StoreResult<()> {
    get(&mut *tx, scope, id).await?;
    if !scope.allows_code(Some(e.township.code())) {
        return Err(StoreError::from(Refusal::EnterpriseMovedAway));
    }
    if let Some((other, _)) = find_by_code(tx, e.credit_code.as_str()).await?
        && other != id
    {
        return Err(StoreError::Conflict(format!(
            "统一社会信用代码已被其他企业使用：{}",
            e.credit_code
        )));
    }
    replace_fields(tx, actor, id, e).await?;
    Ok(())
}
