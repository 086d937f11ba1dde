//! The task breakdown (任务分解表): households assigned to a working group and a named
//! person, one by one or in bulk; on screen and as Excel. Also the groups and their
//! persons.

use super::households::with_stages;
use super::projects::ScopedProject;
use super::{form_id, project_page, project_xlsx};
use crate::error::AppError;
use crate::form::Form;
use crate::pages::{Chrome, Keyed, render};
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, Response};
use serde::Deserialize;
use store::Tx;
use store::relocation::households::{self, HouseholdFilter, HouseholdRow, HouseholdSort, Stage};
use store::relocation::projects::Project;
use store::relocation::teams;

/// Which households the table shows.
#[derive(Deserialize, Default)]
pub struct TaskQuery {
    #[serde(default)]
    team: String,
}

fn filter(q: &TaskQuery) -> Result<HouseholdFilter, AppError> {
    Ok(HouseholdFilter {
        team_id: form_id(&q.team)?,
        sort: HouseholdSort::Person,
        ..HouseholdFilter::default()
    })
}

#[derive(Template)]
#[template(path = "relocation/tasks.html")]
struct TaskPage {
    chrome: Chrome,
    p: Project,
    rows: Vec<(HouseholdRow, &'static str)>,
    groups: Vec<teams::Team>,
    persons: Vec<(teams::Person, String)>,
    team: String,
    may_command: bool,
}

/// The task table.
pub async fn table(
    Query(q): Query<TaskQuery>,
    ScopedProject(at, scope, p): ScopedProject,
) -> Result<Html<String>, AppError> {
    let (rows, _) = households::list(&at.state.db, &scope, p.id, &filter(&q)?, i64::MAX, 0).await?;
    let groups = teams::groups(&at.state.db, p.id).await?;
    let persons = teams::persons(&at.state.db, p.id)
        .await?
        .into_iter()
        .map(|x| {
            let group = groups
                .iter()
                .find(|g| g.id == x.team_id)
                .map(|g| g.name.clone())
                .unwrap_or_default();
            (x, group)
        })
        .collect();
    render(&TaskPage {
        chrome: Chrome::new(format!("{} 任务分解表", p.name), &at.viewer),
        rows: with_stages(rows),
        groups,
        persons,
        team: q.team,
        may_command: super::may_command(&at.viewer),
        p,
    })
}

/// The task table as Excel.
pub async fn export(
    Query(q): Query<TaskQuery>,
    ScopedProject(at, scope, p): ScopedProject,
) -> Result<Response, AppError> {
    let (rows, _) = households::list(&at.state.db, &scope, p.id, &filter(&q)?, i64::MAX, 0).await?;
    let headers = [
        "序号",
        "工作组",
        "责任人",
        "户编号",
        "户主",
        "村",
        "组",
        "现居住地",
        "手机号",
        "进度",
        "难点户",
    ];
    let data: Vec<Vec<String>> = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let h = &r.household;
            vec![
                (i + 1).to_string(),
                r.team_name.clone().unwrap_or_else(|| "未分配".into()),
                r.person_name.clone().unwrap_or_default(),
                h.code.clone(),
                h.head_name.clone(),
                h.village.clone(),
                h.village_group.clone(),
                h.residence.to_string(),
                h.mobile.clone().unwrap_or_default(),
                Stage::of(h).label().to_string(),
                if h.difficult {
                    "是".into()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    project_xlsx(&p, "任务分解表", &headers, &data)
}

/// A group, a person, and the households to assign to them.
type Assignment = (Option<i64>, Option<i64>, Vec<i64>);

/// Reads the assignment fields (`team`, `person`) and the checked `ids`.
fn assignment(fields: &[(String, String)]) -> Result<Assignment, AppError> {
    let value = |k: &str| {
        fields
            .iter()
            .find(|(key, _)| key == k)
            .map_or("", |(_, v)| v.as_str())
    };
    let ids = fields
        .iter()
        .filter(|(k, _)| k == "ids")
        .map(|(_, v)| {
            v.parse::<i64>()
                .map_err(|_| AppError::BadRequest(format!("户编号不正确：{v}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((form_id(value("team"))?, form_id(value("person"))?, ids))
}

/// Assigns the checked households to a group and person, all or none.
pub async fn assign_bulk(at: Keyed<String>, Form(fields): Form<Vec<(String, String)>>) -> Response {
    let back = project_page(&at.key, "/tasks");
    at.project_change(&at.key, &back, async |tx, actor, scope, p| {
        let (team, person, ids) = assignment(&fields)?;
        if ids.is_empty() {
            return Err(AppError::BadRequest("请勾选要分配的户".into()));
        }
        for id in ids {
            if households::get(&mut *tx, scope, id).await?.project_id != p.id {
                return Err(AppError::NotFound);
            }
            households::assign(tx, actor, scope, id, team, person).await?;
        }
        Ok(())
    })
    .await
}

/// Assigns one household.
pub async fn assign_one(at: Keyed, Form(fields): Form<Vec<(String, String)>>) -> Response {
    let back = format!("/relocation/households/{}", at.key);
    at.relocation_change(&back, async |tx, actor, scope| {
        let (team, person, _) = assignment(&fields)?;
        households::assign(tx, actor, scope, at.key, team, person).await?;
        Ok(Some(
            households::get(&mut *tx, scope, at.key).await?.project_id,
        ))
    })
    .await
}

#[derive(Template)]
#[template(path = "relocation/teams.html")]
struct TeamsPage {
    chrome: Chrome,
    p: Project,
    groups: Vec<(teams::Team, Vec<teams::Person>)>,
    may_command: bool,
}

/// The groups and their persons.
pub async fn teams(ScopedProject(at, _, p): ScopedProject) -> Result<Html<String>, AppError> {
    let persons = teams::persons(&at.state.db, p.id).await?;
    let groups = teams::groups(&at.state.db, p.id)
        .await?
        .into_iter()
        .map(|g| {
            let members = persons
                .iter()
                .filter(|x| x.team_id == g.id)
                .cloned()
                .collect();
            (g, members)
        })
        .collect();
    render(&TeamsPage {
        chrome: Chrome::new(format!("{} 工作组", p.name), &at.viewer),
        p,
        groups,
        may_command: super::may_command(&at.viewer),
    })
}

/// The person form.
#[derive(Deserialize)]
pub struct PersonForm {
    name: String,
    #[serde(default)]
    mobile: String,
    #[serde(default)]
    username: String,
}

/// Checks, inside the change's transaction, that `team` is one of the project's groups.
async fn group_of(tx: &mut Tx, p: &Project, team: i64) -> Result<(), AppError> {
    if teams::groups(tx, p.id).await?.iter().any(|g| g.id == team) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Adds a person to a group.
pub async fn add_person(at: Keyed<(String, i64)>, Form(f): Form<PersonForm>) -> Response {
    let (code, team) = at.key.clone();
    let back = project_page(&code, "/teams");
    at.project_change(&code, &back, async |tx, actor, _, p| {
        group_of(tx, p, team).await?;
        let mobile = Some(f.mobile.as_str()).filter(|m| !m.trim().is_empty());
        teams::add_person(tx, actor, team, &f.name, mobile, Some(&f.username)).await?;
        Ok(())
    })
    .await
}

/// The leader form.
#[derive(Deserialize)]
pub struct LeaderForm {
    leader: String,
}

/// Sets who leads a group.
pub async fn set_leader(at: Keyed<(String, i64)>, Form(f): Form<LeaderForm>) -> Response {
    let (code, team) = at.key.clone();
    let back = project_page(&code, "/teams");
    at.project_change(&code, &back, async |tx, actor, _, p| {
        group_of(tx, p, team).await?;
        teams::set_leader(tx, actor, team, &f.leader).await?;
        Ok(())
    })
    .await
}
