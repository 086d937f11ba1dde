//! Hardship aid (助医、助学、两节慰问): applications by members, reviewed by the staff of
//! the member's township, approved with an amount by the city within the year's budget,
//! then disbursed. The stages are the domain's [`AidStatus`]; the store adds what needs
//! the records: the member, the budget left, one festival visit per member per festival
//! per year (checked here and held by a unique index), and township scoping.

use super::Scope;
use super::codes::from_code;
use super::members;
use super::services::scoped_row;
use super::welfare::{Holder, HolderRow, duplicate_as, push_holder_search};
use crate::audit::{self, AuditedTable};
use crate::db::{Conn, Tx};
use crate::error::{StoreError, StoreResult};
use crate::query;
use crate::query::page;
use crate::sql::{Bind, Where};
use chrono::{Datelike, NaiveDate};
use domain::platform::{Fen, ResidentId};
use domain::union::aid::{AidBudget, AidDocument, AidError, AidKind, AidStatus, Festival};
use domain::union::welfare::WelfareError;

/// The applications table as audited.
pub const APPLICATIONS: AuditedTable = AuditedTable {
    entity: "union_aid_application",
    table: "union_aid_applications",
    secret_columns: &[],
};

/// The budgets table as audited.
pub const BUDGETS: AuditedTable = AuditedTable {
    entity: "union_aid_budget",
    table: "union_aid_budgets",
    secret_columns: &[],
};

/// An aid application with its member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// Database id.
    pub id: i64,
    /// Whose it is.
    pub holder: Holder,
    /// What the aid is for.
    pub kind: AidKind,
    /// The budget year (the year applied in).
    pub year: i32,
    /// The festival of a festival visit.
    pub festival: Option<Festival>,
    /// The amount asked for.
    pub asked: Fen,
    /// Why the member asks.
    pub reason: String,
    /// The documents given.
    pub documents: Vec<AidDocument>,
    /// Where it stands.
    pub status: AidStatus,
    /// When it was made.
    pub applied_on: NaiveDate,
}

impl Application {
    /// The required documents still missing.
    pub fn missing_documents(&self) -> Vec<AidDocument> {
        self.kind.missing_documents(&self.documents)
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    #[sqlx(flatten)]
    holder: HolderRow,
    kind: String,
    year: i64,
    festival: Option<String>,
    asked_fen: i64,
    reason: String,
    documents: String,
    stage: String,
    approved_fen: Option<i64>,
    disbursed_on: Option<String>,
    rejection_reason: Option<String>,
    applied_on: String,
}

fn decode(r: Row) -> StoreResult<Application> {
    let bad = |what: &str| StoreError::corrupt(format!("帮扶申请 {} 的{what}无效", r.id));
    let status = match (r.stage.as_str(), r.approved_fen, r.disbursed_on.as_deref()) {
        ("applied", _, _) => AidStatus::Applied,
        ("reviewed", _, _) => AidStatus::Reviewed,
        ("approved", Some(a), _) => AidStatus::Approved { amount: Fen(a) },
        ("disbursed", Some(a), Some(on)) => AidStatus::Disbursed {
            amount: Fen(a),
            on: super::codes::stored_date(on)?,
        },
        ("rejected", _, _) => AidStatus::Rejected {
            reason: r.rejection_reason.clone().unwrap_or_default(),
        },
        _ => return Err(bad("状态")),
    };
    let documents = r
        .documents
        .split(',')
        .filter(|d| !d.is_empty())
        .map(|d| from_code(AidDocument::ALL, AidDocument::code, d))
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Application {
        id: r.id,
        holder: r.holder.decode(&format!("帮扶申请 {}", r.id))?,
        kind: from_code(AidKind::ALL, AidKind::code, &r.kind)?,
        year: i32::try_from(r.year).map_err(|_| bad("年度"))?,
        festival: r
            .festival
            .as_deref()
            .map(|f| from_code(Festival::ALL, Festival::code, f))
            .transpose()?,
        asked: Fen(r.asked_fen),
        reason: r.reason,
        documents,
        status,
        applied_on: super::codes::stored_date(&r.applied_on)?,
    })
}

const SELECT: &str = "SELECT a.id, a.member_id, m.name AS member_name, m.resident_id, a.township,
    a.kind, a.year, a.festival, a.asked_fen, a.reason, a.documents, a.stage, a.approved_fen,
    a.disbursed_on, a.rejection_reason, a.applied_on
    FROM union_aid_applications a JOIN members m ON m.id = a.member_id";

/// What a member applies for.
#[derive(Debug, Clone)]
pub struct NewApplication {
    /// The member.
    pub resident_id: ResidentId,
    /// What for.
    pub kind: AidKind,
    /// The festival, for a festival visit.
    pub festival: Option<Festival>,
    /// The amount asked for.
    pub asked: Fen,
    /// Why.
    pub reason: String,
    /// The documents given so far.
    pub documents: Vec<AidDocument>,
    /// The day of the application (its year is the budget year).
    pub applied_on: NaiveDate,
}

fn documents_text(docs: &[AidDocument]) -> String {
    AidDocument::ALL
        .iter()
        .filter(|d| docs.contains(d))
        .map(|d| d.code())
        .collect::<Vec<_>>()
        .join(",")
}

/// Files an application for a current member in `scope`; a member outside it is "not
/// found" like one who does not exist. A second festival visit of the same member for the
/// same festival and year is a conflict.
pub async fn apply(tx: &mut Tx, actor: &str, scope: Scope, a: &NewApplication) -> StoreResult<i64> {
    let member = match members::by_resident_id(&mut *tx, scope, &a.resident_id).await {
        Ok(m) if m.active() => m,
        Ok(_) | Err(StoreError::NotFound) => return Err(WelfareError::NotMember.into()),
        Err(e) => return Err(e),
    };
    if a.reason.trim().is_empty() {
        return Err(AidError::EmptyReason.into());
    }
    a.kind.check_application(a.asked, a.festival)?;
    let year = i64::from(a.applied_on.year());
    let visited = "该会员本年度已有该节日的慰问申请，每人每节每年限一次";
    if let Some(f) = a.festival {
        let earlier: Option<i64> = query::value(
            &mut *tx,
            "SELECT id FROM union_aid_applications
             WHERE member_id = $1 AND year = $2 AND festival = $3 AND stage <> 'rejected'",
            &[member.id.into(), year.into(), f.code().into()],
        )
        .await?;
        if earlier.is_some() {
            return Err(StoreError::Conflict(visited.into()));
        }
    }
    let now = crate::now_text();
    audit::insert(
        tx,
        actor,
        &APPLICATIONS,
        "INSERT INTO union_aid_applications (member_id, township, kind, year, festival, asked_fen,
         reason, documents, stage, applied_on, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'applied', $9, $10, $10) RETURNING id",
        &[
            member.id.into(),
            Bind::from(member.township.map(|t| t.code())),
            a.kind.code().into(),
            year.into(),
            Bind::from(a.festival.map(|f| f.code())),
            a.asked.0.into(),
            a.reason.trim().into(),
            documents_text(&a.documents).into(),
            super::codes::date_text(a.applied_on).into(),
            now.into(),
        ],
    )
    .await
    .map_err(|e| duplicate_as(e, visited))
}

/// One application in `scope`.
pub async fn get(conn: impl Into<Conn<'_>>, scope: Scope, id: i64) -> StoreResult<Application> {
    let sql = format!("{SELECT} WHERE a.id = $1");
    scoped_row(conn, scope, &sql, id, decode, |x: &Application| {
        x.holder.township
    })
    .await
}

/// One application of the member `member_id`: another member's is "not found".
pub async fn get_own(
    conn: impl Into<Conn<'_>>,
    member_id: i64,
    id: i64,
) -> StoreResult<Application> {
    query::row(
        conn,
        &format!("{SELECT} WHERE a.id = $1 AND a.member_id = $2"),
        &[id.into(), member_id.into()],
        decode,
    )
    .await?
    .ok_or(StoreError::NotFound)
}

/// A member's applications, newest first.
pub async fn of_member(conn: impl Into<Conn<'_>>, member_id: i64) -> StoreResult<Vec<Application>> {
    query::rows(
        conn,
        &format!("{SELECT} WHERE a.member_id = $1 ORDER BY a.id DESC"),
        &[member_id.into()],
        decode,
    )
    .await
}

/// Filters of the application list.
#[derive(Debug, Clone, Default)]
pub struct AidFilter {
    /// The budget year.
    pub year: Option<i32>,
    /// The kind.
    pub kind: Option<AidKind>,
    /// The stage code (`applied`, `reviewed`, `approved`, `disbursed`, `rejected`).
    pub stage: Option<String>,
    /// Name (prefix) or resident ID of the member.
    pub q: Option<String>,
}

fn filter_sql(scope: Scope, f: &AidFilter) -> Where {
    let mut w = Where::default();
    w.push_some("a.township = ?", scope.township_code());
    w.push_some("a.year = ?", f.year.map(i64::from));
    w.push_some("a.kind = ?", f.kind.map(|k| k.code()));
    w.push_some("a.stage = ?", f.stage.as_deref());
    push_holder_search(&mut w, f.q.as_deref());
    w
}

/// A page of applications in `scope`, newest first, and how many match.
pub async fn list(
    conn: impl Into<Conn<'_>>,
    scope: Scope,
    f: &AidFilter,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<Application>, i64)> {
    let count =
        "SELECT COUNT(*) FROM union_aid_applications a JOIN members m ON m.id = a.member_id";
    let w = filter_sql(scope, f);
    page(
        conn,
        (SELECT, count),
        &w,
        "a.id DESC",
        (limit, offset),
        decode,
    )
    .await
}

/// Moves application `id` (found in `scope`) to `status`, audited as `action`.
async fn write_status(
    tx: &mut Tx,
    actor: &str,
    id: i64,
    status: &AidStatus,
    action: &str,
) -> StoreResult<()> {
    let (stage, amount, on, reason): (&str, Option<i64>, Option<String>, Option<String>) =
        match status {
            AidStatus::Applied => ("applied", None, None, None),
            AidStatus::Reviewed => ("reviewed", None, None, None),
            AidStatus::Approved { amount } => ("approved", Some(amount.0), None, None),
            AidStatus::Disbursed { amount, on } => (
                "disbursed",
                Some(amount.0),
                Some(super::codes::date_text(*on)),
                None,
            ),
            AidStatus::Rejected { reason } => ("rejected", None, None, Some(reason.clone())),
        };
    audit::update(
        tx,
        actor,
        (&APPLICATIONS, id),
        action,
        "UPDATE union_aid_applications SET stage = $1, approved_fen = $2, disbursed_on = $3,
         rejection_reason = $4, updated_at = $5 WHERE id = $6",
        &[
            stage.into(),
            amount.into(),
            on.into(),
            reason.into(),
            crate::now_text().into(),
            id.into(),
        ],
    )
    .await
}

/// Records the township's review: by staff of the member's township (the city reviews
/// only members of unions directly under it), and only with every required document.
pub async fn review(tx: &mut Tx, actor: &str, scope: Scope, id: i64) -> StoreResult<()> {
    let a = get(&mut *tx, scope, id).await?;
    if scope != a.holder.township.map_or(Scope::City, Scope::Township) {
        return Err(AidError::ReviewByTownship.into());
    }
    a.kind.check_documents(&a.documents)?;
    let next = a.status.review()?;
    write_status(tx, actor, id, &next, "review").await
}

/// Sets the documents given (while the application waits for review).
pub async fn set_documents(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    id: i64,
    documents: &[AidDocument],
) -> StoreResult<()> {
    let a = get(&mut *tx, scope, id).await?;
    if a.status != AidStatus::Applied {
        return Err(AidError::NotAllowed {
            from: a.status.label(),
            action: "补充材料",
        }
        .into());
    }
    audit::update(
        tx,
        actor,
        (&APPLICATIONS, id),
        "documents",
        "UPDATE union_aid_applications SET documents = $1, updated_at = $2 WHERE id = $3",
        &[
            documents_text(documents).into(),
            crate::now_text().into(),
            id.into(),
        ],
    )
    .await
}

/// Approves `amount` (the city): refused beyond what is left of the application year's
/// budget. The budget row is locked first, so two approvals at once cannot both spend
/// the same remainder.
pub async fn approve(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    id: i64,
    amount: Fen,
) -> StoreResult<()> {
    let a = get(&mut *tx, scope, id).await?;
    query::execute(
        &mut *tx,
        "UPDATE union_aid_budgets SET updated_at = updated_at WHERE year = $1",
        &[i64::from(a.year).into()],
    )
    .await?;
    let next = a.status.approve(amount)?;
    budget(&mut *tx, a.year).await?.check(amount)?;
    write_status(tx, actor, id, &next, "approve").await
}

/// Records the payment of the approved amount on `on`.
pub async fn disburse(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    id: i64,
    on: NaiveDate,
) -> StoreResult<()> {
    let a = get(&mut *tx, scope, id).await?;
    let next = a.status.disburse(on)?;
    write_status(tx, actor, id, &next, "disburse").await
}

/// Rejects the application with its written reason (before approval).
pub async fn reject(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    id: i64,
    reason: &str,
) -> StoreResult<()> {
    let a = get(&mut *tx, scope, id).await?;
    let next = a.status.reject(reason)?;
    write_status(tx, actor, id, &next, "reject").await
}

/// The budget of `year` with what is committed to it (approved or disbursed); a year
/// the city set no budget for has nothing to spend.
pub async fn budget(conn: impl Into<Conn<'_>>, year: i32) -> StoreResult<AidBudget> {
    let mut conn = conn.into();
    let total: Option<i64> = query::value(
        &mut conn,
        "SELECT amount_fen FROM union_aid_budgets WHERE year = $1",
        &[i64::from(year).into()],
    )
    .await?;
    let committed: i64 = query::one(
        &mut conn,
        "SELECT CAST(COALESCE(SUM(approved_fen), 0) AS BIGINT) FROM union_aid_applications
         WHERE year = $1 AND stage IN ('approved', 'disbursed')",
        &[i64::from(year).into()],
    )
    .await?;
    Ok(AidBudget {
        year,
        total: Fen(total.unwrap_or(0)),
        committed: Fen(committed),
    })
}

/// Sets the budget of `year` (the city; audited).
pub async fn set_budget(tx: &mut Tx, actor: &str, year: i32, amount: Fen) -> StoreResult<()> {
    if amount < Fen::ZERO {
        return Err(AidError::NonPositiveAmount(amount).into());
    }
    let existing: Option<i64> = query::value(
        &mut *tx,
        "SELECT id FROM union_aid_budgets WHERE year = $1",
        &[i64::from(year).into()],
    )
    .await?;
    let now = crate::now_text();
    audit::upsert(
        tx,
        actor,
        &BUDGETS,
        existing,
        audit::UpdateLog::Always("update"),
        async |tx, id| {
            query::execute(
                tx,
                "UPDATE union_aid_budgets SET amount_fen = $1, updated_at = $2 WHERE id = $3",
                &[amount.0.into(), Bind::from(&now), id.into()],
            )
            .await
        },
        async |tx| {
            query::one(
                tx,
                "INSERT INTO union_aid_budgets (year, amount_fen, updated_at) VALUES ($1, $2, $3) RETURNING id",
                &[i64::from(year).into(), amount.0.into(), Bind::from(&now)],
            )
            .await
        },
    )
    .await?;
    Ok(())
}

/// Tells the member by SMS (through the outbox, in the caller's transaction) what became of
/// application `id` after a decision: approved with the amount, paid, or rejected with the
/// reason. Members without a mobile on record are not told. One message per application
/// and stage (the same decision twice queues nothing new).
pub async fn tell_member(tx: &mut Tx, actor: &str, scope: Scope, id: i64) -> StoreResult<()> {
    use crate::platform::notify::{self, NewMessage};
    use domain::platform::notify::{Audience, Channel, IdempotencyKey};
    let a = get(&mut *tx, scope, id).await?;
    let member = members::get(&mut *tx, scope, a.holder.member_id).await?;
    let Some(mobile) = member.mobile else {
        return Ok(());
    };
    let kind = a.kind.label();
    let (stage, text) = match &a.status {
        AidStatus::Approved { amount } => (
            "approved",
            format!("您申请的{kind}已获批准，金额 {amount}，将尽快发放。"),
        ),
        AidStatus::Disbursed { amount, on } => (
            "disbursed",
            format!("您申请的{kind} {amount} 已于 {on} 发放，请注意查收。"),
        ),
        AidStatus::Rejected { reason } => (
            "rejected",
            format!("您申请的{kind}未获批准，原因：{reason}。如有疑问请联系所在工会。"),
        ),
        AidStatus::Applied | AidStatus::Reviewed => return Ok(()),
    };
    let mut m = NewMessage::text(
        Channel::Sms,
        mobile.as_str(),
        &format!("【建德市总工会】{text}"),
        IdempotencyKey::derived(&["aid-decision", &id.to_string(), stage]),
    );
    m.source = format!("aid:{id}");
    m.audience = Audience::Union;
    notify::enqueue(tx, actor, &m).await?;
    Ok(())
}
