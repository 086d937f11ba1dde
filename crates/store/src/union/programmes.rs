//! Welfare programmes with a yearly quota (疗休养、健康体检、资助农民工上大学) and their
//! enrolments.
//!
//! The quota holds under any number of simultaneous enrolments because a place is taken
//! only by `UPDATE union_programmes SET enrolled = enrolled + 1 WHERE id = … AND enrolled
//! < quota`, inside the enrolling transaction: SQLite runs write transactions one at a
//! time (`BEGIN IMMEDIATE`), and PostgreSQL re-checks the condition on the row it waited
//! for, so of thirty asking for the last place one gets it and the rest are put on the
//! waiting list. The waiting list is ordered by the enrolment's id (the order of asking);
//! a place given up goes to the first one waiting.

use super::Scope;
use super::codes::from_code;
use super::members;
use super::services::scoped_row;
use super::welfare::{Holder, HolderRow, duplicate_as, eligibility};
use crate::audit::{self, AuditedTable};
use crate::db::{Conn, Tx};
use crate::error::{StoreError, StoreResult};
use crate::query;
use crate::sql::{Bind, Where};
use domain::platform::ResidentId;
use domain::union::welfare::{CollegeLevel, EnrolmentState, Places, ProgrammeKind, WelfareError};
use serde::Serialize;

/// The programmes table as audited.
pub const PROGRAMMES: AuditedTable = AuditedTable {
    entity: "union_programme",
    table: "union_programmes",
    secret_columns: &[],
};

/// The enrolments table as audited.
pub const ENROLMENTS: AuditedTable = AuditedTable {
    entity: "union_enrolment",
    table: "union_enrolments",
    secret_columns: &[],
};

/// A programme with its places.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Programme {
    /// Database id.
    pub id: i64,
    /// Name, e.g. `2019年劳模疗休养（千岛湖）`.
    pub name: String,
    /// Kind.
    pub kind: ProgrammeKind,
    /// Degree, for the college subsidy.
    pub level: Option<CollegeLevel>,
    /// Year.
    pub year: i32,
    /// Quota, places taken, waiting.
    pub places: Places,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    name: String,
    kind: String,
    level: Option<String>,
    year: i64,
    quota: i64,
    enrolled: i64,
    waiting: i64,
}

fn decode(r: Row) -> StoreResult<Programme> {
    Ok(Programme {
        id: r.id,
        name: r.name,
        kind: from_code(ProgrammeKind::ALL, ProgrammeKind::code, &r.kind)?,
        level: r
            .level
            .as_deref()
            .map(|l| from_code(CollegeLevel::ALL, CollegeLevel::code, l))
            .transpose()?,
        year: i32::try_from(r.year).map_err(|_| StoreError::corrupt("项目年度无效"))?,
        places: Places {
            quota: r.quota,
            enrolled: r.enrolled,
            waiting: r.waiting,
        },
    })
}

const SELECT: &str = "SELECT p.id, p.name, p.kind, p.level, p.year, p.quota, p.enrolled,
    (SELECT COUNT(*) FROM union_enrolments e WHERE e.programme_id = p.id AND e.state = 'waiting') AS waiting
    FROM union_programmes p";

/// What a new programme needs.
#[derive(Debug, Clone)]
pub struct NewProgramme {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: ProgrammeKind,
    /// Degree (college subsidy only).
    pub level: Option<CollegeLevel>,
    /// Year.
    pub year: i32,
    /// Quota.
    pub quota: i64,
}

/// Creates a programme (the city; audited).
pub async fn create(tx: &mut Tx, actor: &str, p: &NewProgramme) -> StoreResult<i64> {
    if p.name.trim().is_empty() {
        return Err(WelfareError::NameMissing.into());
    }
    if p.quota < 0 {
        return Err(WelfareError::NegativeQuota.into());
    }
    if !(1950..=2100).contains(&p.year) {
        return Err(WelfareError::YearInvalid(p.year).into());
    }
    if p.level.is_some() && p.kind != ProgrammeKind::CollegeSubsidy {
        return Err(WelfareError::LevelNotApplicable.into());
    }
    let now = crate::now_text();
    audit::insert(
        tx,
        actor,
        &PROGRAMMES,
        "INSERT INTO union_programmes (name, kind, level, year, quota, enrolled, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 0, $6, $6) RETURNING id",
        &[
            p.name.trim().into(),
            p.kind.code().into(),
            Bind::from(p.level.map(|l| l.code())),
            i64::from(p.year).into(),
            p.quota.into(),
            now.into(),
        ],
    )
    .await
}

/// The programmes of `year` (every year when `None`), newest year first, by kind.
pub async fn list(conn: impl Into<Conn<'_>>, year: Option<i32>) -> StoreResult<Vec<Programme>> {
    query::rows(
        conn,
        &format!("{SELECT} WHERE ($1 IS NULL OR p.year = $1) ORDER BY p.year DESC, p.kind, p.id"),
        &[Bind::OptInt(year.map(i64::from))],
        decode,
    )
    .await
}

/// One programme.
pub async fn get(conn: impl Into<Conn<'_>>, id: i64) -> StoreResult<Programme> {
    query::row(
        conn,
        &format!("{SELECT} WHERE p.id = $1"),
        &[id.into()],
        decode,
    )
    .await?
    .ok_or(StoreError::NotFound)
}

/// What an enrolment came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A place was taken (the enrolment's id).
    Enrolled(i64),
    /// Put on the waiting list at `position` (1 = next to move up).
    Waiting {
        /// The enrolment's id.
        id: i64,
        /// Its place in the queue.
        position: i64,
    },
}

/// Locks programme `id`'s row for the rest of the transaction (a no-op write), so that
/// enrolments and withdrawals of one programme happen one after another on PostgreSQL
/// too, and the audit entry's before-state is the one the change starts from.
async fn lock(tx: &mut Tx, id: i64) -> StoreResult<()> {
    let n = query::affected(
        &mut *tx,
        "UPDATE union_programmes SET updated_at = updated_at WHERE id = $1",
        &[id.into()],
    )
    .await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Enrols the member with `resident_id` (in `scope`) in programme `id`: a place while
/// the quota has one, else the waiting list. Not a current member (or outside the
/// scope), or not of the group the programme's kind is for: refused; enrolled or
/// waiting already: conflict.
pub async fn enrol(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    id: i64,
    resident_id: &ResidentId,
) -> StoreResult<Outcome> {
    let p = get(&mut *tx, id).await?;
    let member = match members::by_resident_id(&mut *tx, scope, resident_id).await {
        Ok(m) => m,
        Err(StoreError::NotFound) => return Err(WelfareError::NotMember.into()),
        Err(e) => return Err(e),
    };
    eligibility(&mut *tx, p.kind)
        .await?
        .admits(member.active(), member.migrant_worker)?;
    let already = "该会员已报名此项目（或已在候补名单中）";
    let existing: Option<i64> = query::value(
        &mut *tx,
        "SELECT id FROM union_enrolments WHERE programme_id = $1 AND member_id = $2 AND state <> 'withdrawn'",
        &[id.into(), member.id.into()],
    )
    .await?;
    if existing.is_some() {
        return Err(StoreError::Conflict(already.into()));
    }
    lock(tx, id).await?;
    let change = audit::Change::begin(tx, &PROGRAMMES, id).await?;
    let took = query::affected(
        &mut *tx,
        "UPDATE union_programmes SET enrolled = enrolled + 1, updated_at = $1
         WHERE id = $2 AND enrolled < quota",
        &[crate::now_text().into(), id.into()],
    )
    .await?
        == 1;
    let state = if took {
        change.finish(tx, actor, "enrol").await?;
        EnrolmentState::Enrolled
    } else {
        EnrolmentState::Waiting
    };
    let now = crate::now_text();
    let enrolment = audit::insert(
        tx,
        actor,
        &ENROLMENTS,
        "INSERT INTO union_enrolments (programme_id, member_id, township, state, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        &[
            id.into(),
            member.id.into(),
            Bind::from(member.township.map(|t| t.code())),
            state.code().into(),
            now.into(),
        ],
    )
    .await
    .map_err(|e| duplicate_as(e, already))?;
    if took {
        return Ok(Outcome::Enrolled(enrolment));
    }
    let position = position(&mut *tx, id, enrolment).await?;
    Ok(Outcome::Waiting {
        id: enrolment,
        position,
    })
}

/// Where waiting enrolment `enrolment` stands in programme `programme`'s queue.
pub async fn position(
    conn: impl Into<Conn<'_>>,
    programme: i64,
    enrolment: i64,
) -> StoreResult<i64> {
    let ahead: i64 = query::one(
        conn,
        "SELECT COUNT(*) FROM union_enrolments WHERE programme_id = $1 AND state = 'waiting' AND id < $2",
        &[programme.into(), enrolment.into()],
    )
    .await?;
    Ok(ahead + 1)
}

/// An enrolment as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    /// Database id.
    pub id: i64,
    /// The programme.
    pub programme_id: i64,
    /// Whose it is.
    pub holder: Holder,
    /// The member's union.
    pub union_name: String,
    /// Where it stands.
    pub state: EnrolmentState,
    /// The place in the queue, while waiting.
    pub position: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct EnrolmentRow {
    id: i64,
    programme_id: i64,
    #[sqlx(flatten)]
    holder: HolderRow,
    union_name: String,
    state: String,
    ahead: i64,
}

fn decode_enrolment(r: EnrolmentRow) -> StoreResult<Enrolment> {
    let state = from_code(EnrolmentState::ALL, EnrolmentState::code, &r.state)?;
    Ok(Enrolment {
        id: r.id,
        programme_id: r.programme_id,
        holder: r.holder.decode(&format!("报名 {}", r.id))?,
        union_name: r.union_name,
        position: (state == EnrolmentState::Waiting).then_some(r.ahead + 1),
        state,
    })
}

const SELECT_ENROLMENT: &str = "SELECT e.id, e.programme_id, e.member_id, m.name AS member_name,
    m.resident_id, u.name AS union_name, e.township, e.state,
    (SELECT COUNT(*) FROM union_enrolments w WHERE w.programme_id = e.programme_id
     AND w.state = 'waiting' AND w.id < e.id) AS ahead
    FROM union_enrolments e JOIN members m ON m.id = e.member_id JOIN unions u ON u.id = m.union_id";

/// The enrolments of programme `programme` in `scope` in state `state`, in the order of
/// asking (so the waiting list reads in queue order).
pub async fn enrolments(
    conn: impl Into<Conn<'_>>,
    scope: Scope,
    programme: i64,
    state: EnrolmentState,
) -> StoreResult<Vec<Enrolment>> {
    let mut w = Where::default();
    w.push_with("e.programme_id = ?", vec![programme.into()]);
    w.push_with("e.state = ?", vec![state.code().into()]);
    w.push_some("e.township = ?", scope.township_code());
    query::rows(
        conn,
        &format!("{SELECT_ENROLMENT}{} ORDER BY e.id", w.sql()),
        &w.binds,
        decode_enrolment,
    )
    .await
}

/// One enrolment in `scope`.
pub async fn enrolment(conn: impl Into<Conn<'_>>, scope: Scope, id: i64) -> StoreResult<Enrolment> {
    let sql = format!("{SELECT_ENROLMENT} WHERE e.id = $1");
    scoped_row(conn, scope, &sql, id, decode_enrolment, |x: &Enrolment| {
        x.holder.township
    })
    .await
}

/// A member's enrolments (withdrawn ones too), newest first.
pub async fn of_member(conn: impl Into<Conn<'_>>, member_id: i64) -> StoreResult<Vec<Enrolment>> {
    query::rows(
        conn,
        &format!("{SELECT_ENROLMENT} WHERE e.member_id = $1 ORDER BY e.id DESC"),
        &[member_id.into()],
        decode_enrolment,
    )
    .await
}

/// Withdraws enrolment `id` (in `scope`). A place given up goes to the first waiting,
/// whose enrolment id is returned; otherwise the place is freed.
pub async fn withdraw(tx: &mut Tx, actor: &str, scope: Scope, id: i64) -> StoreResult<Option<i64>> {
    let before = enrolment(&mut *tx, scope, id).await?;
    lock(tx, before.programme_id).await?;
    // Read again under the lock: another withdrawal may have moved it meanwhile.
    let e = enrolment(&mut *tx, scope, id).await?;
    let next = e.state.withdraw()?;
    set_state(tx, actor, id, next, "withdraw").await?;
    if e.state != EnrolmentState::Enrolled {
        return Ok(None);
    }
    let first: Option<i64> = query::value(
        &mut *tx,
        "SELECT id FROM union_enrolments WHERE programme_id = $1 AND state = 'waiting' ORDER BY id LIMIT 1",
        &[e.programme_id.into()],
    )
    .await?;
    match first {
        Some(w) => {
            set_state(tx, actor, w, EnrolmentState::Enrolled, "move_up").await?;
            Ok(Some(w))
        }
        None => {
            audit::update(
                tx,
                actor,
                (&PROGRAMMES, e.programme_id),
                "release",
                "UPDATE union_programmes SET enrolled = enrolled - 1, updated_at = $1 WHERE id = $2",
                &[crate::now_text().into(), e.programme_id.into()],
            )
            .await?;
            Ok(None)
        }
    }
}

/// Changes programme `id`'s quota (the city). A quota below the places already taken is
/// refused (nobody loses a place); a larger one moves the first waiting up, in order,
/// into the new places. Returns the enrolments that moved up.
pub async fn set_quota(tx: &mut Tx, actor: &str, id: i64, quota: i64) -> StoreResult<Vec<i64>> {
    lock(tx, id).await?;
    let p = get(&mut *tx, id).await?;
    if quota < p.places.enrolled {
        return Err(WelfareError::QuotaBelowEnrolled {
            enrolled: p.places.enrolled,
        }
        .into());
    }
    let free = quota - p.places.enrolled;
    let moving: Vec<i64> = query::rows(
        &mut *tx,
        "SELECT id FROM union_enrolments WHERE programme_id = $1 AND state = 'waiting' ORDER BY id LIMIT $2",
        &[id.into(), free.into()],
        |(e,): (i64,)| Ok(e),
    )
    .await?;
    let enrolled = p.places.enrolled + i64::try_from(moving.len()).unwrap_or(0);
    audit::update(
        tx,
        actor,
        (&PROGRAMMES, id),
        "set_quota",
        "UPDATE union_programmes SET quota = $1, enrolled = $2, updated_at = $3 WHERE id = $4",
        &[
            quota.into(),
            enrolled.into(),
            crate::now_text().into(),
            id.into(),
        ],
    )
    .await?;
    for e in &moving {
        set_state(tx, actor, *e, EnrolmentState::Enrolled, "move_up").await?;
    }
    Ok(moving)
}

async fn set_state(
    tx: &mut Tx,
    actor: &str,
    id: i64,
    state: EnrolmentState,
    action: &str,
) -> StoreResult<()> {
    audit::update(
        tx,
        actor,
        (&ENROLMENTS, id),
        action,
        "UPDATE union_enrolments SET state = $1, updated_at = $2 WHERE id = $3",
        &[state.code().into(), crate::now_text().into(), id.into()],
    )
    .await
}
