//! Member protection claims (意外伤害、家财损失): submitted for a member, accepted, then
//! paid or refused with a reason. Scoped by the member's township like every union record.

use super::Scope;
use super::codes::from_code;
use super::members;
use super::services::scoped_row;
use super::welfare::{Holder, HolderRow, push_holder_search};
use crate::audit::{self, AuditedTable};
use crate::db::{Conn, Tx};
use crate::error::{StoreError, StoreResult};
use crate::query::page;
use crate::sql::{Bind, Where};
use chrono::NaiveDate;
use domain::platform::{Fen, ResidentId};
use domain::union::protection::{ClaimError, ClaimKind, ClaimStatus, check_claim};
use domain::union::welfare::WelfareError;

/// The claims table as audited.
pub const CLAIMS: AuditedTable = AuditedTable {
    entity: "union_protection_claim",
    table: "union_protection_claims",
    secret_columns: &[],
};

/// A claim with its member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// Database id.
    pub id: i64,
    /// Whose it is.
    pub holder: Holder,
    /// What for.
    pub kind: ClaimKind,
    /// When it happened.
    pub event_on: NaiveDate,
    /// The amount claimed.
    pub claimed: Fen,
    /// Where it stands (with the amount paid or the reason refused).
    pub status: ClaimStatus,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    #[sqlx(flatten)]
    holder: HolderRow,
    kind: String,
    event_on: String,
    claimed_fen: i64,
    stage: String,
    paid_fen: Option<i64>,
    paid_on: Option<String>,
    refusal_reason: Option<String>,
}

fn decode(r: Row) -> StoreResult<Claim> {
    let bad = |what: &str| StoreError::corrupt(format!("保障申请 {} 的{what}无效", r.id));
    let status = match (r.stage.as_str(), r.paid_fen, r.paid_on.as_deref()) {
        ("submitted", _, _) => ClaimStatus::Submitted,
        ("accepted", _, _) => ClaimStatus::Accepted,
        ("paid", Some(a), Some(on)) => ClaimStatus::Paid {
            amount: Fen(a),
            on: super::codes::stored_date(on)?,
        },
        ("refused", _, _) => ClaimStatus::Refused {
            reason: r.refusal_reason.clone().unwrap_or_default(),
        },
        _ => return Err(bad("状态")),
    };
    Ok(Claim {
        id: r.id,
        holder: r.holder.decode(&format!("保障申请 {}", r.id))?,
        kind: from_code(ClaimKind::ALL, ClaimKind::code, &r.kind)?,
        event_on: super::codes::stored_date(&r.event_on)?,
        claimed: Fen(r.claimed_fen),
        status,
    })
}

const SELECT: &str = "SELECT c.id, c.member_id, m.name AS member_name, m.resident_id, c.township,
    c.kind, c.event_on, c.claimed_fen, c.stage, c.paid_fen, c.paid_on, c.refusal_reason
    FROM union_protection_claims c JOIN members m ON m.id = c.member_id";

/// Files a claim for a member in `scope`; `today` bounds the event date.
pub async fn submit(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    (resident_id, kind): (&ResidentId, ClaimKind),
    event_on: NaiveDate,
    claimed: Fen,
    today: NaiveDate,
) -> StoreResult<i64> {
    let member = match members::by_resident_id(&mut *tx, scope, resident_id).await {
        Ok(m) => m,
        Err(StoreError::NotFound) => return Err(WelfareError::NotMember.into()),
        Err(e) => return Err(e),
    };
    check_claim(claimed, event_on, today)?;
    let now = crate::now_text();
    audit::insert(
        tx,
        actor,
        &CLAIMS,
        "INSERT INTO union_protection_claims (member_id, township, kind, event_on, claimed_fen,
         stage, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'submitted', $6, $6) RETURNING id",
        &[
            member.id.into(),
            Bind::from(member.township.map(|t| t.code())),
            kind.code().into(),
            super::codes::date_text(event_on).into(),
            claimed.0.into(),
            now.into(),
        ],
    )
    .await
}

/// One claim in `scope`.
pub async fn get(conn: impl Into<Conn<'_>>, scope: Scope, id: i64) -> StoreResult<Claim> {
    let sql = format!("{SELECT} WHERE c.id = $1");
    scoped_row(conn, scope, &sql, id, decode, |x: &Claim| x.holder.township).await
}

/// Filters of the claim list; unset filters do not restrict.
#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    /// The stage code (`submitted`, `accepted`, `paid`, `refused`).
    pub stage: Option<String>,
    /// The kind.
    pub kind: Option<ClaimKind>,
    /// The year of the event claimed for.
    pub year: Option<i32>,
    /// Name (its beginning) or resident ID of the member.
    pub q: Option<String>,
}

/// A page of claims in `scope` that `f` matches, newest first, and the count.
pub async fn list(
    conn: impl Into<Conn<'_>>,
    scope: Scope,
    f: &ClaimFilter,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<Claim>, i64)> {
    let mut w = Where::default();
    w.push_some("c.township = ?", scope.township_code());
    w.push_some("c.stage = ?", f.stage.as_deref());
    w.push_some("c.kind = ?", f.kind.map(ClaimKind::code));
    if let Some((from, to)) = f.year.map(crate::year_bounds) {
        w.push_with(
            "c.event_on >= ? AND c.event_on <= ?",
            vec![from.into(), to.into()],
        );
    }
    push_holder_search(&mut w, f.q.as_deref());
    let count =
        "SELECT COUNT(*) FROM union_protection_claims c JOIN members m ON m.id = c.member_id";
    page(
        conn,
        (SELECT, count),
        &w,
        "c.id DESC",
        (limit, offset),
        decode,
    )
    .await
}

/// What a claim is moved to.
#[derive(Debug, Clone)]
pub enum ClaimStep {
    /// Accept for assessment.
    Accept,
    /// Pay this amount on this day.
    Pay(Fen, NaiveDate),
    /// Refuse with this reason.
    Refuse(String),
}

/// Moves claim `id` (in `scope`) one step.
pub async fn step(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    id: i64,
    step: &ClaimStep,
) -> StoreResult<()> {
    let c = get(&mut *tx, scope, id).await?;
    let (next, action) = match step {
        ClaimStep::Accept => (c.status.accept(), "accept"),
        ClaimStep::Pay(amount, on) => (c.status.pay(*amount, c.claimed, *on), "pay"),
        ClaimStep::Refuse(reason) => (c.status.refuse(reason), "refuse"),
    };
    let next = next.map_err(|e: ClaimError| StoreError::from(e))?;
    let (paid, on, reason) = match &next {
        ClaimStatus::Paid { amount, on } => {
            (Some(amount.0), Some(super::codes::date_text(*on)), None)
        }
        ClaimStatus::Refused { reason } => (None, None, Some(reason.clone())),
        _ => (None, None, None),
    };
    audit::update(
        tx,
        actor,
        (&CLAIMS, id),
        action,
        "UPDATE union_protection_claims SET stage = $1, paid_fen = $2, paid_on = $3,
         refusal_reason = $4, updated_at = $5 WHERE id = $6",
        &[
            next.code().into(),
            paid.into(),
            on.into(),
            reason.into(),
            crate::now_text().into(),
            id.into(),
        ],
    )
    .await
}
