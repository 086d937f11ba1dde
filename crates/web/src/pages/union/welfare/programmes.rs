//! The staff's programme pages: the year's programmes with their places, one programme
//! with its enrolled and waiting lists (the viewer's township only, for township staff),
//! enrolling a member, withdrawing, the eligibility setting, the list as Excel.

use super::super::{field, required, scope};
use super::aid::resident_id;
use super::year;
use crate::error::AppError;
use crate::form::Form;
use crate::pages::YearQuery;
use crate::pages::{Asked, Chrome, Keyed, change, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, Response};
use domain::union::welfare::{CollegeLevel, Eligibility, EnrolmentState, ProgrammeKind};
use serde::Deserialize;
use store::union::programmes::{self, Enrolment, NewProgramme, Programme};
use store::union::welfare;

#[derive(Template)]
#[template(path = "union/programmes.html")]
struct ListPage {
    chrome: Chrome,
    year: i32,
    rows: Vec<Programme>,
    kinds: &'static [ProgrammeKind],
    levels: &'static [CollegeLevel],
    rules: Vec<(ProgrammeKind, Eligibility)>,
    eligibilities: &'static [Eligibility],
    is_city: bool,
}

/// The programmes of a year.
pub async fn list(at: Asked, Query(q): Query<YearQuery>) -> Result<Html<String>, AppError> {
    let year = year(&at.state, &q.year).await?;
    let db = &at.state.db;
    let mut rules = Vec::new();
    for k in ProgrammeKind::ALL {
        rules.push((*k, welfare::eligibility(db, *k).await?));
    }
    render(&ListPage {
        chrome: Chrome::new("福利项目", &at.viewer),
        year,
        rows: programmes::list(db, Some(year)).await?,
        kinds: ProgrammeKind::ALL,
        levels: CollegeLevel::ALL,
        rules,
        eligibilities: Eligibility::ALL,
        is_city: super::super::is_city(&at.viewer),
    })
}

/// Fields of the programme form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProgrammeForm {
    pub(super) name: Option<String>,
    pub(super) kind: Option<String>,
    pub(super) level: Option<String>,
    pub(super) year: Option<String>,
    pub(super) quota: Option<String>,
}

impl ProgrammeForm {
    /// The programme the form (or the API's body) describes; kinds and levels by code
    /// or Chinese name.
    pub(super) async fn input(&self, state: &AppState) -> Result<NewProgramme, AppError> {
        let bad = |what: &str, v: String| AppError::BadRequest(format!("{what}不正确：{v}"));
        let kind = required(&self.kind, "项目类型")?;
        let quota = required(&self.quota, "名额")?;
        Ok(NewProgramme {
            name: required(&self.name, "项目名称")?,
            kind: ProgrammeKind::parse(&kind).ok_or_else(|| bad("项目类型", kind.clone()))?,
            level: match field(&self.level) {
                Some(l) => Some(CollegeLevel::parse(&l).ok_or_else(|| bad("学历层次", l.clone()))?),
                None => None,
            },
            year: year(state, &Some(required(&self.year, "年度")?)).await?,
            quota: quota.parse().map_err(|_| bad("名额", quota.clone()))?,
        })
    }
}

/// Creates a programme (the city).
pub async fn create(at: Asked, Form(f): Form<ProgrammeForm>) -> Response {
    change(&at.state, &at.viewer, "/union/programmes", async |tx| {
        let p = f.input(&at.state).await?;
        let id = programmes::create(&mut *tx, &at.viewer.user.username, &p).await?;
        Ok(format!("/union/programmes/{id}"))
    })
    .await
}

/// Fields of the eligibility form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EligibilityForm {
    kind: Option<String>,
    rule: Option<String>,
}

/// Sets who may enrol in programmes of a kind (the city).
pub async fn set_eligibility(at: Asked, Form(f): Form<EligibilityForm>) -> Response {
    change(&at.state, &at.viewer, "/union/programmes", async |tx| {
        let kind = ProgrammeKind::parse(&required(&f.kind, "项目类型")?)
            .ok_or_else(|| AppError::BadRequest("项目类型不正确".into()))?;
        let rule = Eligibility::parse(&required(&f.rule, "报名条件")?)
            .ok_or_else(|| AppError::BadRequest("报名条件不正确".into()))?;
        welfare::set_eligibility(&mut *tx, &at.viewer.user.username, kind, rule).await?;
        Ok("/union/programmes".to_string())
    })
    .await
}

#[derive(Template)]
#[template(path = "union/programme.html")]
struct DetailPage {
    chrome: Chrome,
    is_city: bool,
    p: Programme,
    lists: Vec<(&'static str, Vec<Enrolment>)>,
    may_write: bool,
}

/// One programme with its lists (in the viewer's scope).
pub async fn show(at: Keyed) -> Result<Html<String>, AppError> {
    let (db, sc) = (&at.state.db, scope(&at.viewer)?);
    let p = programmes::get(db, at.key).await?;
    render(&DetailPage {
        chrome: Chrome::new(p.name.clone(), &at.viewer),
        lists: vec![
            (
                "已录取",
                programmes::enrolments(db, sc, p.id, EnrolmentState::Enrolled).await?,
            ),
            (
                "候补名单（按报名先后）",
                programmes::enrolments(db, sc, p.id, EnrolmentState::Waiting).await?,
            ),
        ],
        may_write: super::super::may_write(&at.viewer),
        is_city: super::super::is_city(&at.viewer),
        p,
    })
}

/// The enrolled and waiting lists as Excel (in the viewer's scope).
pub async fn export(at: Keyed) -> Result<Response, AppError> {
    let (db, sc) = (&at.state.db, scope(&at.viewer)?);
    let p = programmes::get(db, at.key).await?;
    let mut rows = programmes::enrolments(db, sc, p.id, EnrolmentState::Enrolled).await?;
    rows.extend(programmes::enrolments(db, sc, p.id, EnrolmentState::Waiting).await?);
    crate::download::xlsx(
        &format!("{}.xlsx", p.name),
        Some(&p.name),
        &[
            "姓名",
            "身份证号",
            "乡镇（街道）",
            "所属工会",
            "状态",
            "候补顺位",
        ],
        rows.iter().map(|e| {
            let mut cells = super::holder_cells(&e.holder);
            cells.extend([
                e.union_name.clone(),
                e.state.label().to_string(),
                e.position.map(|n| n.to_string()).unwrap_or_default(),
            ]);
            cells
        }),
    )
}

/// Fields of the quota form.
#[derive(Deserialize, Default)]
pub struct QuotaForm {
    #[serde(default)]
    quota: Option<String>,
}

/// Changes the quota (the city); new places go to the first waiting.
pub async fn set_quota(post: Keyed, Form(f): Form<QuotaForm>) -> Response {
    let back = format!("/union/programmes/{}", post.key);
    post.change(&back, async |tx| {
        let quota = required(&f.quota, "名额")?;
        let quota = quota
            .parse()
            .map_err(|_| AppError::BadRequest(format!("名额不正确：{quota}")))?;
        programmes::set_quota(&mut *tx, &post.viewer.user.username, post.key, quota).await?;
        Ok(back.clone())
    })
    .await
}

/// The year's programmes as Excel.
pub async fn export_list(at: Asked, Query(q): Query<YearQuery>) -> Result<Response, AppError> {
    let year = year(&at.state, &q.year).await?;
    let rows = programmes::list(&at.state.db, Some(year)).await?;
    crate::download::xlsx(
        &format!("{year}年福利项目.xlsx"),
        None,
        &[
            "项目名称",
            "类型",
            "学历层次",
            "年度",
            "名额",
            "已录取",
            "候补",
        ],
        rows.iter().map(|p| {
            vec![
                p.name.clone(),
                p.kind.label().to_string(),
                p.level.map(|l| l.label().to_string()).unwrap_or_default(),
                p.year.to_string(),
                p.places.quota.to_string(),
                p.places.enrolled.to_string(),
                p.places.waiting.to_string(),
            ]
        }),
    )
}

/// Fields of the enrol form.
#[derive(Deserialize, Default)]
pub struct EnrolForm {
    #[serde(default)]
    resident_id: Option<String>,
}

/// Enrols a member of the viewer's scope.
pub async fn enrol(post: Keyed, Form(f): Form<EnrolForm>) -> Response {
    let back = format!("/union/programmes/{}", post.key);
    post.change(&back, async |tx| {
        let rid = resident_id(&f.resident_id)?;
        programmes::enrol(
            &mut *tx,
            &post.viewer.user.username,
            scope(&post.viewer)?,
            post.key,
            &rid,
        )
        .await?;
        Ok(back.clone())
    })
    .await
}

/// Withdraws an enrolment of the viewer's scope; the first waiting moves up.
pub async fn withdraw(post: Keyed) -> Response {
    post.change("/union/programmes", async |tx| {
        let sc = scope(&post.viewer)?;
        let e = programmes::enrolment(&mut *tx, sc, post.key).await?;
        programmes::withdraw(&mut *tx, &post.viewer.user.username, sc, post.key).await?;
        Ok(format!("/union/programmes/{}", e.programme_id))
    })
    .await
}
