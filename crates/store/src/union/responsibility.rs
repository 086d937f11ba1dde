//! Enterprise social-responsibility assessment (企业社会责任评价): four scores (market,
//! environment, employment, public welfare) per enterprise per year, and the grade the
//! domain computes from them.

use super::enterprises;
use super::services::{self, check_scope, from_code};
use super::{Scope, codes};
use crate::audit::{self, AuditedTable};
use crate::db::{Db, Tx};
use crate::error::StoreResult;
use crate::query;
use crate::sql::Bind;
use domain::union::assessment::{ResponsibilityGrade, ResponsibilityScores};
use domain::union::rights::RightsError;
use domain::union::township::Township;

/// The assessments table as audited.
pub const RESPONSIBILITY: AuditedTable = AuditedTable {
    entity: "union_responsibility",
    table: "union_responsibility",
    secret_columns: &[],
};

/// One enterprise's assessment for one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// Database id.
    pub id: i64,
    /// The enterprise.
    pub enterprise_id: i64,
    /// Its name.
    pub enterprise_name: String,
    /// Its township.
    pub township: Township,
    /// The year.
    pub year: i32,
    /// The four scores.
    pub scores: ResponsibilityScores,
    /// The grade.
    pub grade: ResponsibilityGrade,
    /// A remark.
    pub note: String,
}

type Row = (
    i64,
    i64,
    String,
    String,
    i64,
    i64,
    i64,
    i64,
    i64,
    String,
    String,
);

fn decode(
    (id, eid, name, township, year, m, env, emp, w, grade, note): Row,
) -> StoreResult<Assessment> {
    let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    let scores = ResponsibilityScores::new(n(m), n(env), n(emp), n(w))
        .map_err(|e| crate::error::StoreError::corrupt(e.to_string()))?;
    Ok(Assessment {
        id,
        enterprise_id: eid,
        enterprise_name: name,
        township: codes::township(&township)?,
        year: i32::try_from(year).unwrap_or_default(),
        scores,
        grade: from_code(ResponsibilityGrade::ALL, ResponsibilityGrade::code, &grade)?,
        note,
    })
}

const SELECT: &str = "SELECT r.id, r.enterprise_id, e.name, e.township, r.year, r.market, r.environment,
    r.employment, r.welfare, r.grade, r.note FROM union_responsibility r JOIN enterprises e ON e.id = r.enterprise_id";

/// The year's assessments in scope, best total first.
pub async fn of_year(db: &Db, scope: Scope, year: i32) -> StoreResult<Vec<Assessment>> {
    query::rows(
        db,
        &format!(
            "{SELECT} WHERE r.year = $1 AND ($2 IS NULL OR e.township = $2)
             ORDER BY r.market + r.environment + r.employment + r.welfare DESC, e.name, r.id"
        ),
        &[i64::from(year).into(), scope.township_code().into()],
        decode,
    )
    .await
}

/// An enterprise's assessments, latest year first (the enterprise must be in scope).
pub async fn of_enterprise(
    db: &Db,
    scope: Scope,
    enterprise_id: i64,
) -> StoreResult<Vec<Assessment>> {
    let sql = format!("{SELECT} WHERE r.enterprise_id = $1 ORDER BY r.year DESC");
    services::of_enterprise(db, scope, enterprise_id, &sql, decode).await
}

/// Records or replaces an enterprise's assessment for `year` (audited, the grade computed).
pub async fn record(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    enterprise_id: i64,
    year: i32,
    scores: &ResponsibilityScores,
    note: &str,
) -> StoreResult<i64> {
    let e = enterprises::get(&mut *tx, scope, enterprise_id).await?;
    check_scope(scope, e.township)?;
    let s = ResponsibilityScores::new(
        scores.market(),
        scores.environment(),
        scores.employment(),
        scores.welfare(),
    )
    .map_err(RightsError::from)?;
    let existing: Option<i64> = query::value(
        &mut *tx,
        "SELECT id FROM union_responsibility WHERE enterprise_id = $1 AND year = $2",
        &[enterprise_id.into(), i64::from(year).into()],
    )
    .await?;
    // market, environment, employment, welfare, grade, note: written alike by both
    // statements.
    let fields: [Bind; 6] = [
        i64::from(s.market()).into(),
        i64::from(s.environment()).into(),
        i64::from(s.employment()).into(),
        i64::from(s.welfare()).into(),
        s.grade().code().into(),
        note.trim().into(),
    ];
    let (id, _) = audit::upsert(
        tx,
        actor,
        &RESPONSIBILITY,
        existing,
        audit::UpdateLog::IfChanged,
        async |tx, id| {
            query::execute(
                tx,
                "UPDATE union_responsibility SET market = $1, environment = $2, employment = $3, welfare = $4,
                 grade = $5, note = $6 WHERE id = $7",
                &[&fields[..], &[id.into()]].concat(),
            )
            .await
        },
        async |tx| {
            query::one(
                tx,
                "INSERT INTO union_responsibility (enterprise_id, year, market, environment, employment, welfare, grade, note)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                &[&[enterprise_id.into(), i64::from(year).into()][..], &fields].concat(),
            )
            .await
        },
    )
    .await?;
    Ok(id)
}
