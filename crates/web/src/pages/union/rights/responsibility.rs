//! Enterprise social-responsibility assessment (企业社会责任评价): the list of a year (and
//! its Excel), an enterprise's assessments by year, and the form to record one.

use crate::error::AppError;
use crate::form::Form;
use crate::pages::YearQuery;
use crate::pages::union::{field, may_write, required, scope, year};
use crate::pages::{Asked, Chrome, Keyed, change, render};
use crate::routes::{Route, get, post};
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, Response};
use domain::union::assessment::ResponsibilityScores;
use serde::Deserialize;
use store::union::contracts::enterprise_by_code;
use store::union::enterprises::{self, Enterprise};
use store::union::responsibility::{self, Assessment};

/// This page's routes.
pub fn routes(read: crate::access::Access, write: crate::access::Access) -> Vec<Route> {
    vec![
        get("/union/responsibility", read, "企业社会责任评价", list),
        get(
            "/union/responsibility.xlsx",
            read,
            "导出社会责任评价",
            export,
        ),
        post("/union/responsibility", write, "登记社会责任评价", record),
        get(
            "/union/enterprises/{id}/responsibility",
            read,
            "企业社会责任评价记录",
            of_enterprise,
        ),
    ]
}

#[derive(Template)]
#[template(path = "union/responsibility.html")]
struct ListPage {
    chrome: Chrome,
    year: i32,
    rows: Vec<Assessment>,
    may_write: bool,
}

/// The year's assessments in scope, best first.
pub async fn list(at: Asked, Query(q): Query<YearQuery>) -> Result<Html<String>, AppError> {
    let year = year(&at.state, q.year.as_deref()).await?;
    render(&ListPage {
        chrome: Chrome::new("企业社会责任评价", &at.viewer),
        rows: responsibility::of_year(&at.state.db, scope(&at.viewer)?, year).await?,
        year,
        may_write: may_write(&at.viewer),
    })
}

const HEADERS: [&str; 10] = [
    "年度",
    "企业",
    "乡镇（街道）",
    "市场责任",
    "环境责任",
    "就业责任",
    "公益责任",
    "总分",
    "评价结果",
    "备注",
];

/// The year's assessments as Excel.
pub async fn export(at: Asked, Query(q): Query<YearQuery>) -> Result<Response, AppError> {
    let year = year(&at.state, q.year.as_deref()).await?;
    let rows = responsibility::of_year(&at.state.db, scope(&at.viewer)?, year).await?;
    crate::download::xlsx(
        "企业社会责任评价.xlsx",
        None,
        &HEADERS,
        rows.iter().map(|a| {
            vec![
                a.year.to_string(),
                a.enterprise_name.clone(),
                a.township.name().to_string(),
                a.scores.market().to_string(),
                a.scores.environment().to_string(),
                a.scores.employment().to_string(),
                a.scores.welfare().to_string(),
                a.scores.total().to_string(),
                a.grade.label().to_string(),
                a.note.clone(),
            ]
        }),
    )
}

/// Fields of the assessment form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AssessmentForm {
    credit_code: Option<String>,
    year: Option<String>,
    market: Option<String>,
    environment: Option<String>,
    employment: Option<String>,
    welfare: Option<String>,
    note: Option<String>,
}

fn number(v: &Option<String>, what: &str) -> Result<u32, AppError> {
    let t = required(v, what)?;
    t.parse()
        .map_err(|_| AppError::BadRequest(format!("{what}应为0至100的整数：{t}")))
}

/// Records (or replaces) an enterprise's assessment for a year.
pub async fn record(at: Asked, Form(f): Form<AssessmentForm>) -> Response {
    change(&at.state, &at.viewer, "/union/responsibility", async |tx| {
        let sc = scope(&at.viewer)?;
        let code = required(&f.credit_code, "统一社会信用代码")?.to_uppercase();
        let id = enterprise_by_code(&mut *tx, sc, &code).await?;
        let y_text = required(&f.year, "年度")?;
        let y = y_text
            .parse::<i32>()
            .ok()
            .filter(|y| (1990..=2100).contains(y))
            .ok_or_else(|| AppError::BadRequest(format!("年度不正确：{y_text}")))?;
        let scores = ResponsibilityScores::new(
            number(&f.market, "市场责任得分")?,
            number(&f.environment, "环境责任得分")?,
            number(&f.employment, "就业责任得分")?,
            number(&f.welfare, "公益责任得分")?,
        )
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
        let note = field(&f.note).unwrap_or_default();
        responsibility::record(
            &mut *tx,
            &at.viewer.user.username,
            sc,
            id,
            y,
            &scores,
            &note,
        )
        .await?;
        Ok(format!("/union/enterprises/{id}/responsibility"))
    })
    .await
}

#[derive(Template)]
#[template(path = "union/enterprise_responsibility.html")]
struct EnterprisePage {
    chrome: Chrome,
    e: Enterprise,
    rows: Vec<Assessment>,
}

/// An enterprise's assessments by year (404 outside the scope).
pub async fn of_enterprise(at: Keyed) -> Result<Html<String>, AppError> {
    let sc = scope(&at.viewer)?;
    let e = enterprises::get(&at.state.db, sc, at.key).await?;
    render(&EnterprisePage {
        chrome: Chrome::new(format!("{} · 社会责任评价", e.name), &at.viewer),
        rows: responsibility::of_enterprise(&at.state.db, sc, at.key).await?,
        e,
    })
}
