//! Projects (征收/安置项目): what land a town acquires or whom it resettles, by when.

use super::{PROJECTS, Scope, corrupt, day_text, parse_day};
use crate::audit;
use crate::db::Conn;
use crate::db::{Db, Tx};
use crate::error::{Refusal, StoreError, StoreResult};
use crate::on_pool;
use crate::query;
use crate::sql::Bind;
use chrono::NaiveDate;
use domain::platform::Mu;
use domain::relocation::{ProjectKind, ProjectStatus, TeamKind};
use serde::Serialize;

/// A project as the rest of the system sees it: its id and what was recorded about it
/// (read through `Deref`, so `p.name` is the project's name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Project {
    /// Database id.
    pub id: i64,
    /// What was recorded.
    #[serde(flatten)]
    pub fields: ProjectFields,
}

impl std::ops::Deref for Project {
    type Target = ProjectFields;

    fn deref(&self) -> &ProjectFields {
        &self.fields
    }
}

/// The fields of a project, as a form or the demo gives them and as they are stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectFields {
    /// The code printed on every document (`YCQ2019-01`), unique.
    pub code: String,
    /// Its name (`杭黄高铁杨村桥段`).
    pub name: String,
    /// Expropriation or resettlement.
    pub kind: ProjectKind,
    /// The town whose headquarters runs it; commanders are scoped by it.
    pub town: String,
    /// The year it is counted in (the yearbook's year).
    pub year: i32,
    /// Land to acquire.
    pub land: Mu,
    /// When households started to be approached; the wall's curve starts here.
    pub started_on: Option<NaiveDate>,
    /// Signing deadline; the wall counts down to it.
    pub sign_deadline: Option<NaiveDate>,
    /// Vacating deadline.
    pub vacate_deadline: Option<NaiveDate>,
    /// Land clearing deadline.
    pub clear_deadline: Option<NaiveDate>,
    /// Where it stands.
    pub status: ProjectStatus,
}

#[derive(sqlx::FromRow)]
struct ProjectRow {
    id: i64,
    code: String,
    name: String,
    kind: String,
    town: String,
    year: i64,
    land_mu: i64,
    started_on: Option<String>,
    sign_deadline: Option<String>,
    vacate_deadline: Option<String>,
    clear_deadline: Option<String>,
    status: String,
}

const COLUMNS: &str = "id, code, name, kind, town, year, land_mu, started_on, sign_deadline, \
                       vacate_deadline, clear_deadline, status";

impl ProjectRow {
    fn into_project(self) -> StoreResult<Project> {
        let fields = ProjectFields {
            kind: ProjectKind::parse(&self.kind).ok_or_else(|| corrupt("项目类型", &self.kind))?,
            status: ProjectStatus::parse(&self.status)
                .ok_or_else(|| corrupt("项目状态", &self.status))?,
            year: i32::try_from(self.year).map_err(|_| corrupt("年度", &self.year.to_string()))?,
            land: Mu(self.land_mu),
            started_on: parse_day(self.started_on.as_deref(), "开始日期")?,
            sign_deadline: parse_day(self.sign_deadline.as_deref(), "签约期限")?,
            vacate_deadline: parse_day(self.vacate_deadline.as_deref(), "腾空期限")?,
            clear_deadline: parse_day(self.clear_deadline.as_deref(), "清表期限")?,
            code: self.code,
            name: self.name,
            town: self.town,
        };
        Ok(Project {
            id: self.id,
            fields,
        })
    }
}

/// What both the INSERT and the UPDATE write (all but the code), in this order.
fn written(f: &ProjectFields) -> [Bind; 10] {
    [
        f.name.trim().into(),
        f.kind.code().into(),
        f.town.trim().into(),
        Bind::from(i64::from(f.year)),
        f.land.0.into(),
        Bind::from(f.started_on.map(day_text)),
        Bind::from(f.sign_deadline.map(day_text)),
        Bind::from(f.vacate_deadline.map(day_text)),
        Bind::from(f.clear_deadline.map(day_text)),
        f.status.code().into(),
    ]
}

fn check(f: &ProjectFields) -> StoreResult<()> {
    let code = f.code.trim();
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-';
    if code.is_empty() || code.chars().count() > 40 || !code.chars().all(allowed) {
        return Err(StoreError::from(Refusal::ProjectCodeInvalid));
    }
    if f.name.trim().is_empty() {
        return Err(StoreError::from(Refusal::ProjectNameMissing));
    }
    if f.town.trim().is_empty() {
        return Err(StoreError::from(Refusal::ProjectTownMissing));
    }
    if f.land.0 < 0 {
        return Err(StoreError::from(Refusal::LandNegative));
    }
    if let (Some(start), Some(deadline)) = (f.started_on, f.sign_deadline)
        && deadline < start
    {
        return Err(StoreError::from(Refusal::DeadlineBeforeStart));
    }
    Ok(())
}

/// Creates a project with its four working groups (征收组 first, so a campaign's signing
/// group has the lowest id of its groups); returns its id.
pub async fn create(tx: &mut Tx, actor: &str, f: &ProjectFields) -> StoreResult<i64> {
    check(f)?;
    let exists: Option<i64> = query::value(
        &mut *tx,
        "SELECT id FROM relocation_projects WHERE code = $1",
        &[Bind::Text(f.code.trim().to_string())],
    )
    .await?;
    if exists.is_some() {
        return Err(StoreError::Conflict(format!(
            "项目编号已存在：{}",
            f.code.trim()
        )));
    }
    let id = audit::insert(
        tx,
        actor,
        &PROJECTS,
        "INSERT INTO relocation_projects (code, name, kind, town, year, land_mu, started_on,
                 sign_deadline, vacate_deadline, clear_deadline, status, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        &[
            &[f.code.trim().into()],
            &written(f)[..],
            &[crate::now_text().into()],
        ]
        .concat(),
    )
    .await?;
    let order = [
        TeamKind::Expropriation,
        TeamKind::Policy,
        TeamKind::Appraisal,
        TeamKind::Title,
    ];
    for kind in order {
        super::teams::create_group(tx, actor, id, kind).await?;
    }
    Ok(id)
}

/// Changes a project's fields (the code stays: it is printed on agreements).
pub async fn update(tx: &mut Tx, actor: &str, id: i64, f: &ProjectFields) -> StoreResult<()> {
    check(f)?;
    let change = audit::Change::begin(tx, &PROJECTS, id).await?;
    if !change.exists() {
        return Err(StoreError::NotFound);
    }
    query::execute(
        &mut *tx,
        "UPDATE relocation_projects SET name = $1, kind = $2, town = $3, year = $4, land_mu = $5,
                 started_on = $6, sign_deadline = $7, vacate_deadline = $8, clear_deadline = $9,
                 status = $10 WHERE id = $11",
        &[&written(f)[..], &[id.into()]].concat(),
    )
    .await?;
    change.finish(tx, actor, "update").await
}

/// A project by code, if the scope sees it; otherwise [`StoreError::NotFound`].
pub async fn by_code(conn: impl Into<Conn<'_>>, scope: &Scope, code: &str) -> StoreResult<Project> {
    let sql = format!("SELECT {COLUMNS} FROM relocation_projects WHERE code = $1");
    let project = query::row(
        conn,
        &sql,
        &[Bind::Text(code.trim().to_string())],
        ProjectRow::into_project,
    )
    .await?
    .ok_or(StoreError::NotFound)?;
    if scope.sees_project(project.id, &project.town) {
        Ok(project)
    } else {
        Err(StoreError::NotFound)
    }
}

/// A project by id, whatever the scope (callers have already checked the record that
/// led here).
pub async fn by_id(conn: impl Into<Conn<'_>>, id: i64) -> StoreResult<Project> {
    let sql = format!("SELECT {COLUMNS} FROM relocation_projects WHERE id = $1");
    query::row(conn, &sql, &[Bind::Int(id)], ProjectRow::into_project)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Filters of the project list.
#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    /// Only this year.
    pub year: Option<i32>,
    /// Only this kind.
    pub kind: Option<ProjectKind>,
    /// Only this town (within the scope).
    pub town: Option<String>,
}

/// The projects the scope sees, newest year first, then by code.
pub async fn list(db: &Db, scope: &Scope, f: &ProjectFilter) -> StoreResult<Vec<Project>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM relocation_projects
         WHERE ($1 IS NULL OR town = $1) AND ($2 IS NULL OR id = $2)
           AND ($3 IS NULL OR year = $3) AND ($4 IS NULL OR kind = $4) AND ($5 IS NULL OR town = $5)
         ORDER BY year DESC, code"
    );
    let rows: Vec<ProjectRow> = on_pool!(db, |p| sqlx::query_as(crate::dynamic(&sql))
        .bind(scope.town())
        .bind(scope.project())
        .bind(f.year.map(i64::from))
        .bind(f.kind.map(|k| k.code()))
        .bind(f.town.as_deref())
        .fetch_all(p)
        .await?);
    rows.into_iter().map(ProjectRow::into_project).collect()
}

/// Every project, for exports and the public pages (which show only published,
/// masked information about them).
pub async fn all(db: &Db) -> StoreResult<Vec<Project>> {
    list(db, &Scope::All, &ProjectFilter::default()).await
}

/// Every project, read inside a transaction (imports look projects up by code while
/// they hold the write lock).
pub async fn all_in(tx: &mut Tx) -> StoreResult<Vec<Project>> {
    let sql = format!("SELECT {COLUMNS} FROM relocation_projects ORDER BY code");
    query::rows(tx, &sql, &[], ProjectRow::into_project).await
}
