//! The staff's hardship aid pages: the list (filters, paging, Excel), an application with
//! its checklist of documents and the steps of its chain, the year's budget.

use super::super::{field, kept_filters, required, required_date, scope};
use super::{year, yuan};
use crate::error::AppError;
use crate::form::Form;
use crate::pages::{Asked, Chrome, Keyed, Paged, change, paging, render};
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, Response};
use domain::platform::ResidentId;
use domain::union::aid::{AidBudget, AidDocument, AidKind, Festival};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use store::union::aid::{self, AidFilter, Application, NewApplication};

/// Filters of the list.
#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    year: Option<String>,
    kind: Option<String>,
    stage: Option<String>,
    q: Option<String>,
    page: Option<i64>,
}

impl ListQuery {
    fn filter(&self, year: i32) -> AidFilter {
        AidFilter {
            year: Some(year),
            kind: field(&self.kind).and_then(|k| AidKind::parse(&k).ok()),
            stage: field(&self.stage),
            q: field(&self.q),
        }
    }
}

/// The stages, with their codes, for the filter.
const STAGES: [(&str, &str); 5] = [
    ("applied", "已申请"),
    ("reviewed", "已审核"),
    ("approved", "已批准"),
    ("disbursed", "已发放"),
    ("rejected", "未通过"),
];

#[derive(Template)]
#[template(path = "union/aid_list.html")]
struct ListPage {
    chrome: Chrome,
    list: Paged<Application>,
    base: String,
    year: i32,
    q: ListQuery,
    kinds: &'static [AidKind],
    festivals: &'static [Festival],
    documents: &'static [AidDocument],
    stages: [(&'static str, &'static str); 5],
    budget: AidBudget,
    may_write: bool,
    is_city: bool,
    today: String,
}

/// The list of applications in the viewer's scope.
pub async fn list(at: Asked, Query(q): Query<ListQuery>) -> Result<Html<String>, AppError> {
    let year = year(&at.state, &q.year).await?;
    let (page, per, offset) = paging(q.page, 50);
    let db = &at.state.db;
    let (rows, total) = aid::list(db, scope(&at.viewer)?, &q.filter(year), per, offset).await?;
    render(&ListPage {
        chrome: Chrome::new("困难帮扶", &at.viewer),
        base: kept_filters(&ListQuery {
            year: Some(year.to_string()),
            ..q.clone()
        }),
        list: Paged::new(rows, total, page, per),
        year,
        kinds: AidKind::ALL,
        festivals: Festival::ALL,
        documents: AidDocument::ALL,
        stages: STAGES,
        budget: aid::budget(db, year).await?,
        may_write: super::super::may_write(&at.viewer),
        is_city: super::super::is_city(&at.viewer),
        today: domain::platform::time::today_local().to_string(),
        q,
    })
}

/// The member's name, kind, status and amounts of one application, as exported.
fn cells(a: &Application) -> Vec<String> {
    let mut cells = super::holder_cells(&a.holder);
    cells.extend([
        a.kind.label().to_string(),
        a.festival
            .map(|f| f.label().to_string())
            .unwrap_or_default(),
        a.applied_on.to_string(),
        a.asked.to_yuan_string(),
        a.status.label().to_string(),
        match &a.status {
            domain::union::aid::AidStatus::Approved { amount }
            | domain::union::aid::AidStatus::Disbursed { amount, .. } => amount.to_yuan_string(),
            _ => String::new(),
        },
        match &a.status {
            domain::union::aid::AidStatus::Disbursed { on, .. } => on.to_string(),
            domain::union::aid::AidStatus::Rejected { reason } => reason.clone(),
            _ => String::new(),
        },
    ]);
    cells
}

/// The filtered list as Excel.
pub async fn export(at: Asked, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    let year = year(&at.state, &q.year).await?;
    let (rows, _) = aid::list(
        &at.state.db,
        scope(&at.viewer)?,
        &q.filter(year),
        i64::MAX,
        0,
    )
    .await?;
    crate::download::xlsx(
        "困难帮扶.xlsx",
        Some(&format!("{year}年困难帮扶申请")),
        &[
            "姓名",
            "身份证号",
            "乡镇（街道）",
            "帮扶类型",
            "节日",
            "申请日期",
            "申请金额（元）",
            "状态",
            "批准金额（元）",
            "发放日期/驳回理由",
        ],
        rows.iter().map(cells),
    )
}

/// Fields of the application form (staff and member alike).
#[derive(Deserialize, Default)]
pub struct ApplyForm {
    #[serde(default)]
    pub(super) resident_id: Option<String>,
    #[serde(default)]
    pub(super) kind: Option<String>,
    #[serde(default)]
    pub(super) festival: Option<String>,
    #[serde(default)]
    pub(super) asked: Option<String>,
    #[serde(default)]
    pub(super) reason: Option<String>,
    /// The ticked documents, `doc_<code>=on` (checkboxes), and whatever else was posted.
    #[serde(flatten)]
    pub(super) rest: HashMap<String, String>,
}

impl ApplyForm {
    /// The application for `resident_id`.
    pub(super) fn input(&self, resident_id: ResidentId) -> Result<NewApplication, AppError> {
        let bad = |e: String| AppError::BadRequest(e);
        Ok(NewApplication {
            resident_id,
            kind: AidKind::parse(&required(&self.kind, "帮扶类型")?)
                .map_err(|e| bad(e.to_string()))?,
            festival: field(&self.festival)
                .map(|f| Festival::parse(&f).map_err(|e| bad(e.to_string())))
                .transpose()?,
            asked: yuan(&self.asked, "申请金额")?,
            reason: required(&self.reason, "申请理由")?,
            documents: documents(&self.rest),
            applied_on: domain::platform::time::today_local(),
        })
    }
}

/// The documents ticked in a form: a checkbox `doc_<code>` per document.
fn documents(fields: &HashMap<String, String>) -> Vec<AidDocument> {
    AidDocument::ALL
        .iter()
        .copied()
        .filter(|d| fields.contains_key(&format!("doc_{}", d.code())))
        .collect()
}

/// A resident ID typed in a form.
pub(super) fn resident_id(v: &Option<String>) -> Result<ResidentId, AppError> {
    ResidentId::parse(&required(v, "身份证号")?).map_err(|e| AppError::BadRequest(e.to_string()))
}

/// Files an application for a member of the viewer's scope.
pub async fn create(at: Asked, Form(f): Form<ApplyForm>) -> Response {
    change(&at.state, &at.viewer, "/union/aid", async |tx| {
        let input = f.input(resident_id(&f.resident_id)?)?;
        let id = aid::apply(
            &mut *tx,
            &at.viewer.user.username,
            scope(&at.viewer)?,
            &input,
        )
        .await?;
        Ok(format!("/union/aid/{id}"))
    })
    .await
}

#[derive(Template)]
#[template(path = "union/aid.html")]
struct DetailPage {
    chrome: Chrome,
    a: Application,
    missing: Vec<AidDocument>,
    documents: &'static [AidDocument],
    budget: AidBudget,
    may_write: bool,
    is_city: bool,
    today: String,
}

/// One application with its checklist and the forms of the next steps.
pub async fn show(at: Keyed) -> Result<Html<String>, AppError> {
    let a = aid::get(&at.state.db, scope(&at.viewer)?, at.key).await?;
    render(&DetailPage {
        chrome: Chrome::new(format!("帮扶申请 {}", a.holder.name), &at.viewer),
        missing: a.missing_documents(),
        documents: AidDocument::ALL,
        budget: aid::budget(&at.state.db, a.year).await?,
        may_write: super::super::may_write(&at.viewer),
        is_city: super::super::is_city(&at.viewer),
        today: domain::platform::time::today_local().to_string(),
        a,
    })
}

/// Runs one step of application `post.key`, in the viewer's scope.
async fn step<F>(post: &Keyed, work: F) -> Response
where
    F: AsyncFnOnce(&mut store::Tx, &str, store::union::Scope, i64) -> Result<(), AppError>,
{
    let back = format!("/union/aid/{}", post.key);
    post.change(&back, async |tx| {
        work(
            tx,
            &post.viewer.user.username,
            scope(&post.viewer)?,
            post.key,
        )
        .await?;
        Ok(back.clone())
    })
    .await
}

/// Fields of the documents form.
#[derive(Deserialize, Default)]
pub struct DocumentsForm {
    /// `doc_<code>=on` per ticked document.
    #[serde(flatten)]
    rest: HashMap<String, String>,
}

/// Records the documents given.
pub async fn set_documents(post: Keyed, Form(f): Form<DocumentsForm>) -> Response {
    step(&post, async |tx, actor, sc, id| {
        Ok(aid::set_documents(tx, actor, sc, id, &documents(&f.rest)).await?)
    })
    .await
}

/// The township's review.
pub async fn review(post: Keyed) -> Response {
    step(&post, async |tx, actor, sc, id| {
        Ok(aid::review(tx, actor, sc, id).await?)
    })
    .await
}

/// Fields of the step forms.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StepForm {
    amount: Option<String>,
    on: Option<String>,
    reason: Option<String>,
}

/// The city's approval with the amount.
pub async fn approve(post: Keyed, Form(f): Form<StepForm>) -> Response {
    step(&post, async |tx, actor, sc, id| {
        aid::approve(tx, actor, sc, id, yuan(&f.amount, "批准金额")?).await?;
        Ok(aid::tell_member(tx, actor, sc, id).await?)
    })
    .await
}

/// The payment.
pub async fn disburse(post: Keyed, Form(f): Form<StepForm>) -> Response {
    step(&post, async |tx, actor, sc, id| {
        aid::disburse(tx, actor, sc, id, required_date(&f.on, "发放日期")?).await?;
        Ok(aid::tell_member(tx, actor, sc, id).await?)
    })
    .await
}

/// A rejection with its reason.
pub async fn reject(post: Keyed, Form(f): Form<StepForm>) -> Response {
    step(&post, async |tx, actor, sc, id| {
        let reason = field(&f.reason).unwrap_or_default();
        aid::reject(tx, actor, sc, id, &reason).await?;
        Ok(aid::tell_member(tx, actor, sc, id).await?)
    })
    .await
}

/// Fields of the budget form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BudgetForm {
    year: Option<String>,
    amount: Option<String>,
}

/// Sets the year's budget (the city).
pub async fn set_budget(at: Asked, Form(f): Form<BudgetForm>) -> Response {
    change(&at.state, &at.viewer, "/union/aid", async |tx| {
        let year = year(&at.state, &f.year).await?;
        aid::set_budget(
            &mut *tx,
            &at.viewer.user.username,
            year,
            yuan(&f.amount, "预算金额")?,
        )
        .await?;
        Ok(format!("/union/aid?year={year}"))
    })
    .await
}
