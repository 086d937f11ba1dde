//! Collective contracts (集体合同): the signing rate per township and for the city on a
//! day (31 December of the year by default), the contracts list (search, filters, paging,
//! Excel), and the forms to record a contract, remove one entered by mistake, and name a
//! demonstration unit (工资集体协商示范单位).

use crate::error::AppError;
use crate::form::Form;
use crate::pages::union::{
    date, field, kept_filters, may_write, required, required_date, scope, year,
};
use crate::pages::{Asked, Chrome, Keyed, Paged, change, paging, render};
use crate::routes::{Route, post};
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, Response};
use chrono::NaiveDate;
use domain::union::coverage::format_rate;
use domain::union::township::Township;
use domain::union::wage::ContractKind;
use imports::union::contracts::COLUMNS;
use imports::union::export::headers;
use imports::union::rights_export::contract_cells;
use serde::{Deserialize, Serialize};
use store::union::Scope;
use store::union::contracts::{self, Contract, ContractFigures, ContractFilter, SigningLine};

/// This page's routes.
pub fn routes(read: crate::access::Access, write: crate::access::Access) -> Vec<Route> {
    vec![
        crate::routes::get("/union/contracts", read, "集体合同", list).nav("集体合同"),
        crate::routes::get("/union/contracts.xlsx", read, "导出集体合同", export),
        post("/union/contracts", write, "登记集体合同", create),
        post(
            "/union/contracts/{id}/delete",
            write,
            "删除集体合同",
            delete,
        ),
        post(
            "/union/demonstration-units",
            write,
            "登记示范单位",
            demonstration,
        ),
    ]
}

/// Filters of the page, as in the query string.
#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    year: Option<String>,
    on: Option<String>,
    q: Option<String>,
    township: Option<String>,
    kind: Option<String>,
    valid: Option<String>,
    page: Option<i64>,
}

impl ListQuery {
    fn filter(&self, on: NaiveDate) -> ContractFilter {
        ContractFilter {
            q: field(&self.q),
            township: field(&self.township).and_then(|t| Township::parse(&t).ok()),
            kind: field(&self.kind).and_then(|k| ContractKind::parse(&k).ok()),
            valid_on: (field(&self.valid).as_deref() == Some("yes")).then_some(on),
        }
    }
}

/// A signing line as shown.
pub struct Shown {
    line: SigningLine,
    rate: String,
}

#[derive(Template)]
#[template(path = "union/contracts.html")]
struct Page {
    chrome: Chrome,
    year: i32,
    on: NaiveDate,
    lines: Vec<Shown>,
    figures: ContractFigures,
    city_rate: String,
    list: Paged<Contract>,
    base: String,
    q: ListQuery,
    kinds: &'static [ContractKind],
    townships: Vec<Township>,
    fixed_township: Option<Township>,
    may_write: bool,
}

async fn day_asked(at: &Asked, q: &ListQuery) -> Result<(i32, NaiveDate), AppError> {
    let y = year(&at.state, q.year.as_deref()).await?;
    let on = match date(&q.on, "统计日期")? {
        Some(d) => d,
        None => contracts::year_end(y)?,
    };
    Ok((y, on))
}

/// The signing rates and the contracts.
pub async fn list(at: Asked, Query(q): Query<ListQuery>) -> Result<Html<String>, AppError> {
    let sc = scope(&at.viewer)?;
    let (y, on) = day_asked(&at, &q).await?;
    let (page, per, offset) = paging(q.page, 50);
    let (rows, total) = contracts::list(&at.state.db, sc, &q.filter(on), per, offset).await?;
    let lines = contracts::signing_lines(&at.state.db, sc, on)
        .await?
        .into_iter()
        .map(|line| Shown {
            rate: format_rate(line.rate_bp()),
            line,
        })
        .collect();
    let figures = contracts::year_figures(&at.state.db, y, sc).await?;
    render(&Page {
        chrome: Chrome::new("集体合同", &at.viewer),
        year: y,
        on,
        lines,
        city_rate: format_rate(figures.signing_rate_bp),
        figures,
        list: Paged::new(rows, total, page, per),
        base: kept_filters(&q),
        q,
        kinds: ContractKind::ALL,
        townships: Township::all().to_vec(),
        fixed_township: sc.township(),
        may_write: may_write(&at.viewer),
    })
}

/// The filtered contracts as Excel, in the import's columns.
pub async fn export(at: Asked, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    let (_, on) = day_asked(&at, &q).await?;
    let sc = scope(&at.viewer)?;
    let (rows, _) = contracts::list(&at.state.db, sc, &q.filter(on), i64::MAX, 0).await?;
    crate::download::xlsx(
        "集体合同.xlsx",
        None,
        &headers(COLUMNS),
        rows.iter().map(contract_cells),
    )
}

/// Fields of the contract and demonstration-unit forms.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ContractForm {
    credit_code: Option<String>,
    kind: Option<String>,
    signed_on: Option<String>,
    expires_on: Option<String>,
    year: Option<String>,
}

fn bad(e: impl ToString) -> AppError {
    AppError::BadRequest(e.to_string())
}

async fn enterprise(tx: &mut store::Tx, sc: Scope, f: &ContractForm) -> Result<i64, AppError> {
    let code = required(&f.credit_code, "统一社会信用代码")?.to_uppercase();
    Ok(contracts::enterprise_by_code(tx, sc, &code).await?)
}

/// Records a contract of an enterprise in scope, found by its credit code.
pub async fn create(at: Asked, Form(f): Form<ContractForm>) -> Response {
    change(&at.state, &at.viewer, "/union/contracts", async |tx| {
        let sc = scope(&at.viewer)?;
        let id = enterprise(&mut *tx, sc, &f).await?;
        let kind = ContractKind::parse(&required(&f.kind, "合同类型")?).map_err(bad)?;
        let c = contracts::contract(
            kind,
            required_date(&f.signed_on, "签订日期")?,
            required_date(&f.expires_on, "到期日期")?,
        )?;
        contracts::record(&mut *tx, &at.viewer.user.username, sc, id, &c).await?;
        Ok("/union/contracts".to_string())
    })
    .await
}

/// Removes a contract entered by mistake.
pub async fn delete(post: Keyed) -> Response {
    post.change("/union/contracts", async |tx| {
        let sc = scope(&post.viewer)?;
        contracts::delete(&mut *tx, &post.viewer.user.username, sc, post.key).await?;
        Ok("/union/contracts".to_string())
    })
    .await
}

/// Names an enterprise in scope a demonstration unit of a year.
pub async fn demonstration(at: Asked, Form(f): Form<ContractForm>) -> Response {
    change(&at.state, &at.viewer, "/union/contracts", async |tx| {
        let sc = scope(&at.viewer)?;
        let id = enterprise(&mut *tx, sc, &f).await?;
        let text = required(&f.year, "年度")?;
        let y = text
            .parse::<i32>()
            .ok()
            .filter(|y| (1990..=2100).contains(y))
            .ok_or_else(|| bad(format!("年度不正确：{text}")))?;
        contracts::set_demonstration(&mut *tx, &at.viewer.user.username, sc, id, y).await?;
        Ok(format!("/union/contracts?year={y}"))
    })
    .await
}
