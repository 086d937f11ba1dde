//! What the services for members share: who may enrol in each kind of programme (a
//! setting of the city), the year's figures of aid, claims and programmes, and the
//! small helpers their modules use to read codes back and to report a duplicate.

use super::Scope;
use super::codes::from_code;
use super::settings;
use crate::audit::UpdateLog;
use crate::db::{Conn, Tx};
use crate::error::{StoreError, StoreResult};
use crate::query;
use crate::sql::{Bind, Where};
use domain::platform::{Fen, ResidentId};
use domain::union::township::Township;
use domain::union::welfare::{CollegeLevel, Eligibility, ProgrammeKind};
use serde::Serialize;

/// Whose record an application, a claim or an enrolment is: the member, and their
/// township when the record was made (whose staff handle it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// The member's id.
    pub member_id: i64,
    /// The member's name.
    pub name: String,
    /// The member's resident ID.
    pub resident_id: ResidentId,
    /// The township, if the member's union has one.
    pub township: Option<Township>,
}

impl Holder {
    /// The resident ID as lists show it.
    pub fn masked_id(&self) -> String {
        domain::platform::masking::mask_id(self.resident_id.as_str())
    }
}

/// The holder's columns of a record's row (`member_id`, `member_name`, `resident_id`,
/// `township`), flattened into each row type.
#[derive(sqlx::FromRow)]
pub(crate) struct HolderRow {
    member_id: i64,
    member_name: String,
    resident_id: String,
    township: Option<String>,
}

impl HolderRow {
    /// The holder; `what` names the record for the message if a value is damaged.
    pub(crate) fn decode(self, what: &str) -> StoreResult<Holder> {
        Ok(Holder {
            member_id: self.member_id,
            resident_id: ResidentId::parse(&self.resident_id)
                .map_err(|_| StoreError::corrupt(format!("{what}的身份证号无效")))?,
            name: self.member_name,
            township: self
                .township
                .as_deref()
                .map(super::codes::township)
                .transpose()?,
        })
    }
}

/// The search box of a list of members' records (aid applications, claims): the
/// beginning of the member's name (joined as `m`) or a whole resident ID.
pub(crate) fn push_holder_search(w: &mut Where, q: Option<&str>) {
    let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) else {
        return;
    };
    w.push_with(
        "(m.name LIKE ? OR m.resident_id = ?)",
        vec![
            format!("{}%", q.replace(['%', '_'], "")).into(),
            q.to_uppercase().into(),
        ],
    );
}

/// A unique index's refusal as the conflict the user is told about (`message`); any
/// other error as it is. Two requests at the same moment both pass the read that checks
/// for a duplicate; the index stops the second.
pub(crate) fn duplicate_as(e: StoreError, message: &str) -> StoreError {
    match &e {
        StoreError::Database(sqlx::Error::Database(d)) if d.is_unique_violation() => {
            StoreError::Conflict(message.to_string())
        }
        _ => e,
    }
}

fn setting_name(kind: ProgrammeKind) -> String {
    format!("welfare_eligibility_{}", kind.code())
}

/// Who may enrol in programmes of `kind`: the city's setting, or the kind's default.
pub async fn eligibility(
    conn: impl Into<Conn<'_>>,
    kind: ProgrammeKind,
) -> StoreResult<Eligibility> {
    match settings::value(conn, &setting_name(kind)).await? {
        Some(v) => from_code(Eligibility::ALL, Eligibility::code, &v),
        None => Ok(kind.default_eligibility()),
    }
}

/// Sets who may enrol in programmes of `kind` (audited); enrolments already made stay.
pub async fn set_eligibility(
    tx: &mut Tx,
    actor: &str,
    kind: ProgrammeKind,
    rule: Eligibility,
) -> StoreResult<()> {
    let log = UpdateLog::Always("update");
    settings::set(tx, actor, &setting_name(kind), rule.code(), log).await
}

/// The year's figures of the services for members, as the yearly report states them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct AidFigures {
    /// Hardship aid paid out with a payment date in the year (助医、助学、两节慰问).
    pub aid_disbursed: Fen,
    /// How many aid applications were paid in the year.
    pub aid_disbursed_count: i64,
    /// Protection claims paid in the year (paid date in the year).
    pub claims_paid: Fen,
    /// How many claims were paid in the year.
    pub claims_paid_count: i64,
    /// Places taken in the year's recuperation programmes (疗休养).
    pub recuperation_places: i64,
    /// Places taken in the year's health-check programmes (健康体检).
    pub health_checks: i64,
    /// Places taken in the year's college subsidy for a junior college degree (大专).
    pub college_junior: i64,
    /// … for an undergraduate degree (本科).
    pub college_undergraduate: i64,
}

/// The figures of `year`, computed with aggregates over the records; township staff get
/// their township's (programme places counted by the enrolled member's township).
pub async fn year_figures(
    conn: impl Into<Conn<'_>>,
    year: i32,
    scope: Scope,
) -> StoreResult<AidFigures> {
    let mut conn = conn.into();
    let (from, to) = crate::year_bounds(year);
    let township = scope.township_code().map(str::to_string);
    let binds = [Bind::from(&from), Bind::from(&to), Bind::from(&township)];
    // (how many, how much) paid with a date in the year, per table.
    let paid = async |conn: &mut Conn<'_>, table: &str, amount: &str, on: &str, stage: &str| {
        let sql = format!(
            "SELECT COUNT(*), CAST(COALESCE(SUM({amount}), 0) AS BIGINT) FROM {table}
             WHERE stage = '{stage}' AND {on} >= $1 AND {on} <= $2 AND ($3 IS NULL OR township = $3)"
        );
        let found: Option<(i64, i64)> = query::row(&mut *conn, &sql, &binds, Ok).await?;
        StoreResult::Ok(found.unwrap_or((0, 0)))
    };
    let (aid_count, aid_sum) = paid(
        &mut conn,
        "union_aid_applications",
        "approved_fen",
        "disbursed_on",
        "disbursed",
    )
    .await?;
    let (claim_count, claim_sum) = paid(
        &mut conn,
        "union_protection_claims",
        "paid_fen",
        "paid_on",
        "paid",
    )
    .await?;
    let places: Vec<(String, Option<String>, i64)> = query::rows(
        &mut conn,
        "SELECT p.kind, p.level, COUNT(*) FROM union_enrolments e
         JOIN union_programmes p ON p.id = e.programme_id
         WHERE p.year = $1 AND e.state = 'enrolled' AND ($2 IS NULL OR e.township = $2)
         GROUP BY p.kind, p.level",
        &[Bind::Int(i64::from(year)), Bind::from(&township)],
        Ok,
    )
    .await?;
    let mut f = AidFigures {
        aid_disbursed: Fen(aid_sum),
        aid_disbursed_count: aid_count,
        claims_paid: Fen(claim_sum),
        claims_paid_count: claim_count,
        ..AidFigures::default()
    };
    for (kind, level, n) in places {
        let level = level
            .as_deref()
            .map(|l| from_code(CollegeLevel::ALL, CollegeLevel::code, l))
            .transpose()?;
        match (
            from_code(ProgrammeKind::ALL, ProgrammeKind::code, &kind)?,
            level,
        ) {
            (ProgrammeKind::Recuperation, _) => f.recuperation_places += n,
            (ProgrammeKind::HealthCheck, _) => f.health_checks += n,
            (ProgrammeKind::CollegeSubsidy, Some(CollegeLevel::JuniorCollege)) => {
                f.college_junior += n
            }
            (ProgrammeKind::CollegeSubsidy, Some(CollegeLevel::Undergraduate)) => {
                f.college_undergraduate += n
            }
            (ProgrammeKind::CollegeSubsidy, None) => {}
        }
    }
    Ok(f)
}
