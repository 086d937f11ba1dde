//! Union facilities (职工阵地): the list (search, filters, paging, Excel), a facility's
//! page with its status history and awards, and the forms to register, correct, move its
//! status and record an advanced-workers'-home award.

use crate::error::AppError;
use crate::form::Form;
use crate::pages::union::{field, kept_filters, may_write, required, required_date, scope};
use crate::pages::{Asked, Chrome, Keyed, Paged, change, paging, render};
use crate::routes::{Route, get, post};
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, Response};
use domain::platform::{Fen, SquareMetres};
use domain::union::facility::{AwardLevel, FacilityKind, FacilityStatus};
use domain::union::township::Township;
use imports::union::export::headers;
use imports::union::facilities::COLUMNS;
use imports::union::rights_export::facility_cells;
use serde::{Deserialize, Serialize};
use store::union::Scope;
use store::union::facilities::{
    self, Award, Facility, FacilityFilter, FacilityInput, StatusChange,
};

/// This page's routes.
pub fn routes(read: crate::access::Access, write: crate::access::Access) -> Vec<Route> {
    vec![
        get("/union/facilities", read, "职工阵地", list).nav("职工阵地"),
        get("/union/facilities.xlsx", read, "导出职工阵地", export),
        post("/union/facilities", write, "登记职工阵地", create),
        get("/union/facilities/{id}", read, "职工阵地详情", show),
        post("/union/facilities/{id}", write, "修改职工阵地", update),
        post(
            "/union/facilities/{id}/status",
            write,
            "变更建设状态",
            status,
        ),
        post(
            "/union/facilities/{id}/awards",
            write,
            "登记先进职工之家",
            award,
        ),
    ]
}

/// Filters of the list, as in the query string.
#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    q: Option<String>,
    kind: Option<String>,
    status: Option<String>,
    township: Option<String>,
    page: Option<i64>,
}

impl ListQuery {
    fn filter(&self) -> FacilityFilter {
        FacilityFilter {
            q: field(&self.q),
            kind: field(&self.kind).and_then(|k| FacilityKind::parse(&k).ok()),
            status: field(&self.status).and_then(|s| FacilityStatus::parse(&s).ok()),
            township: field(&self.township).and_then(|t| Township::parse(&t).ok()),
        }
    }
}

#[derive(Template)]
#[template(path = "union/facilities.html")]
struct ListPage {
    chrome: Chrome,
    list: Paged<Facility>,
    base: String,
    q: ListQuery,
    kinds: &'static [FacilityKind],
    statuses: &'static [FacilityStatus],
    townships: Vec<Township>,
    fixed_township: Option<Township>,
    may_write: bool,
    today: String,
}

/// The list.
pub async fn list(at: Asked, Query(q): Query<ListQuery>) -> Result<Html<String>, AppError> {
    let sc = scope(&at.viewer)?;
    let (page, per, offset) = paging(q.page, 50);
    let (rows, total) = facilities::list(&at.state.db, sc, &q.filter(), per, offset).await?;
    render(&ListPage {
        chrome: Chrome::new("职工阵地", &at.viewer),
        list: Paged::new(rows, total, page, per),
        base: kept_filters(&q),
        q,
        kinds: FacilityKind::ALL,
        statuses: FacilityStatus::ALL,
        townships: Township::all().to_vec(),
        fixed_township: sc.township(),
        may_write: may_write(&at.viewer),
        today: domain::platform::time::today_local().to_string(),
    })
}

/// The filtered list as Excel, in the import's columns.
pub async fn export(at: Asked, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    let sc = scope(&at.viewer)?;
    let (rows, _) = facilities::list(&at.state.db, sc, &q.filter(), i64::MAX, 0).await?;
    let mut cells = Vec::with_capacity(rows.len());
    for f in &rows {
        let awards = facilities::awards(&at.state.db, sc, f.id).await?;
        cells.push(facility_cells(f, awards.first()));
    }
    crate::download::xlsx("职工阵地.xlsx", None, &headers(COLUMNS), cells)
}

/// Fields of the facility form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FacilityForm {
    name: Option<String>,
    kind: Option<String>,
    township: Option<String>,
    union_id: Option<String>,
    area: Option<String>,
    investment: Option<String>,
    status: Option<String>,
    since: Option<String>,
}

fn bad(e: impl ToString) -> AppError {
    AppError::BadRequest(e.to_string())
}

impl FacilityForm {
    fn input(&self) -> Result<FacilityInput, AppError> {
        Ok(FacilityInput {
            name: required(&self.name, "阵地名称")?,
            kind: FacilityKind::parse(&required(&self.kind, "阵地类型")?).map_err(bad)?,
            township: Township::parse(&required(&self.township, "所属乡镇")?).map_err(bad)?,
            union_id: match field(&self.union_id) {
                Some(t) => Some(t.parse().map_err(|_| bad(format!("所属工会不正确：{t}")))?),
                None => None,
            },
            area: SquareMetres::parse(&required(&self.area, "面积")?).map_err(bad)?,
            investment: Fen::parse_yuan(&required(&self.investment, "投资额")?).map_err(bad)?,
        })
    }
}

/// Registers a facility with its current status.
pub async fn create(at: Asked, Form(f): Form<FacilityForm>) -> Response {
    change(&at.state, &at.viewer, "/union/facilities", async |tx| {
        let status = FacilityStatus::parse(&required(&f.status, "建设状态")?).map_err(bad)?;
        let since = required_date(&f.since, "状态日期")?;
        let sc = scope(&at.viewer)?;
        let id = facilities::create(
            &mut *tx,
            &at.viewer.user.username,
            sc,
            &f.input()?,
            status,
            since,
        )
        .await?;
        Ok(format!("/union/facilities/{id}"))
    })
    .await
}

#[derive(Template)]
#[template(path = "union/facility.html")]
struct DetailPage {
    chrome: Chrome,
    f: Facility,
    history: Vec<StatusChange>,
    awards: Vec<Award>,
    kinds: &'static [FacilityKind],
    statuses: &'static [FacilityStatus],
    levels: &'static [AwardLevel],
    townships: Vec<Township>,
    fixed_township: Option<Township>,
    may_write: bool,
    today: String,
}

/// One facility with its history, awards and forms.
pub async fn show(at: Keyed) -> Result<Html<String>, AppError> {
    let sc = scope(&at.viewer)?;
    let f = facilities::get(&at.state.db, sc, at.key).await?;
    render(&DetailPage {
        chrome: Chrome::new(f.name.clone(), &at.viewer),
        history: facilities::history(&at.state.db, sc, at.key).await?,
        awards: facilities::awards(&at.state.db, sc, at.key).await?,
        kinds: FacilityKind::ALL,
        statuses: FacilityStatus::ALL,
        levels: AwardLevel::ALL,
        townships: Township::all().to_vec(),
        fixed_township: sc.township(),
        may_write: may_write(&at.viewer),
        today: domain::platform::time::today_local().to_string(),
        f,
    })
}

/// Runs `work` on the facility of the path inside the viewer's scope; back to its page.
async fn on_facility<F>(post: &Keyed, work: F) -> Response
where
    F: AsyncFnOnce(&mut store::Tx, &str, Scope, i64) -> Result<(), AppError>,
{
    let back = format!("/union/facilities/{}", post.key);
    post.change(&back, async |tx| {
        let sc = scope(&post.viewer)?;
        facilities::get(&mut *tx, sc, post.key).await?;
        work(tx, &post.viewer.user.username, sc, post.key).await?;
        Ok(back.clone())
    })
    .await
}

/// Corrects a facility's fields.
pub async fn update(post: Keyed, Form(f): Form<FacilityForm>) -> Response {
    on_facility(&post, async |tx, actor, sc, id| {
        Ok(facilities::update(tx, actor, sc, id, &f.input()?).await?)
    })
    .await
}

/// Moves a facility to a new status.
pub async fn status(post: Keyed, Form(f): Form<FacilityForm>) -> Response {
    on_facility(&post, async |tx, actor, sc, id| {
        let to = FacilityStatus::parse(&required(&f.status, "建设状态")?).map_err(bad)?;
        let on = required_date(&f.since, "变更日期")?;
        Ok(facilities::change_status(tx, actor, sc, id, to, on).await?)
    })
    .await
}

/// Fields of the award form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AwardForm {
    year: Option<String>,
    level: Option<String>,
}

/// Records an advanced-workers'-home award.
pub async fn award(post: Keyed, Form(f): Form<AwardForm>) -> Response {
    on_facility(&post, async |tx, actor, sc, id| {
        let year_text = required(&f.year, "获评年度")?;
        let year = year_text
            .parse::<i32>()
            .ok()
            .filter(|y| (1990..=2100).contains(y))
            .ok_or_else(|| bad(format!("获评年度不正确：{year_text}")))?;
        let level = AwardLevel::parse(&required(&f.level, "获评级别")?).map_err(bad)?;
        Ok(facilities::award(tx, actor, sc, id, Award { year, level }).await?)
    })
    .await
}
