//! Activities of the federation and the townships: competitions, training, online
//! projects, services to workers, events. Sign-ups are in [`super::signups`], who took
//! part in [`super::participations`]; the yearly figures are counted here by SQL.
//!
//! Township staff see their township's activities and the city's, and change only their
//! township's; another township's activity is not found.

use super::Scope;
use super::codes::{self, from_code};
use super::services::visible_row;
use super::sql::{Bind, Where};
use crate::audit::{self, AuditedTable};
use crate::db::{Conn, Db, Tx};
use crate::error::{StoreError, StoreResult};
use crate::query;
use chrono::NaiveDate;
use domain::union::activity::{ActivityDates, ActivityKind, ActivityLevel};
use domain::union::organising::{JointMode, Organisation};
use domain::union::township::Township;

/// The activities table as audited.
pub const ACTIVITIES: AuditedTable = AuditedTable {
    entity: "union_activity",
    table: "union_activities",
    secret_columns: &[],
};

/// An activity as pages and exports see it, with its places taken and its counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    /// Database id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: ActivityKind,
    /// Level and township.
    pub organisation: Organisation,
    /// The organising union or body.
    pub organiser: String,
    /// Co-organising bodies.
    pub co_organisers: Vec<String>,
    /// How they work together.
    pub joint_mode: Option<JointMode>,
    /// First and last day.
    pub dates: ActivityDates,
    /// Where.
    pub place: String,
    /// Places; `None` is no limit.
    pub capacity: Option<i64>,
    /// Members may sign up.
    pub open_for_signup: bool,
    /// The team that ran it.
    pub team_id: Option<i64>,
    /// That team's name.
    pub team_name: Option<String>,
    /// Standing sign-ups.
    pub taken: i64,
    /// Participations (one per time a person took part).
    pub participations: i64,
    /// Distinct participants.
    pub participants: i64,
}

impl Activity {
    /// The township, none for the city.
    pub fn township(&self) -> Option<Township> {
        self.organisation.township()
    }

    /// The level.
    pub fn level(&self) -> ActivityLevel {
        self.organisation.level()
    }

    /// Co-organisers as one line (`、` between them).
    pub fn co_organisers_text(&self) -> String {
        self.co_organisers.join("、")
    }

    /// Whether the activity is `township`'s (for forms that select it).
    pub fn in_township(&self, township: &Township) -> bool {
        self.township() == Some(*township)
    }

    /// Whether team `team` ran it (for forms that select it).
    pub fn run_by(&self, team: &i64) -> bool {
        self.team_id == Some(*team)
    }

    /// Whether it is organised with other bodies in `mode` (for forms that select it).
    pub fn joint_in(&self, mode: &JointMode) -> bool {
        self.joint_mode == Some(*mode)
    }

    /// Places left; `None` is no limit.
    pub fn places_left(&self) -> Option<i64> {
        self.capacity.map(|c| (c - self.taken).max(0))
    }
}

#[derive(sqlx::FromRow)]
struct ActivityRow {
    id: i64,
    name: String,
    kind: String,
    level: String,
    township: Option<String>,
    organiser: String,
    co_organisers: String,
    joint_mode: Option<String>,
    start_on: String,
    end_on: String,
    place: String,
    capacity: Option<i64>,
    open_for_signup: bool,
    team_id: Option<i64>,
    team_name: Option<String>,
    taken: i64,
    participations: i64,
    participants: i64,
}

impl ActivityRow {
    fn into_activity(self) -> StoreResult<Activity> {
        let level = from_code(ActivityLevel::ALL, ActivityLevel::code, &self.level)?;
        let township = self.township.as_deref().map(codes::township).transpose()?;
        let bad = |e: String| StoreError::corrupt(format!("活动 {} 数据有误：{e}", self.id));
        Ok(Activity {
            id: self.id,
            kind: from_code(ActivityKind::ALL, ActivityKind::code, &self.kind)?,
            organisation: Organisation::new(level, township).map_err(|e| bad(e.to_string()))?,
            co_organisers: self
                .co_organisers
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            joint_mode: self
                .joint_mode
                .as_deref()
                .map(|m| from_code(JointMode::ALL, JointMode::code, m))
                .transpose()?,
            dates: ActivityDates::new(
                codes::stored_date(&self.start_on)?,
                codes::stored_date(&self.end_on)?,
            )
            .map_err(|e| bad(e.to_string()))?,
            name: self.name,
            organiser: self.organiser,
            place: self.place,
            capacity: self.capacity,
            open_for_signup: self.open_for_signup,
            team_id: self.team_id,
            team_name: self.team_name,
            taken: self.taken,
            participations: self.participations,
            participants: self.participants,
        })
    }
}

const SELECT: &str = "SELECT a.id, a.name, a.kind, a.level, a.township, a.organiser,
    a.co_organisers, a.joint_mode, a.start_on, a.end_on, a.place, a.capacity,
    a.open_for_signup, a.team_id, t.name AS team_name, COALESCE(pl.taken, 0) AS taken,
    (SELECT COUNT(*) FROM union_participations p WHERE p.activity_id = a.id) AS participations,
    (SELECT COUNT(DISTINCT p.resident_id) FROM union_participations p WHERE p.activity_id = a.id) AS participants
    FROM union_activities a LEFT JOIN union_teams t ON t.id = a.team_id
    LEFT JOIN union_activity_places pl ON pl.activity_id = a.id";

/// What a form or an import row gives for an activity.
#[derive(Debug, Clone)]
pub struct ActivityInput {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: ActivityKind,
    /// Level and township, checked together.
    pub organisation: Organisation,
    /// The organising union or body.
    pub organiser: String,
    /// Co-organising bodies.
    pub co_organisers: Vec<String>,
    /// How they work together.
    pub joint_mode: Option<JointMode>,
    /// Dates.
    pub dates: ActivityDates,
    /// Where.
    pub place: String,
    /// Places; `None` is no limit (never zero: the domain's `check_plan`).
    pub capacity: Option<u32>,
    /// Members may sign up.
    pub open_for_signup: bool,
    /// The team that runs it.
    pub team_id: Option<i64>,
}

impl ActivityInput {
    fn binds(&self) -> Vec<Bind> {
        vec![
            Bind::from(&self.name),
            self.kind.code().into(),
            self.organisation.level().code().into(),
            self.organisation.township().map(Township::code).into(),
            Bind::from(&self.organiser),
            self.co_organisers.join("\n").into(),
            self.joint_mode.map(JointMode::code).into(),
            codes::date_text(self.dates.start()).into(),
            codes::date_text(self.dates.end()).into(),
            Bind::from(&self.place),
            self.capacity.map(i64::from).into(),
            self.open_for_signup.into(),
            self.team_id.into(),
            crate::now_text().into(),
        ]
    }
}

/// How the list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ActivitySort {
    /// Latest first.
    #[default]
    Newest,
    /// Oldest first.
    Oldest,
    /// By name.
    Name,
}

impl ActivitySort {
    /// Reads the `sort` query parameter; anything unknown is the default.
    pub fn parse(s: &str) -> ActivitySort {
        match s {
            "oldest" => ActivitySort::Oldest,
            "name" => ActivitySort::Name,
            _ => ActivitySort::Newest,
        }
    }

    fn order_by(self) -> &'static str {
        match self {
            ActivitySort::Newest => "a.start_on DESC, a.id DESC",
            ActivitySort::Oldest => "a.start_on, a.id",
            ActivitySort::Name => "a.name, a.id",
        }
    }
}

/// Filters of the activity list; unset filters do not restrict.
#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    /// Part of the name, organiser or place.
    pub q: Option<String>,
    /// One kind.
    pub kind: Option<ActivityKind>,
    /// One level.
    pub level: Option<ActivityLevel>,
    /// One township.
    pub township: Option<Township>,
    /// Running during this year.
    pub year: Option<i32>,
    /// Open for sign-up, not yet ended on this day (the members' list).
    pub open_on: Option<NaiveDate>,
    /// Run by this team.
    pub team_id: Option<i64>,
    /// Order.
    pub sort: ActivitySort,
}

fn filter_sql(scope: Scope, f: &ActivityFilter) -> Where {
    let mut w = Where::default();
    w.push_some(
        "(a.township IS NULL OR a.township = ?)",
        scope.township_code(),
    );
    w.push_some("a.township = ?", f.township.map(|t| t.code()));
    w.push_search(
        "(a.name LIKE ? ESCAPE '\\' OR a.organiser LIKE ? ESCAPE '\\' OR a.place LIKE ? ESCAPE '\\')",
        f.q.as_deref(),
    );
    w.push_some("a.kind = ?", f.kind.map(|k| k.code()));
    w.push_some("a.level = ?", f.level.map(|l| l.code()));
    if let Some((first, last)) = f.year.map(crate::year_bounds) {
        w.push_with(
            "a.start_on <= ? AND a.end_on >= ?",
            vec![last.into(), first.into()],
        );
    }
    if let Some(d) = f.open_on {
        w.push_with(
            "a.open_for_signup = ? AND a.end_on >= ?",
            vec![true.into(), codes::date_text(d).into()],
        );
    }
    w.push_some("a.team_id = ?", f.team_id);
    w
}

/// A page of activities in scope, and how many match in all.
pub async fn list(
    db: &Db,
    scope: Scope,
    f: &ActivityFilter,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<Activity>, i64)> {
    query::page(
        db,
        (SELECT, "SELECT COUNT(*) FROM union_activities a"),
        &filter_sql(scope, f),
        f.sort.order_by(),
        (limit, offset),
        ActivityRow::into_activity,
    )
    .await
}

/// One activity a reader may see (township staff: theirs and the city's); not found
/// otherwise.
pub async fn get(conn: impl Into<Conn<'_>>, scope: Scope, id: i64) -> StoreResult<Activity> {
    let sql = format!("{SELECT} WHERE a.id = $1");
    visible_row(
        conn,
        scope,
        &sql,
        id,
        ActivityRow::into_activity,
        |a: &Activity| a.township(),
    )
    .await
}

/// One activity the caller may change (township staff: only their township's).
pub async fn get_for_change(tx: &mut Tx, scope: Scope, id: i64) -> StoreResult<Activity> {
    let a = get(&mut *tx, scope, id).await?;
    if !scope.allows_code(a.township().map(Township::code)) {
        return Err(StoreError::NotFound);
    }
    Ok(a)
}

fn check_scope(scope: Scope, a: &ActivityInput) -> StoreResult<()> {
    if scope.allows_code(a.organisation.township().map(Township::code)) {
        Ok(())
    } else {
        Err(StoreError::Conflict(
            "只能登记本乡镇（街道）的活动，市级活动由市总工会登记".into(),
        ))
    }
}

/// Inserts an activity (audited) with its count of places taken; the caller checked
/// the scope.
pub async fn insert(tx: &mut Tx, actor: &str, a: &ActivityInput) -> StoreResult<i64> {
    let id = audit::insert(
        tx,
        actor,
        &ACTIVITIES,
        "INSERT INTO union_activities (name, kind, level, township, organiser, co_organisers,
         joint_mode, start_on, end_on, place, capacity, open_for_signup, team_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
        &a.binds(),
    )
    .await?;
    query::execute(
        &mut *tx,
        "INSERT INTO union_activity_places (activity_id, taken) VALUES ($1, 0)",
        &[id.into()],
    )
    .await?;
    Ok(id)
}

/// Registers an activity: township staff only in their township, the city at any level.
pub async fn create(tx: &mut Tx, actor: &str, scope: Scope, a: &ActivityInput) -> StoreResult<i64> {
    check_scope(scope, a)?;
    insert(tx, actor, a).await
}

/// Replaces an activity's fields (audited, only when something changes); the capacity
/// cannot fall below the places already taken.
pub async fn update(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    id: i64,
    a: &ActivityInput,
) -> StoreResult<()> {
    let old = get_for_change(tx, scope, id).await?;
    check_scope(scope, a)?;
    if let Some(c) = a.capacity
        && i64::from(c) < old.taken
    {
        return Err(StoreError::Conflict(format!(
            "已有 {} 人报名，名额不能少于报名人数",
            old.taken
        )));
    }
    if unchanged(&old, a) {
        // Re-importing an export leaves the record and the log alone.
        return Ok(());
    }
    let change = audit::Change::begin(tx, &ACTIVITIES, id).await?;
    let mut binds = a.binds();
    binds.push(id.into());
    query::execute(
        &mut *tx,
        "UPDATE union_activities SET name = $1, kind = $2, level = $3, township = $4,
         organiser = $5, co_organisers = $6, joint_mode = $7, start_on = $8, end_on = $9,
         place = $10, capacity = $11, open_for_signup = $12, team_id = $13, updated_at = $14
         WHERE id = $15",
        &binds,
    )
    .await?;
    change.finish(tx, actor, "update").await
}

/// Whether `a` says what `old` already holds.
fn unchanged(old: &Activity, a: &ActivityInput) -> bool {
    old.name == a.name
        && old.kind == a.kind
        && old.organisation == a.organisation
        && old.organiser == a.organiser
        && old.co_organisers == a.co_organisers
        && old.joint_mode == a.joint_mode
        && old.dates == a.dates
        && old.place == a.place
        && old.capacity == a.capacity.map(i64::from)
        && old.open_for_signup == a.open_for_signup
        && old.team_id == a.team_id
}

/// The id and township of the activity of this name starting on this day (the natural
/// key of imports), if registered.
pub async fn find(
    conn: impl Into<Conn<'_>>,
    name: &str,
    start: NaiveDate,
) -> StoreResult<Option<(i64, Option<String>)>> {
    query::row(
        conn,
        "SELECT id, township FROM union_activities WHERE name = $1 AND start_on = $2",
        &[name.into(), codes::date_text(start).into()],
        Ok,
    )
    .await
}

mod figures;
pub use figures::{ActivityFigures, year_figures};

/// An activity as imports look it up by name and first day.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ActivityKey {
    /// Database id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// First day (`YYYY-MM-DD`).
    pub start_on: String,
    /// Last day (`YYYY-MM-DD`).
    pub end_on: String,
    /// Township code, none for the city.
    pub township: Option<String>,
}

/// Every activity's key (read once per import).
pub async fn keys(conn: impl Into<Conn<'_>>) -> StoreResult<Vec<ActivityKey>> {
    query::rows(
        conn,
        "SELECT id, name, start_on, end_on, township FROM union_activities ORDER BY id",
        &[],
        Ok,
    )
    .await
}
