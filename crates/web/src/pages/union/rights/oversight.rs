//! The township assessment (考核激励): each township's score under the city's weights,
//! beside its ranking figures, and the weights form (the city only); and leader talks
//! (领导约谈) with lagging townships and their follow-up.

use crate::error::AppError;
use crate::form::Form;
use crate::pages::YearQuery;
use crate::pages::union::{date, field, is_city, may_write, required, required_date, scope, year};
use crate::pages::{Asked, Chrome, Keyed, change, render};
use crate::routes::{Route, get, post};
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, Response};
use domain::union::assessment::{AssessmentWeights, format_score};
use domain::union::coverage::format_rate;
use domain::union::township::Township;
use serde::Deserialize;
use store::union::oversight::{self, Assessed, Talk, TalkInput};

/// This page's routes: the weights and new talks are the city's.
pub fn routes(
    read: crate::access::Access,
    write: crate::access::Access,
    city: crate::access::Access,
) -> Vec<Route> {
    vec![
        get("/union/assessment", read, "考核激励", assessment).nav("考核激励"),
        post(
            "/union/assessment/weights",
            city,
            "修改考核权重",
            set_weights,
        ),
        get("/union/talks", read, "领导约谈", talks),
        get("/union/talks.xlsx", read, "导出领导约谈", export_talks),
        post("/union/talks", city, "登记领导约谈", create_talk),
        get("/union/talks/{id}", read, "约谈详情", show_talk),
        post("/union/talks/{id}", write, "登记约谈整改", update_talk),
    ]
}

/// An assessment line as shown.
pub struct Line {
    a: Assessed,
    must_rate: String,
    tracked_rate: String,
    all_rate: String,
    score: String,
}

#[derive(Template)]
#[template(path = "union/assessment.html")]
struct AssessmentPage {
    chrome: Chrome,
    year: i32,
    /// The weights as percentages: must, tracked, all.
    weights: [String; 3],
    lines: Vec<Line>,
    may_set: bool,
}

/// A percentage of basis points as a form shows it: `60.00`.
fn percent(bp: u32) -> String {
    format_score(bp)
}

/// The year's scores beside the ranking figures.
pub async fn assessment(at: Asked, Query(q): Query<YearQuery>) -> Result<Html<String>, AppError> {
    let year = year(&at.state, q.year.as_deref()).await?;
    let (weights, assessed) = oversight::assessment(&at.state.db, year).await?;
    let lines = assessed
        .into_iter()
        .map(|a| {
            let c = &a.ranked.coverage;
            Line {
                must_rate: format_rate(c.must_rate_bp()),
                tracked_rate: format_rate(c.tracked_rate_bp()),
                all_rate: format_rate(c.all_rate_bp()),
                score: format_score(a.score),
                a,
            }
        })
        .collect();
    render(&AssessmentPage {
        chrome: Chrome::new("考核激励", &at.viewer),
        year,
        weights: [
            percent(weights.must_rate),
            percent(weights.tracked_rate),
            percent(weights.all_rate),
        ],
        lines,
        may_set: is_city(&at.viewer),
    })
}

/// Fields of the weights form: percentages with up to two decimals.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WeightsForm {
    must_rate: Option<String>,
    tracked_rate: Option<String>,
    all_rate: Option<String>,
}

/// A percentage with up to two decimals as basis points, exactly (`60.5` → 6050).
fn basis_points(v: &Option<String>, what: &str) -> Result<u32, AppError> {
    let text = required(v, what)?;
    let bad = || {
        AppError::BadRequest(format!(
            "{what}应为0至100之间、最多两位小数的百分数：{text}"
        ))
    };
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    if frac.len() > 2 || whole.is_empty() {
        return Err(bad());
    }
    let whole: u32 = whole.parse().map_err(|_| bad())?;
    let frac: u32 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().map_err(|_| bad())?
    };
    let bp = whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(frac))
        .ok_or_else(bad)?;
    if bp > 10_000 {
        return Err(bad());
    }
    Ok(bp)
}

/// Sets the weights (the route allows the city only; the store checks the scope again).
pub async fn set_weights(at: Asked, Form(f): Form<WeightsForm>) -> Response {
    change(&at.state, &at.viewer, "/union/assessment", async |tx| {
        let w = AssessmentWeights {
            must_rate: basis_points(&f.must_rate, "应建会覆盖率权重")?,
            tracked_rate: basis_points(&f.tracked_rate, "跟踪企业覆盖率权重")?,
            all_rate: basis_points(&f.all_rate, "总体覆盖率权重")?,
        };
        oversight::set_weights(&mut *tx, &at.viewer.user.username, scope(&at.viewer)?, &w).await?;
        Ok("/union/assessment".to_string())
    })
    .await
}

#[derive(Template)]
#[template(path = "union/talks.html")]
struct TalksPage {
    chrome: Chrome,
    year: Option<i32>,
    talks: Vec<Talk>,
    townships: Vec<Township>,
    may_create: bool,
}

/// The talks in scope, latest first.
pub async fn talks(at: Asked, Query(q): Query<YearQuery>) -> Result<Html<String>, AppError> {
    let year = asked_year(&at, &q).await?;
    render(&TalksPage {
        chrome: Chrome::new("领导约谈", &at.viewer),
        talks: oversight::talks(&at.state.db, scope(&at.viewer)?, year).await?,
        year,
        townships: Township::all().to_vec(),
        may_create: is_city(&at.viewer),
    })
}

/// The year asked for (all years when none): the list and its export read the same.
async fn asked_year(at: &Asked, q: &YearQuery) -> Result<Option<i32>, AppError> {
    Ok(match field(&q.year) {
        Some(y) => Some(year(&at.state, Some(&y)).await?),
        None => None,
    })
}

/// The talks as the list shows them, as Excel: the follow-up register a township reports on.
pub async fn export_talks(at: Asked, Query(q): Query<YearQuery>) -> Result<Response, AppError> {
    let year = asked_year(&at, &q).await?;
    let talks = oversight::talks(&at.state.db, scope(&at.viewer)?, year).await?;
    let rows = talks.into_iter().map(|t| {
        vec![
            t.held_on.to_string(),
            t.township.name().to_string(),
            t.leaders,
            t.township_people,
            t.agreed,
            t.follow_up,
            t.follow_up_done_on
                .map_or_else(|| "未完成".to_string(), |d| d.to_string()),
        ]
    });
    let title = match year {
        Some(y) => format!("{y}年领导约谈"),
        None => "领导约谈".to_string(),
    };
    let headers = [
        "约谈日期",
        "乡镇（街道）",
        "约谈领导",
        "乡镇（街道）参加人员",
        "议定事项",
        "整改情况",
        "完成日期",
    ];
    crate::download::xlsx(&format!("{title}.xlsx"), Some(&title), &headers, rows)
}

/// Fields of the talk form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TalkForm {
    township: Option<String>,
    held_on: Option<String>,
    leaders: Option<String>,
    township_people: Option<String>,
    agreed: Option<String>,
    follow_up: Option<String>,
    follow_up_done_on: Option<String>,
}

impl TalkForm {
    fn input(&self) -> Result<TalkInput, AppError> {
        Ok(TalkInput {
            township: Township::parse(&required(&self.township, "约谈乡镇（街道）")?)
                .map_err(|e| AppError::BadRequest(e.to_string()))?,
            held_on: required_date(&self.held_on, "约谈日期")?,
            leaders: field(&self.leaders).unwrap_or_default(),
            township_people: field(&self.township_people).unwrap_or_default(),
            agreed: field(&self.agreed).unwrap_or_default(),
            follow_up: field(&self.follow_up).unwrap_or_default(),
            follow_up_done_on: date(&self.follow_up_done_on, "整改完成日期")?,
        })
    }
}

/// Records a talk.
pub async fn create_talk(at: Asked, Form(f): Form<TalkForm>) -> Response {
    change(&at.state, &at.viewer, "/union/talks", async |tx| {
        let id = oversight::create_talk(
            &mut *tx,
            &at.viewer.user.username,
            scope(&at.viewer)?,
            &f.input()?,
        )
        .await?;
        Ok(format!("/union/talks/{id}"))
    })
    .await
}

#[derive(Template)]
#[template(path = "union/talk.html")]
struct TalkPage {
    chrome: Chrome,
    t: Talk,
    may_write: bool,
}

/// One talk, with its follow-up form.
pub async fn show_talk(at: Keyed) -> Result<Html<String>, AppError> {
    let sc = scope(&at.viewer)?;
    let t = oversight::talk(&at.state.db, sc, at.key).await?;
    render(&TalkPage {
        chrome: Chrome::new(format!("{} 约谈", t.township.name()), &at.viewer),
        t,
        may_write: may_write(&at.viewer),
    })
}

/// Changes a talk, typically its follow-up.
pub async fn update_talk(post: Keyed, Form(f): Form<TalkForm>) -> Response {
    let back = format!("/union/talks/{}", post.key);
    post.change(&back, async |tx| {
        let sc = scope(&post.viewer)?;
        oversight::update_talk(
            &mut *tx,
            &post.viewer.user.username,
            sc,
            post.key,
            &f.input()?,
        )
        .await?;
        Ok(back.clone())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::basis_points;

    #[test]
    fn percentages_read_as_exact_basis_points() {
        let bp = |s: &str| basis_points(&Some(s.to_string()), "权重").ok();
        assert_eq!(bp("60"), Some(6_000));
        assert_eq!(bp("60.5"), Some(6_050));
        assert_eq!(bp("0.25"), Some(25));
        assert_eq!(bp("100"), Some(10_000));
        assert_eq!(bp("100.01"), None);
        assert_eq!(bp("1.234"), None);
        assert_eq!(bp("-1"), None);
        assert_eq!(bp(".5"), None);
    }
}
