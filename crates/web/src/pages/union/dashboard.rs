//! The city overview, a township's dashboard (coverage, checklist, new unions and members
//! by month), and the ranking of the 16 townships: on screen, as a printable circular
//! (排名通报) and as Excel.

use super::{is_city, scope};
use crate::charts::{self as chart, Bar};
use crate::error::AppError;
use crate::figures::Reading;
use crate::form::Form;
use crate::pages::YearQuery;
use crate::pages::change;
use crate::pages::render;
use crate::pages::{Asked, Chrome, Keyed};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::union::coverage::{
    CoverageRule, Obligation, RankedTownship, TownshipCoverage, format_rate,
};
use domain::union::township::Township;
use serde::Deserialize;
use std::sync::Arc;
use store::Db;
use store::error::StoreResult;
use store::union::Scope;
use store::union::coverage::{self, RANKING_HEADERS, YearFigures, ranking_cells};
use store::union::enterprises::{self, Enterprise, EnterpriseFilter};
use store::union::organisations;

/// The year's ranking, computed once per state of the records ([`crate::figures`]).
pub(crate) async fn ranked(
    r: &Reading<'_>,
    db: &Db,
    year: i32,
) -> StoreResult<Arc<Vec<RankedTownship>>> {
    r.get(format!("ranking {year}"), || coverage::ranking(db, year))
        .await
}

/// The city's figures of the year (the overview and the circular), computed once per
/// state of the records.
async fn city_figures(r: &Reading<'_>, db: &Db, year: i32) -> StoreResult<Arc<YearFigures>> {
    r.get(format!("year figures {year}"), || {
        coverage::year_figures(db, year, Scope::City)
    })
    .await
}

/// Bars of the ranking: all-enterprise coverage rate per township, in ranking order.
fn rate_bars(ranked: &[RankedTownship]) -> String {
    let bars: Vec<Bar> = ranked
        .iter()
        .map(|r| Bar {
            label: r.coverage.township.clone(),
            value: r.coverage.all_rate_bp(),
            shown: format_rate(r.coverage.all_rate_bp()),
        })
        .collect();
    chart::horizontal(&bars, 10_000, "#b3261e", "企业建会覆盖率")
}

/// Bars of new unions per township, in ranking order.
fn founded_bars(ranked: &[RankedTownship], year: i32) -> String {
    let max = ranked
        .iter()
        .map(|r| r.coverage.unions_founded_in_year)
        .max()
        .unwrap_or(0);
    let bars: Vec<Bar> = ranked
        .iter()
        .map(|r| Bar {
            label: r.coverage.township.clone(),
            value: r.coverage.unions_founded_in_year,
            shown: format!("{} 家", r.coverage.unions_founded_in_year),
        })
        .collect();
    chart::horizontal(&bars, max, "#0b5cad", &format!("{year}年新建工会"))
}

#[derive(Template)]
#[template(path = "union/overview.html")]
struct OverviewPage {
    chrome: Chrome,
    year: i32,
    figures: Arc<YearFigures>,
    rows: Vec<(String, Vec<String>)>,
    bars: String,
    unions_chart: String,
    members_chart: String,
}

/// `/union/`: township staff go to their township; the city sees the year's figures and
/// every township.
pub async fn overview(at: Asked, Query(q): Query<YearQuery>) -> Result<Response, AppError> {
    if let Scope::Township(t) = scope(&at.viewer)? {
        return Ok(Redirect::to(&format!("/union/townships/{}", t.code())).into_response());
    }
    let db = &at.state.db;
    let r = at.state.figures.read(db).await?;
    let year = super::year_in(&r, &at.state, q.year.as_deref()).await?;
    let figures = city_figures(&r, db, year).await?;
    let ranked = ranked(&r, db, year).await?;
    let monthly = r
        .get(format!("monthly {year}"), || {
            coverage::monthly(db, Scope::City, year)
        })
        .await?;
    let rows = ranked
        .iter()
        .map(|r| {
            let code = Township::parse(&r.coverage.township)
                .map(|t| t.code())
                .unwrap_or_default();
            (code.to_string(), ranking_cells(r))
        })
        .collect();
    Ok(render(&OverviewPage {
        chrome: Chrome::new("工会工作概况", &at.viewer),
        year,
        figures,
        rows,
        bars: rate_bars(&ranked),
        unions_chart: chart::monthly(&monthly.unions, "#0b5cad", &format!("{year}年每月新建工会")),
        members_chart: chart::monthly(
            &monthly.members,
            "#1b7f3b",
            &format!("{year}年每月新增会员"),
        ),
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "union/township.html")]
struct TownshipPage {
    chrome: Chrome,
    township: Township,
    year: i32,
    line: TownshipCoverage,
    rank: u32,
    must_rate: String,
    all_rate: String,
    checklist: Arc<Vec<Enterprise>>,
    tracked_open: Arc<Vec<Enterprise>>,
    founded: Vec<organisations::UnionOrg>,
    unions_chart: String,
    members_chart: String,
    may_write: bool,
    today: String,
}

/// A township's dashboard: coverage, the open checklist (with the form that ticks a line
/// off by founding its union), the tracked band, new unions and members by month.
pub async fn township(
    at: Keyed<String>,
    Query(q): Query<YearQuery>,
) -> Result<Html<String>, AppError> {
    let t = Township::from_code(&at.key).ok_or(AppError::NotFound)?;
    let sc = scope(&at.viewer)?;
    if !sc.allows_code(Some(t.code())) {
        return Err(AppError::NotFound);
    }
    let db = &at.state.db;
    let r = at.state.figures.read(db).await?;
    let year = super::year_in(&r, &at.state, q.year.as_deref()).await?;
    let ranked = ranked(&r, db, year).await?;
    let mine = ranked
        .iter()
        .find(|r| r.coverage.township == t.name())
        .ok_or(AppError::NotFound)?;
    let tracked = EnterpriseFilter {
        township: Some(t),
        covered: Some(false),
        obligation: Some(Obligation::Tracked),
        sort: enterprises::EnterpriseSort::Headcount,
        ..EnterpriseFilter::default()
    };
    let tracked_open = r
        .get(format!("tracked open {}", t.code()), || async {
            let (open, _) = enterprises::list(db, Scope::Township(t), &tracked, 100, 0).await?;
            StoreResult::Ok(open)
        })
        .await?;
    let y = format!("{year:04}-");
    let founded = super::union_choices(&r, db, Scope::Township(t))
        .await?
        .iter()
        .filter(|u| {
            !u.kind.is_federation() && u.founded_on.as_deref().is_some_and(|f| f.starts_with(&y))
        })
        .cloned()
        .collect();
    let checklist = r
        .get(format!("checklist {}", t.code()), || {
            coverage::checklist(db, t)
        })
        .await?;
    let monthly = r
        .get(format!("monthly {year} {}", t.code()), || {
            coverage::monthly(db, Scope::Township(t), year)
        })
        .await?;
    render(&TownshipPage {
        chrome: Chrome::new(format!("{}工会工作台", t.name()), &at.viewer),
        township: t,
        year,
        rank: mine.rank,
        must_rate: format_rate(mine.coverage.must_rate_bp()),
        all_rate: format_rate(mine.coverage.all_rate_bp()),
        line: mine.coverage.clone(),
        checklist,
        tracked_open,
        founded,
        unions_chart: chart::monthly(&monthly.unions, "#0b5cad", &format!("{year}年每月新建工会")),
        members_chart: chart::monthly(
            &monthly.members,
            "#1b7f3b",
            &format!("{year}年每月新增会员"),
        ),
        may_write: super::may_write(&at.viewer),
        today: domain::platform::time::today_local().to_string(),
    })
}

#[derive(Template)]
#[template(path = "union/ranking.html")]
struct RankingPage {
    chrome: Chrome,
    year: i32,
    headers: [&'static str; 10],
    rows: Arc<Vec<Vec<String>>>,
    rate_bars: String,
    founded_bars: String,
    rule: CoverageRule,
    may_set_rule: bool,
}

/// The ranking on screen, with its charts and (for the city) the rule behind it.
pub async fn ranking(at: Asked, Query(q): Query<YearQuery>) -> Result<Html<String>, AppError> {
    let db = &at.state.db;
    let r = at.state.figures.read(db).await?;
    let year = super::year_in(&r, &at.state, q.year.as_deref()).await?;
    let ranked = ranked(&r, db, year).await?;
    let rows = r
        .get(format!("ranking rows {year}"), || {
            super::rights::ranking_rows(db, year, &ranked)
        })
        .await?;
    render(&RankingPage {
        chrome: Chrome::new("乡镇（街道）建会排名", &at.viewer),
        year,
        headers: RANKING_HEADERS,
        rows,
        rate_bars: rate_bars(&ranked),
        founded_bars: founded_bars(&ranked, year),
        rule: *r.get("coverage rule", || coverage::rule(db)).await?,
        may_set_rule: is_city(&at.viewer),
    })
}

#[derive(Template)]
#[template(path = "union/circular.html")]
struct CircularPage {
    chrome: Chrome,
    year: i32,
    figures: Arc<YearFigures>,
    headers: [&'static str; 10],
    rows: Vec<Vec<String>>,
    first: Vec<String>,
    last: Vec<String>,
    rate_bars: String,
    issued: String,
}

/// The circular as printed and sent to the townships.
pub async fn circular(at: Asked, Query(q): Query<YearQuery>) -> Result<Html<String>, AppError> {
    let db = &at.state.db;
    let r = at.state.figures.read(db).await?;
    let year = super::year_in(&r, &at.state, q.year.as_deref()).await?;
    let ranked = ranked(&r, db, year).await?;
    let top = ranked.first().map(|r| r.rank);
    let bottom = ranked.last().map(|r| r.rank);
    let names = |rank: Option<u32>| -> Vec<String> {
        ranked
            .iter()
            .filter(|r| Some(r.rank) == rank)
            .map(|r| r.coverage.township.clone())
            .collect()
    };
    let today = domain::platform::time::today_local();
    render(&CircularPage {
        chrome: Chrome::new(format!("{year}年度建会工作排名通报"), &at.viewer),
        year,
        figures: city_figures(&r, db, year).await?,
        headers: RANKING_HEADERS,
        rows: ranked.iter().map(ranking_cells).collect(),
        first: names(top),
        last: if bottom == top {
            Vec::new()
        } else {
            names(bottom)
        },
        rate_bars: rate_bars(&ranked),
        issued: today.format("%Y年%m月%d日").to_string(),
    })
}

/// The ranking as Excel, titled like the circular.
pub async fn ranking_xlsx(
    State(state): State<AppState>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let r = state.figures.read(&state.db).await?;
    let year = super::year_in(&r, &state, q.year.as_deref()).await?;
    let ranked = ranked(&r, &state.db, year).await?;
    let title = format!("{year}年度乡镇（街道）工会组建工作排名通报");
    crate::download::xlsx(
        &format!("{year}年度建会排名.xlsx"),
        Some(&title),
        &RANKING_HEADERS,
        ranked.iter().map(ranking_cells),
    )
}

/// Fields of the rule form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RuleForm {
    must_min_headcount: Option<String>,
    must_require_provincial: Option<String>,
    tracked_min_headcount: Option<String>,
}

/// Changes the coverage rule; the checklist and ranking follow at once.
pub async fn set_rule(at: Asked, Form(f): Form<RuleForm>) -> Response {
    change(&at.state, &at.viewer, "/union/ranking", async |tx| {
        let number = |v: &Option<String>, what: &str| -> Result<u32, AppError> {
            let t = super::required(v, what)?;
            t.parse()
                .map_err(|_| AppError::BadRequest(format!("{what}应为整数：{t}")))
        };
        let rule = CoverageRule {
            must_min_headcount: number(&f.must_min_headcount, "必须建会的职工人数下限")?,
            must_require_provincial: super::flag(&f.must_require_provincial),
            tracked_min_headcount: number(&f.tracked_min_headcount, "跟踪的职工人数下限")?,
        };
        coverage::set_rule(&mut *tx, &at.viewer.user.username, &rule).await?;
        Ok("/union/ranking".to_string())
    })
    .await
}
