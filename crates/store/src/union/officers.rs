//! The officers of each union: post, full-time or part-time, frontline worker or not, and
//! term. The township federations' "专+兼" reform is judged from these.

use super::Scope;
use super::codes::{self, DbCode};
use super::organisations::get_for_change;
use crate::audit::{self, AuditedTable};
use crate::db::{Conn, Tx};
use crate::error::{Refusal, StoreError, StoreResult};
use crate::on_conn;
use crate::query;
use crate::sql::Bind;
use chrono::NaiveDate;
use domain::union::organisation::{Engagement, OfficerPost, OfficerSummary, validate_officers};

/// The officers table as audited.
pub const OFFICERS: AuditedTable = AuditedTable {
    entity: "union_officer",
    table: "union_officers",
    secret_columns: &[],
};

/// An officer of a union.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Officer {
    /// Database id.
    pub id: i64,
    /// The union.
    pub union_id: i64,
    /// Name.
    pub name: String,
    /// Post.
    pub post: OfficerPost,
    /// Full-time or part-time.
    pub engagement: Engagement,
    /// A frontline worker (一线职工).
    pub frontline: bool,
    /// Term start, `YYYY-MM-DD`.
    pub term_start: String,
    /// Term end; none while in office.
    pub term_end: Option<String>,
}

impl Officer {
    /// Whether the officer is in office on `date`.
    pub fn current_on(&self, date: NaiveDate) -> bool {
        let d = codes::date_text(date);
        self.term_start <= d && self.term_end.as_ref().is_none_or(|end| *end >= d)
    }

    /// What the reform rule needs.
    pub fn summary(&self) -> OfficerSummary {
        OfficerSummary {
            post: self.post,
            engagement: self.engagement,
            frontline: self.frontline,
        }
    }
}

#[derive(sqlx::FromRow)]
struct OfficerRow {
    id: i64,
    union_id: i64,
    name: String,
    post: String,
    engagement: String,
    frontline: bool,
    term_start: String,
    term_end: Option<String>,
}

impl OfficerRow {
    fn into_officer(self) -> StoreResult<Officer> {
        Ok(Officer {
            id: self.id,
            union_id: self.union_id,
            name: self.name,
            post: OfficerPost::from_code(&self.post)?,
            engagement: Engagement::from_code(&self.engagement)?,
            frontline: self.frontline,
            term_start: self.term_start,
            term_end: self.term_end,
        })
    }
}

/// Officers of the given unions (all of them when `union_id` is `None`), by post.
pub async fn officers(
    conn: impl Into<Conn<'_>>,
    union_id: Option<i64>,
) -> StoreResult<Vec<Officer>> {
    let mut conn = conn.into();
    let rows: Vec<OfficerRow> = on_conn!(&mut conn, |c| {
        sqlx::query_as(
        "SELECT id, union_id, name, post, engagement, frontline, term_start, term_end FROM union_officers
         WHERE ($1 IS NULL OR union_id = $1)
         ORDER BY union_id, term_end IS NOT NULL, CASE post WHEN 'chair' THEN 0 WHEN 'vice_chair' THEN 1 ELSE 2 END, id"
    )
    .bind(union_id)
    .fetch_all(&mut *c)
    .await?
    });
    rows.into_iter().map(OfficerRow::into_officer).collect()
}

/// What adding an officer needs.
#[derive(Debug, Clone)]
pub struct OfficerInput {
    /// Name.
    pub name: String,
    /// Post.
    pub post: OfficerPost,
    /// Full-time or part-time.
    pub engagement: Engagement,
    /// A frontline worker.
    pub frontline: bool,
    /// Term start.
    pub term_start: NaiveDate,
    /// Term end, if already known.
    pub term_end: Option<NaiveDate>,
}

/// Inserts an officer (audited) without the checks of [`add_officer`]; for the demo.
pub async fn insert_officer(
    tx: &mut Tx,
    actor: &str,
    union_id: i64,
    o: &OfficerInput,
) -> StoreResult<i64> {
    let id = audit::insert(
        tx,
        actor,
        &OFFICERS,
        "INSERT INTO union_officers (union_id, name, post, engagement, frontline, term_start, term_end, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        &[
            union_id.into(),
            Bind::from(&o.name),
            o.post.code().into(),
            o.engagement.code().into(),
            o.frontline.into(),
            Bind::from(codes::date_text(o.term_start)),
            Bind::from(o.term_end.map(codes::date_text)),
            Bind::from(crate::now_text()),
        ],
    )
    .await?;
    Ok(id)
}

/// Adds an officer to a union; refused if it would leave the union with two chairs.
pub async fn add_officer(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    union_id: i64,
    o: &OfficerInput,
) -> StoreResult<i64> {
    get_for_change(&mut *tx, scope, union_id).await?;
    if o.name.trim().is_empty() {
        return Err(StoreError::from(Refusal::NameMissing));
    }
    let today = domain::platform::time::today_local();
    let mut current: Vec<OfficerSummary> = officers(&mut *tx, Some(union_id))
        .await?
        .iter()
        .filter(|x| x.current_on(today))
        .map(Officer::summary)
        .collect();
    current.push(OfficerSummary {
        post: o.post,
        engagement: o.engagement,
        frontline: o.frontline,
    });
    validate_officers(&current)?;
    insert_officer(tx, actor, union_id, o).await
}

/// The union an officer belongs to.
pub async fn union_of(conn: impl Into<Conn<'_>>, officer_id: i64) -> StoreResult<i64> {
    let mut conn = conn.into();
    let union_id: Option<i64> = query::value(
        &mut conn,
        "SELECT union_id FROM union_officers WHERE id = $1",
        &[Bind::Int(officer_id)],
    )
    .await?;
    union_id.ok_or(StoreError::NotFound)
}

/// Ends an officer's term on `on`.
pub async fn end_term(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    officer_id: i64,
    on: NaiveDate,
) -> StoreResult<i64> {
    let union_id = union_of(&mut *tx, officer_id).await?;
    get_for_change(&mut *tx, scope, union_id).await?;
    let change = audit::Change::begin(tx, &OFFICERS, officer_id).await?;
    query::execute(
        &mut *tx,
        "UPDATE union_officers SET term_end = $1 WHERE id = $2",
        &[Bind::from(codes::date_text(on)), officer_id.into()],
    )
    .await?;
    change.finish(tx, actor, "end_term").await?;
    Ok(union_id)
}
