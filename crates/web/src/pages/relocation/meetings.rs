//! The work log of a project and its nightly meetings (碰头会) with their action items.

use super::projects::ScopedProject;
use super::{form_id, required_date, scope};
use crate::error::AppError;
use crate::form::{self, Form};
use crate::pages::{Chrome, Keyed, Paged, form_date, kept_filters, paging, render};
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, Response};
use domain::platform::time::today_local;
use domain::relocation::{Attitude, VisitMode};
use serde::{Deserialize, Serialize};
use store::relocation::households::{self, HouseholdFilter, HouseholdRow};
use store::relocation::meetings::{self, Action, Meeting, NewAction, NewMeeting};
use store::relocation::projects::{self, Project};
use store::relocation::worklog::VisitFilter;
use store::relocation::{teams, worklog};

/// The log's search, filters and page.
#[derive(Deserialize, Serialize, Default)]
pub struct VisitQuery {
    #[serde(default, deserialize_with = "form::text")]
    q: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    mode: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    attitude: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    from: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    to: Option<String>,
    #[serde(default)]
    page: Option<i64>,
}

impl VisitQuery {
    /// The store's filter; a date that does not read is refused in Chinese.
    fn filter(&self) -> Result<VisitFilter, AppError> {
        let day = |t: &Option<String>, what| form_date(t.as_deref().unwrap_or(""), what);
        Ok(VisitFilter {
            q: self.q.clone(),
            mode: self.mode.as_deref().and_then(VisitMode::parse),
            attitude: self.attitude.as_deref().and_then(Attitude::parse),
            from: day(&self.from, "起始日期")?,
            to: day(&self.to, "截止日期")?,
        })
    }
}

#[derive(Template)]
#[template(path = "relocation/visits.html")]
struct VisitsPage {
    chrome: Chrome,
    p: Project,
    list: Paged<worklog::Visit>,
    q: VisitQuery,
    base: String,
    modes: &'static [VisitMode],
    attitudes: &'static [Attitude],
}

/// The project's work log, newest first, searched and filtered.
pub async fn visits(
    Query(q): Query<VisitQuery>,
    ScopedProject(at, scope, p): ScopedProject,
) -> Result<Html<String>, AppError> {
    let (page, per, offset) = paging(q.page, 50);
    let db = &at.state.db;
    let (visits, total) =
        worklog::of_project(db, &scope, p.id, &q.filter()?, (per, offset)).await?;
    render(&VisitsPage {
        chrome: Chrome::new(format!("{} 工作日志", p.name), &at.viewer),
        p,
        list: Paged::new(visits, total, page, per),
        base: kept_filters(&q),
        q,
        modes: VisitMode::ALL,
        attitudes: Attitude::ALL,
    })
}

/// Visits an export holds at most.
const EXPORT_VISITS: i64 = 100_000;

/// The log as the filters show it, as Excel.
pub async fn export_visits(
    Query(q): Query<VisitQuery>,
    ScopedProject(at, scope, p): ScopedProject,
) -> Result<Response, AppError> {
    let filter = q.filter()?;
    let (visits, _) =
        worklog::of_project(&at.state.db, &scope, p.id, &filter, (EXPORT_VISITS, 0)).await?;
    let rows: Vec<Vec<String>> = visits
        .into_iter()
        .map(|v| {
            vec![
                v.visited_on.to_string(),
                v.household_code,
                v.mode.label().to_string(),
                v.place,
                v.visitors,
                v.attitude.label().to_string(),
                v.notes,
                v.next_step,
                v.recorded_by,
            ]
        })
        .collect();
    let headers = [
        "日期",
        "户",
        "方式",
        "地点",
        "人员",
        "态度",
        "情况",
        "下一步",
        "记录人",
    ];
    super::project_xlsx(&p, "工作日志", &headers, &rows)
}

#[derive(Template)]
#[template(path = "relocation/meetings.html")]
struct MeetingsPage {
    chrome: Chrome,
    p: Project,
    meetings: Vec<Meeting>,
    open: Vec<Action>,
    difficult: Vec<HouseholdRow>,
    persons: Vec<teams::Person>,
    today: String,
    may_command: bool,
    may_write: bool,
}

/// The meetings, the open action items and the form for tonight's meeting.
pub async fn list(ScopedProject(at, scope, p): ScopedProject) -> Result<Html<String>, AppError> {
    let filter = HouseholdFilter {
        difficult: Some(true),
        ..HouseholdFilter::default()
    };
    let (difficult, _) = households::list(&at.state.db, &scope, p.id, &filter, 200, 0).await?;
    render(&MeetingsPage {
        chrome: Chrome::new(format!("{} 碰头会", p.name), &at.viewer),
        meetings: meetings::list(&at.state.db, p.id).await?,
        open: meetings::open_actions(&at.state.db, p.id).await?,
        persons: teams::persons(&at.state.db, p.id).await?,
        today: today_local().to_string(),
        may_command: super::may_command(&at.viewer),
        may_write: super::may_write(&at.viewer),
        difficult,
        p,
    })
}

/// Reads the meeting form: `held_on`, `attendees`, `decisions`, checked `cases` with a
/// `case_note_{id}` each, and action rows `action_content_{n}`, `action_owner_{n}`,
/// `action_household_{n}`, `action_due_{n}` (rows with no content are skipped).
fn new_meeting(fields: &[(String, String)]) -> Result<NewMeeting, AppError> {
    let value = |k: &str| {
        fields
            .iter()
            .find(|(key, _)| key == k)
            .map_or("", |(_, v)| v.as_str())
    };
    let mut cases = Vec::new();
    for (_, id) in fields.iter().filter(|(k, _)| k == "cases") {
        let id: i64 = id
            .parse()
            .map_err(|_| AppError::BadRequest(format!("户编号不正确：{id}")))?;
        cases.push((id, value(&format!("case_note_{id}")).to_string()));
    }
    let mut actions = Vec::new();
    for n in 0..10 {
        let content = value(&format!("action_content_{n}")).trim();
        if content.is_empty() {
            continue;
        }
        actions.push(NewAction {
            content: content.to_string(),
            household_id: form_id(value(&format!("action_household_{n}")))?,
            owner_person_id: form_id(value(&format!("action_owner_{n}")))?,
            due_on: required_date(value(&format!("action_due_{n}")), "待办期限")?,
        });
    }
    Ok(NewMeeting {
        held_on: required_date(value("held_on"), "会议日期")?,
        attendees: value("attendees").to_string(),
        decisions: value("decisions").to_string(),
        cases,
        actions,
    })
}

/// Records a meeting.
pub async fn create(at: Keyed<String>, Form(fields): Form<Vec<(String, String)>>) -> Response {
    let back = super::project_page(&at.key, "/meetings");
    at.project_change(&at.key, &back, async |tx, actor, scope, p| {
        meetings::create(tx, actor, scope, p.id, &new_meeting(&fields)?).await?;
        Ok(())
    })
    .await
}

#[derive(Template)]
#[template(path = "relocation/meeting.html")]
struct MeetingPage {
    chrome: Chrome,
    p: Project,
    m: Meeting,
    may_write: bool,
}

/// One meeting.
pub async fn show(at: Keyed<(String, i64)>) -> Result<Html<String>, AppError> {
    let (code, id) = at.key.clone();
    let scope = scope(&at.state, &at.viewer).await?;
    let p = projects::by_code(&at.state.db, &scope, &code).await?;
    let m = meetings::get(&at.state.db, p.id, id).await?;
    render(&MeetingPage {
        chrome: Chrome::new(format!("碰头会 {}", m.held_on), &at.viewer),
        may_write: super::may_write(&at.viewer),
        p,
        m,
    })
}

/// Where to go back after closing an action item.
#[derive(Deserialize)]
pub struct DoneForm {
    #[serde(default)]
    back: String,
}

/// Marks an action item done.
pub async fn complete(at: Keyed, Form(f): Form<DoneForm>) -> Response {
    // Only paths inside the module are followed, never another site.
    let back = if f.back.starts_with("/relocation/") {
        f.back.clone()
    } else {
        "/relocation/".to_string()
    };
    at.relocation_change(&back, async |tx, actor, scope| {
        meetings::complete(tx, actor, scope, at.key, today_local()).await?;
        Ok(None)
    })
    .await
}
