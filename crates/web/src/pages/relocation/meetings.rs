//! The work log of a project and its nightly meetings (碰头会) with their action items.

use super::projects::ScopedProject;
use super::{form_id, required_date, scope};
use crate::error::AppError;
use crate::form::Form;
use crate::pages::{Chrome, Keyed, page_count, paging, render};
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, Response};
use domain::platform::time::today_local;
use serde::Deserialize;
use store::relocation::households::{self, HouseholdFilter, HouseholdRow};
use store::relocation::meetings::{self, Action, Meeting, NewAction, NewMeeting};
use store::relocation::projects::{self, Project};
use store::relocation::{teams, worklog};

/// Page of the log.
#[derive(Deserialize, Default)]
pub struct PageQuery {
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "relocation/visits.html")]
struct VisitsPage {
    chrome: Chrome,
    p: Project,
    visits: Vec<worklog::Visit>,
    total: i64,
    page: i64,
    pages: i64,
}

/// The project's work log, newest first.
pub async fn visits(
    Query(q): Query<PageQuery>,
    ScopedProject(at, scope, p): ScopedProject,
) -> Result<Html<String>, AppError> {
    let (page, per, offset) = paging(q.page, 50);
    let (visits, total) = worklog::of_project(&at.state.db, &scope, p.id, per, offset).await?;
    render(&VisitsPage {
        chrome: Chrome::new(format!("{} 工作日志", p.name), &at.viewer),
        p,
        visits,
        total,
        page,
        pages: page_count(total, per),
    })
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
