//! Honours: list (search, filters, paging, Excel) with the form to record one and the
//! button to remove one recorded by mistake.

use super::super::{field, kept_filters, required, scope};
use crate::error::AppError;
use crate::form::Form;
use crate::pages::{Asked, Chrome, Keyed, Paged, change, paging, render};
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, Response};
use domain::platform::ResidentId;
use domain::union::honour::{HonourKind, HonourLevel, validate_level};
use domain::union::township::Township;
use imports::union::export::headers;
use imports::union::honours::{COLUMNS, cells};
use serde::{Deserialize, Serialize};
use store::union::Scope;
use store::union::honours::{self, Honour, HonourFilter, HonourInput};

/// Filters of the list, as in the query string.
#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    q: Option<String>,
    kind: Option<String>,
    level: Option<String>,
    year: Option<String>,
    page: Option<i64>,
}

impl ListQuery {
    fn filter(&self) -> HonourFilter {
        HonourFilter {
            q: field(&self.q),
            kind: field(&self.kind).and_then(|k| HonourKind::parse(&k).ok()),
            level: field(&self.level).and_then(|l| HonourLevel::parse(&l).ok()),
            year: field(&self.year).and_then(|y| y.parse().ok()),
        }
    }
}

#[derive(Template)]
#[template(path = "union/honours.html")]
struct ListPage {
    chrome: Chrome,
    list: Paged<Honour>,
    base: String,
    q: ListQuery,
    kinds: &'static [HonourKind],
    levels: &'static [HonourLevel],
    townships: Vec<Township>,
    scope: Scope,
    may_write: bool,
}

impl ListPage {
    /// Whether the viewer may remove this honour (their township's, or any for the city).
    fn may_remove(&self, h: &Honour) -> bool {
        self.may_write && self.scope.allows_code(h.township.map(Township::code))
    }
}

/// The list.
pub async fn list(at: Asked, Query(q): Query<ListQuery>) -> Result<Html<String>, AppError> {
    let sc = scope(&at.viewer)?;
    let (page, per, offset) = paging(q.page, 50);
    let (honours, total) = honours::list(&at.state.db, sc, &q.filter(), per, offset).await?;
    render(&ListPage {
        chrome: Chrome::new("先进典型", &at.viewer),
        list: Paged::new(honours, total, page, per),
        base: kept_filters(&q),
        kinds: HonourKind::ALL,
        levels: HonourLevel::ALL,
        townships: Township::all()
            .iter()
            .copied()
            .filter(|t| sc.allows_code(Some(t.code())))
            .collect(),
        scope: sc,
        may_write: super::super::may_write(&at.viewer),
        q,
    })
}

/// The filtered list as Excel, in the import's columns; IDs masked for readers who
/// change nothing.
pub async fn export(at: Asked, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    let (rows, _) =
        honours::list(&at.state.db, scope(&at.viewer)?, &q.filter(), i64::MAX, 0).await?;
    let masked = !super::super::may_write(&at.viewer);
    crate::download::xlsx(
        "先进典型.xlsx",
        None,
        &headers(COLUMNS),
        rows.iter().map(|h| cells(h, masked)),
    )
}

/// Fields of the honour form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HonourForm {
    year: Option<String>,
    kind: Option<String>,
    level: Option<String>,
    holder: Option<String>,
    resident_id: Option<String>,
    workplace: Option<String>,
    township: Option<String>,
}

impl HonourForm {
    fn input(&self) -> Result<HonourInput, AppError> {
        let bad = |e: String| AppError::BadRequest(e);
        let year_text = required(&self.year, "年度")?;
        let year = year_text
            .parse::<i32>()
            .ok()
            .filter(|y| (1950..=2100).contains(y))
            .ok_or_else(|| bad(format!("年度不正确：{year_text}")))?;
        let kind = HonourKind::parse(&required(&self.kind, "荣誉类型")?)
            .map_err(|e| bad(e.to_string()))?;
        let level = HonourLevel::parse(&required(&self.level, "荣誉级别")?)
            .map_err(|e| bad(e.to_string()))?;
        validate_level(kind, level).map_err(|e| bad(e.to_string()))?;
        Ok(HonourInput {
            kind,
            level,
            year,
            holder: required(&self.holder, "获得者")?,
            resident_id: field(&self.resident_id)
                .filter(|_| !kind.is_collective())
                .map(|r| ResidentId::parse(&r).map_err(|e| bad(e.to_string())))
                .transpose()?,
            workplace: required(&self.workplace, "工作单位")?,
            township: field(&self.township)
                .map(|t| Township::parse(&t).map_err(|e| bad(e.to_string())))
                .transpose()?,
        })
    }
}

/// Records an honour.
pub async fn create(at: Asked, Form(f): Form<HonourForm>) -> Response {
    change(&at.state, &at.viewer, "/union/honours", async |tx| {
        honours::record(
            &mut *tx,
            &at.viewer.user.username,
            scope(&at.viewer)?,
            &f.input()?,
        )
        .await?;
        Ok("/union/honours".to_string())
    })
    .await
}

/// Removes an honour recorded by mistake.
pub async fn remove(post: Keyed) -> Response {
    post.change("/union/honours", async |tx| {
        honours::remove(
            &mut *tx,
            &post.viewer.user.username,
            scope(&post.viewer)?,
            post.key,
        )
        .await?;
        Ok("/union/honours".to_string())
    })
    .await
}
