//! The staff's member protection pages: claims (list, Excel), one claim and its steps.

use super::super::{field, kept_filters, required, required_date, scope};
use super::aid::resident_id;
use super::yuan;
use crate::error::AppError;
use crate::form::Form;
use crate::pages::{Asked, Chrome, Keyed, Paged, change, paging, render};
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, Response};
use domain::union::protection::{ClaimKind, ClaimStatus};
use serde::{Deserialize, Serialize};
use store::union::claims::{self, Claim, ClaimFilter, ClaimStep};

/// Filters of the list.
#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    q: Option<String>,
    kind: Option<String>,
    year: Option<String>,
    stage: Option<String>,
    page: Option<i64>,
}

impl ListQuery {
    fn filter(&self) -> ClaimFilter {
        ClaimFilter {
            stage: field(&self.stage),
            kind: field(&self.kind).and_then(|k| ClaimKind::parse(&k).ok()),
            year: field(&self.year).and_then(|y| y.parse().ok()),
            q: field(&self.q),
        }
    }
}

/// The stages, with their codes, for the filter.
const STAGES: [(&str, &str); 4] = [
    ("submitted", "已提交"),
    ("accepted", "已受理"),
    ("paid", "已赔付"),
    ("refused", "不予赔付"),
];

#[derive(Template)]
#[template(path = "union/claims.html")]
struct ListPage {
    chrome: Chrome,
    list: Paged<Claim>,
    q: ListQuery,
    base: String,
    stages: [(&'static str, &'static str); 4],
    kinds: &'static [ClaimKind],
    may_write: bool,
}

/// The claims in the viewer's scope, searched and filtered.
pub async fn list(at: Asked, Query(q): Query<ListQuery>) -> Result<Html<String>, AppError> {
    let (page, per, offset) = paging(q.page, 50);
    let sc = scope(&at.viewer)?;
    let (rows, total) = claims::list(&at.state.db, sc, &q.filter(), per, offset).await?;
    render(&ListPage {
        chrome: Chrome::new("互助保障", &at.viewer),
        list: Paged::new(rows, total, page, per),
        base: kept_filters(&q),
        q,
        stages: STAGES,
        kinds: ClaimKind::ALL,
        may_write: super::super::may_write(&at.viewer),
    })
}

/// The claims as Excel.
pub async fn export(at: Asked, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    let sc = scope(&at.viewer)?;
    let (rows, _) = claims::list(&at.state.db, sc, &q.filter(), i64::MAX, 0).await?;
    crate::download::xlsx(
        "互助保障.xlsx",
        None,
        &[
            "姓名",
            "身份证号",
            "乡镇（街道）",
            "类型",
            "出险日期",
            "申请金额（元）",
            "状态",
            "赔付金额（元）",
            "赔付日期/拒赔理由",
        ],
        rows.iter().map(|c| {
            let (paid, note) = match &c.status {
                ClaimStatus::Paid { amount, on } => (amount.to_yuan_string(), on.to_string()),
                ClaimStatus::Refused { reason } => (String::new(), reason.clone()),
                _ => (String::new(), String::new()),
            };
            let mut cells = super::holder_cells(&c.holder);
            cells.extend([
                c.kind.label().to_string(),
                c.event_on.to_string(),
                c.claimed.to_yuan_string(),
                c.status.label().to_string(),
                paid,
                note,
            ]);
            cells
        }),
    )
}

/// Fields of the claim form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ClaimForm {
    resident_id: Option<String>,
    kind: Option<String>,
    event_on: Option<String>,
    claimed: Option<String>,
}

/// Files a claim for a member of the viewer's scope.
pub async fn create(at: Asked, Form(f): Form<ClaimForm>) -> Response {
    change(&at.state, &at.viewer, "/union/claims", async |tx| {
        let rid = resident_id(&f.resident_id)?;
        let kind = ClaimKind::parse(&required(&f.kind, "保障类型")?)
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        let id = claims::submit(
            &mut *tx,
            &at.viewer.user.username,
            scope(&at.viewer)?,
            (&rid, kind),
            required_date(&f.event_on, "出险日期")?,
            yuan(&f.claimed, "申请金额")?,
            domain::platform::time::today_local(),
        )
        .await?;
        Ok(format!("/union/claims/{id}"))
    })
    .await
}

#[derive(Template)]
#[template(path = "union/claim.html")]
struct DetailPage {
    chrome: Chrome,
    c: Claim,
    may_write: bool,
    today: String,
}

/// One claim.
pub async fn show(at: Keyed) -> Result<Html<String>, AppError> {
    let c = claims::get(&at.state.db, scope(&at.viewer)?, at.key).await?;
    render(&DetailPage {
        chrome: Chrome::new(format!("保障申请 {}", c.holder.name), &at.viewer),
        c,
        may_write: super::super::may_write(&at.viewer),
        today: domain::platform::time::today_local().to_string(),
    })
}

/// Fields of the step form: `action` is `accept`, `pay` or `refuse`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StepForm {
    action: Option<String>,
    amount: Option<String>,
    on: Option<String>,
    reason: Option<String>,
}

/// Accepts, pays or refuses a claim.
pub async fn step(post: Keyed, Form(f): Form<StepForm>) -> Response {
    let back = format!("/union/claims/{}", post.key);
    post.change(&back, async |tx| {
        let s = match field(&f.action).as_deref() {
            Some("accept") => ClaimStep::Accept,
            Some("pay") => ClaimStep::Pay(
                yuan(&f.amount, "赔付金额")?,
                required_date(&f.on, "赔付日期")?,
            ),
            Some("refuse") => ClaimStep::Refuse(field(&f.reason).unwrap_or_default()),
            _ => return Err(AppError::BadRequest("请选择办理操作".into())),
        };
        claims::step(
            &mut *tx,
            &post.viewer.user.username,
            scope(&post.viewer)?,
            post.key,
            &s,
        )
        .await?;
        Ok(back.clone())
    })
    .await
}
