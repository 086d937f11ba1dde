//! Activities: list (search, filters, sorting, paging, Excel), detail with its sign-ups and
//! participations (counted apart from participants), the forms to register and correct,
//! the participation list as Excel, and the year's figures as JSON.

use super::super::{field, kept_filters, required, required_date, scope};
use crate::error::{ApiError, AppError};
use crate::form::Form;
use crate::pages::YearQuery;
use crate::pages::{Asked, Chrome, Keyed, Paged, change, paging, render};
use askama::Template;
use axum::Json;
use axum::extract::Query;
use axum::response::{Html, Response};
use domain::union::activity::{ActivityKind, ActivityLevel};
use domain::union::organising::{JointMode, Organisation, check_plan, split_co_organisers};
use domain::union::township::Township;
use imports::union::activities::{COLUMNS, cells};
use imports::union::export::headers;
use imports::union::participations as participation_sheet;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use store::union::Scope;
use store::union::activities::{
    self, Activity, ActivityFilter, ActivityInput, ActivitySort, year_figures,
};
use store::union::participations::{self, Participation};
use store::union::signups::{self, Signup};
use store::union::teams::{self, Team};

/// Filters of the list, as in the query string.
#[derive(Deserialize, Serialize, Default, Clone, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    q: Option<String>,
    kind: Option<String>,
    level: Option<String>,
    township: Option<String>,
    year: Option<String>,
    sort: Option<String>,
    page: Option<i64>,
}

impl ListQuery {
    fn filter(&self) -> ActivityFilter {
        ActivityFilter {
            q: field(&self.q),
            kind: field(&self.kind).and_then(|k| ActivityKind::parse(&k).ok()),
            level: field(&self.level).and_then(|l| ActivityLevel::parse(&l).ok()),
            township: field(&self.township).and_then(|t| Township::parse(&t).ok()),
            year: field(&self.year).and_then(|y| y.parse().ok()),
            sort: ActivitySort::parse(field(&self.sort).as_deref().unwrap_or("")),
            ..ActivityFilter::default()
        }
    }
}

/// The lists the forms choose from.
struct Choices {
    kinds: &'static [ActivityKind],
    levels: &'static [ActivityLevel],
    modes: &'static [JointMode],
    townships: Vec<Township>,
    teams: Vec<Team>,
}

impl Choices {
    /// What the viewer may choose: township staff only their township and its teams.
    async fn of(at: &crate::state::AppState, sc: Scope) -> Result<Choices, AppError> {
        Ok(Choices {
            kinds: ActivityKind::ALL,
            levels: ActivityLevel::ALL,
            modes: JointMode::ALL,
            townships: Township::all()
                .iter()
                .copied()
                .filter(|t| sc.allows_code(Some(t.code())))
                .collect(),
            teams: teams::list(&at.db, sc)
                .await?
                .into_iter()
                .filter(|t| sc.allows_code(t.township.map(Township::code)))
                .collect(),
        })
    }
}

#[derive(Template)]
#[template(path = "union/activities.html")]
struct ListPage {
    chrome: Chrome,
    list: Paged<Activity>,
    base: String,
    sort: String,
    q: ListQuery,
    choices: Choices,
    city: bool,
    may_write: bool,
    current: Option<Activity>,
}

/// The list.
pub async fn list(at: Asked, Query(q): Query<ListQuery>) -> Result<Html<String>, AppError> {
    let sc = scope(&at.viewer)?;
    let (page, per, offset) = paging(q.page, 50);
    let (activities, total) = activities::list(&at.state.db, sc, &q.filter(), per, offset).await?;
    render(&ListPage {
        chrome: Chrome::new("工会活动", &at.viewer),
        list: Paged::new(activities, total, page, per),
        base: kept_filters(&q),
        sort: field(&q.sort).unwrap_or_default(),
        choices: Choices::of(&at.state, sc).await?,
        city: sc == Scope::City,
        may_write: super::super::may_write(&at.viewer),
        current: None,
        q,
    })
}

/// The filtered list as Excel, in the import's columns.
pub async fn export(at: Asked, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    let (rows, _) =
        activities::list(&at.state.db, scope(&at.viewer)?, &q.filter(), i64::MAX, 0).await?;
    crate::download::xlsx(
        "工会活动.xlsx",
        None,
        &headers(COLUMNS),
        rows.iter().map(cells),
    )
}

/// Fields of the activity form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActivityForm {
    name: Option<String>,
    kind: Option<String>,
    level: Option<String>,
    township: Option<String>,
    organiser: Option<String>,
    co_organisers: Option<String>,
    joint_mode: Option<String>,
    start_on: Option<String>,
    end_on: Option<String>,
    place: Option<String>,
    capacity: Option<String>,
    open_for_signup: Option<String>,
    team_id: Option<String>,
}

impl ActivityForm {
    fn input(&self) -> Result<ActivityInput, AppError> {
        let bad = |e: String| AppError::BadRequest(e);
        let level = ActivityLevel::parse(&required(&self.level, "活动级别")?)
            .map_err(|e| bad(e.to_string()))?;
        let township = field(&self.township)
            .map(|t| Township::parse(&t).map_err(|e| bad(e.to_string())))
            .transpose()?;
        let start = required_date(&self.start_on, "开始日期")?;
        let end = super::super::date(&self.end_on, "结束日期")?.unwrap_or(start);
        let capacity = field(&self.capacity)
            .map(|c| {
                c.parse::<u32>()
                    .map_err(|_| bad(format!("名额应为正整数：{c}")))
            })
            .transpose()?;
        Ok(ActivityInput {
            name: required(&self.name, "活动名称")?,
            kind: ActivityKind::parse(&required(&self.kind, "活动类型")?)
                .map_err(|e| bad(e.to_string()))?,
            organisation: Organisation::new(level, township).map_err(|e| bad(e.to_string()))?,
            organiser: required(&self.organiser, "主办单位")?,
            co_organisers: split_co_organisers(&field(&self.co_organisers).unwrap_or_default()),
            joint_mode: field(&self.joint_mode)
                .map(|m| JointMode::parse(&m).map_err(|e| bad(e.to_string())))
                .transpose()?,
            dates: check_plan((start, end), capacity).map_err(|e| bad(e.to_string()))?,
            place: field(&self.place).unwrap_or_default(),
            capacity,
            open_for_signup: super::super::flag(&self.open_for_signup),
            team_id: field(&self.team_id)
                .map(|t| {
                    t.parse::<i64>()
                        .map_err(|_| bad(format!("队伍不正确：{t}")))
                })
                .transpose()?,
        })
    }
}

/// Registers an activity.
pub async fn create(at: Asked, Form(f): Form<ActivityForm>) -> Response {
    change(&at.state, &at.viewer, "/union/activities", async |tx| {
        let sc = scope(&at.viewer)?;
        let input = f.input()?;
        if let Some(team) = input.team_id {
            teams::get_for_change(&mut *tx, sc, team).await?;
        }
        let id = activities::create(&mut *tx, &at.viewer.user.username, sc, &input).await?;
        Ok(format!("/union/activities/{id}"))
    })
    .await
}

#[derive(Template)]
#[template(path = "union/activity.html")]
struct DetailPage {
    chrome: Chrome,
    a: Activity,
    signups: Vec<Signup>,
    /// A page of the participations.
    list: Paged<Participation>,
    choices: Choices,
    may_change: bool,
    city: bool,
    current: Option<Activity>,
}

/// `?page=` of the participation list on the detail page.
#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    page: Option<i64>,
}

/// One activity, with sign-ups, a page of participations and the edit form.
pub async fn show(at: Keyed, Query(q): Query<PageQuery>) -> Result<Html<String>, AppError> {
    let sc = scope(&at.viewer)?;
    let a = activities::get(&at.state.db, sc, at.key).await?;
    let (page, per, offset) = paging(q.page, 100);
    let participations = participations::of_activity(&at.state.db, a.id, per, offset).await?;
    render(&DetailPage {
        chrome: Chrome::new(a.name.clone(), &at.viewer),
        signups: signups::of_activity(&at.state.db, a.id).await?,
        list: Paged::new(participations, a.participations, page, per),
        choices: Choices::of(&at.state, sc).await?,
        may_change: super::super::may_write(&at.viewer)
            && sc.allows_code(a.township().map(Township::code)),
        city: sc == Scope::City,
        current: Some(a.clone()),
        a,
    })
}

/// Corrects an activity.
pub async fn update(post: Keyed, Form(f): Form<ActivityForm>) -> Response {
    let back = format!("/union/activities/{}", post.key);
    post.change(&back, async |tx| {
        let sc = scope(&post.viewer)?;
        let input = f.input()?;
        if let Some(team) = input.team_id {
            teams::get_for_change(&mut *tx, sc, team).await?;
        }
        activities::update(&mut *tx, &post.viewer.user.username, sc, post.key, &input).await?;
        Ok(back.clone())
    })
    .await
}

/// An activity's participation list as Excel (it re-imports); IDs masked for inspectors.
pub async fn export_participations(at: Keyed) -> Result<Response, AppError> {
    let sc = scope(&at.viewer)?;
    let a = activities::get(&at.state.db, sc, at.key).await?;
    let rows = participations::all(&at.state.db, Scope::City, Some(a.id)).await?;
    // Full IDs only for those who may change the activity (its own township or the city).
    let masked =
        !(super::super::may_write(&at.viewer) && sc.allows_code(a.township().map(Township::code)));
    crate::download::xlsx(
        &format!("{}参与名单.xlsx", a.name),
        None,
        &headers(participation_sheet::COLUMNS),
        rows.iter().map(|p| participation_sheet::cells(p, masked)),
    )
}

/// `GET /api/v1/union/activities?q=&kind=&level=&township=&year=&page=`: a page of the
/// activities in the caller's scope (100 a page), with their counts.
#[utoipa::path(get, path = "/api/v1/union/activities", params(ListQuery),
    responses((status = 200, body = Value)), tag = "union")]
pub async fn list_json(at: Asked, Query(q): Query<ListQuery>) -> Result<Json<Value>, ApiError> {
    let (page, per, offset) = paging(q.page, 100);
    let (rows, total) =
        activities::list(&at.state.db, scope(&at.viewer)?, &q.filter(), per, offset).await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|a| {
            json!({
                "id": a.id,
                "name": a.name,
                "kind": a.kind.code(),
                "level": a.level().code(),
                "township": a.township().map(Township::code),
                "organiser": a.organiser,
                "co_organisers": a.co_organisers,
                "joint_mode": a.joint_mode.map(JointMode::code),
                "start_on": a.dates.start(),
                "end_on": a.dates.end(),
                "place": a.place,
                "capacity": a.capacity,
                "open_for_signup": a.open_for_signup,
                "signed_up": a.taken,
                "participations": a.participations,
                "participants": a.participants,
            })
        })
        .collect();
    Ok(Json(
        json!({ "total": total, "page": page, "activities": items }),
    ))
}

/// `GET /api/v1/union/figures/activities?year=`: the year's activity and honour figures
/// in the caller's scope.
#[utoipa::path(get, path = "/api/v1/union/figures/activities", params(YearQuery),
    responses((status = 200, body = Value)), tag = "union")]
pub async fn figures_json(at: Asked, Query(q): Query<YearQuery>) -> Result<Json<Value>, ApiError> {
    let year = super::super::year(&at.state, q.year.as_deref()).await?;
    let sc = scope(&at.viewer)?;
    let activities = year_figures(&at.state.db, year, sc).await?;
    let honours = store::union::honours::year_figures(&at.state.db, year, sc).await?;
    Ok(Json(
        json!({ "year": year, "activities": activities, "honours": honours }),
    ))
}
