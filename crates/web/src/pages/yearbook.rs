//! The yearbook (年鉴) on screen, in print, as Excel and as JSON: `/reports/annual`,
//! `/reports/annual.xlsx` and `GET /api/v1/reports/annual`, all over the same
//! `store::yearbook::annual` and the definitions of `domain::yearbook`.
//!
//! Each reader gets the offices they work in: union staff the union's part (a township's
//! staff their township's), relocation staff the headquarters' part (their town's),
//! administrators and inspectors both. `?township=` and `?town=` narrow a city-wide reader.
//! The charts are drawn from the report's own figures, so the page, its print layout and
//! the standalone file of `groundwork report annual --format html` show the same picture.

use crate::charts::{self, Bar};
use crate::error::{ApiError, AppError};
use crate::pages::{Asked, Chrome, render};
use askama::Template;
use axum::Json;
use axum::extract::Query;
use axum::response::{IntoResponse, Response};
use domain::union::township::Township;
use domain::yearbook::{
    AnnualReport, Line, RelocationYear, UnionYear, relocation_lines, relocation_paragraph,
    union_lines, union_paragraph,
};
use serde::Deserialize;
use store::yearbook::{self, Reach};

/// `?year=&township=&town=`.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnnualQuery {
    #[serde(default)]
    year: Option<String>,
    #[serde(default)]
    township: Option<String>,
    #[serde(default)]
    town: Option<String>,
}

impl AnnualQuery {
    /// The query string that asks for the same report (for the export and JSON links).
    fn echo(&self, year: i32) -> String {
        let mut q = format!("year={year}");
        for (k, v) in [("township", &self.township), ("town", &self.town)] {
            if let Some(v) = crate::pages::union::field(v) {
                q.push_str(&format!("&{k}={}", crate::access::urlencode(&v)));
            }
        }
        q
    }
}

/// The report the viewer asked for, within what they may see, and what they may see
/// before narrowing (the page offers the filters of a wide reach).
async fn report_for(at: &Asked, q: &AnnualQuery) -> Result<(AnnualReport, Reach), AppError> {
    let year = crate::pages::union::year(&at.state, q.year.as_deref()).await?;
    let township = match crate::pages::union::field(&q.township) {
        Some(t) => Some(
            Township::parse(&t)
                .map_err(|_| AppError::BadRequest(format!("乡镇（街道）不正确：{t}")))?,
        ),
        None => None,
    };
    let reach = Reach::of(&at.state.db, &at.viewer.user.account).await?;
    let asked = reach
        .clone()
        .narrowed(township, crate::pages::union::field(&q.town));
    Ok((yearbook::annual(&at.state.db, year, &asked).await?, reach))
}

/// One office's part as the page shows it.
struct Part {
    heading: &'static str,
    paragraph: String,
    lines: Vec<Line>,
    charts: Vec<String>,
}

/// Bars of figures that share a unit, longest first, scaled to the longest.
fn bars(title: &str, colour: &str, figures: &[(&str, i64, &str)]) -> String {
    let mut figures = figures.to_vec();
    figures.sort_by_key(|f| std::cmp::Reverse(f.1));
    let clamp = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
    let max = figures.iter().map(|f| clamp(f.1)).max().unwrap_or(0);
    let bars: Vec<Bar> = figures
        .iter()
        .map(|(label, v, unit)| Bar {
            label: (*label).to_string(),
            value: clamp(*v),
            shown: format!("{} {unit}", domain::platform::money::grouped(*v)),
        })
        .collect();
    charts::horizontal(&bars, max, colour, title)
}

fn union_charts(u: &UnionYear) -> Vec<String> {
    vec![
        bars(
            "各类活动（场次、个）",
            "#0b5cad",
            &[
                ("各级技能竞赛", u.competitions.all_levels, "场"),
                ("市级技能竞赛", u.competitions.city, "场"),
                ("乐活工会活动", u.lehuo_events, "场"),
                ("招聘会", u.job_fairs, "场"),
                ("志愿服务", u.volunteer_services, "次"),
                ("网上项目", u.online_projects, "个"),
                ("送技能培训", u.free_training_courses, "期"),
            ],
        ),
        bars(
            "惠及职工（人次）",
            "#1b7f3b",
            &[
                ("岗位练兵", u.training_participations, "人次"),
                ("网上项目参与", u.online_participations, "人次"),
                ("新增会员", u.new_members, "人"),
                ("健康体检", u.health_checks, "人次"),
                ("疗休养", u.recuperation_places, "人次"),
                (
                    "资助上大学",
                    u.college_subsidy.junior_college + u.college_subsidy.undergraduate,
                    "人",
                ),
            ],
        ),
        bars(
            "荣誉与阵地",
            "#b3261e",
            &[
                ("工人先锋号", u.pioneer_teams, "个"),
                ("市级以上劳模", u.model_workers, "名"),
                ("创新工作室", u.innovation_studios, "个"),
                ("建德市级职工之家", u.advanced_workers_homes.jiande, "家"),
                ("杭州市级职工之家", u.advanced_workers_homes.hangzhou, "家"),
                ("浙江工匠", u.zhejiang_craftsmen, "名"),
            ],
        ),
    ]
}

fn relocation_charts(r: &RelocationYear) -> Vec<String> {
    vec![bars(
        "征收与安置（户）",
        "#8d6e00",
        &[
            ("安置户数", r.households_resettled, "户"),
            ("征收户数", r.households_expropriated, "户"),
            ("其中企业", r.enterprises_expropriated, "家"),
        ],
    )]
}

/// The parts of `report` the reader sees, union first.
fn parts(report: &AnnualReport) -> Vec<Part> {
    let mut out = Vec::new();
    if let Some(u) = &report.union {
        out.push(Part {
            heading: "工会工作",
            paragraph: union_paragraph(report.year, &report.place, u),
            lines: union_lines(u),
            charts: union_charts(u),
        });
    }
    if let Some(r) = &report.relocation {
        out.push(Part {
            heading: "征收安置工作",
            paragraph: relocation_paragraph(report.year, &report.place, r),
            lines: relocation_lines(r),
            charts: relocation_charts(r),
        });
    }
    out
}

#[derive(Template)]
#[template(path = "reports/annual.html")]
struct AnnualPage {
    chrome: Chrome,
    year: i32,
    heading: String,
    parts: Vec<Part>,
    query: String,
    /// Whether the township filter is offered (a city-wide union reader).
    township_filter: bool,
    townships: &'static [Township],
    township: String,
    /// Whether the town filter is offered (a reader of every town).
    town_filter: bool,
    town: String,
}

/// `/reports/annual`: the yearbook page, printable (A4) with the browser's print.
pub async fn page(at: Asked, Query(q): Query<AnnualQuery>) -> Result<Response, AppError> {
    let (report, reach) = report_for(&at, &q).await?;
    let query = q.echo(report.year);
    Ok(render(&AnnualPage {
        chrome: Chrome::new(format!("{}年度工作年鉴数据", report.year), &at.viewer),
        year: report.year,
        heading: imports::yearbook::title(&report),
        parts: parts(&report),
        query,
        township_filter: reach.union == Some(store::union::Scope::City),
        townships: Township::all(),
        township: crate::pages::union::field(&q.township).unwrap_or_default(),
        town_filter: reach.relocation == Some(store::relocation::Scope::All),
        town: crate::pages::union::field(&q.town).unwrap_or_default(),
    })?
    .into_response())
}

/// `/reports/annual.xlsx`: the same figures as a spreadsheet.
pub async fn xlsx(at: Asked, Query(q): Query<AnnualQuery>) -> Result<Response, AppError> {
    let (report, _) = report_for(&at, &q).await?;
    crate::download::written_xlsx(
        &format!("{}.xlsx", imports::yearbook::title(&report)),
        |path| imports::yearbook::write_xlsx(&report, path).map_err(|e| e.to_string()),
    )
    .map_err(|e| AppError::BadRequest(format!("导出失败：{e}")))
}

/// `GET /api/v1/reports/annual?year=`: the report as JSON (keys as `domain::yearbook`
/// defines them; an office the caller does not see is `null`).
#[utoipa::path(get, path = "/api/v1/reports/annual", params(AnnualQuery),
    responses((status = 200, body = serde_json::Value)), tag = "platform")]
pub async fn api(at: Asked, Query(q): Query<AnnualQuery>) -> Result<Json<AnnualReport>, ApiError> {
    Ok(Json(report_for(&at, &q).await?.0))
}

#[derive(Template)]
#[template(path = "reports/annual_print.html")]
struct Standalone<'a> {
    heading: String,
    parts: Vec<Part>,
    css: &'a str,
}

/// The report as one self-contained HTML file (styles inside, no script, no link out):
/// what `groundwork report annual --format html` writes, to open or print anywhere.
pub fn standalone_html(report: &AnnualReport) -> Result<String, askama::Error> {
    Standalone {
        heading: imports::yearbook::title(report),
        parts: parts(report),
        css: crate::assets::STYLESHEET,
    }
    .render()
}
