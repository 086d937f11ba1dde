//! Teams and associations: list with the form to register one, a team's page with its
//! members (added from the registry by resident ID) and the activities it ran.

use super::super::{field, required, scope};
use crate::error::AppError;
use crate::form::Form;
use crate::pages::{Asked, Chrome, Keyed, change, render};
use askama::Template;
use axum::response::{Html, Response};
use domain::platform::ResidentId;
use domain::union::organising::TeamKind;
use domain::union::township::Township;
use serde::Deserialize;
use store::union::Scope;
use store::union::activities::{self, Activity, ActivityFilter};
use store::union::members;
use store::union::teams::{self, Team, TeamInput, TeamMember};

#[derive(Template)]
#[template(path = "union/teams.html")]
struct ListPage {
    chrome: Chrome,
    teams: Vec<Team>,
    kinds: &'static [TeamKind],
    townships: Vec<Township>,
    city: bool,
    may_write: bool,
}

/// The teams in scope.
pub async fn list(at: Asked) -> Result<Html<String>, AppError> {
    let sc = scope(&at.viewer)?;
    render(&ListPage {
        chrome: Chrome::new("队伍和协会", &at.viewer),
        teams: teams::list(&at.state.db, sc).await?,
        kinds: TeamKind::ALL,
        townships: Township::all()
            .iter()
            .copied()
            .filter(|t| sc.allows_code(Some(t.code())))
            .collect(),
        city: sc == Scope::City,
        may_write: super::super::may_write(&at.viewer),
    })
}

/// Fields of the team form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TeamForm {
    name: Option<String>,
    kind: Option<String>,
    township: Option<String>,
}

/// Registers a team.
pub async fn create(at: Asked, Form(f): Form<TeamForm>) -> Response {
    change(&at.state, &at.viewer, "/union/teams", async |tx| {
        let bad = |e: String| AppError::BadRequest(e);
        let input = TeamInput {
            name: required(&f.name, "队伍名称")?,
            kind: TeamKind::parse(&required(&f.kind, "队伍类型")?)
                .map_err(|e| bad(e.to_string()))?,
            township: field(&f.township)
                .map(|t| Township::parse(&t).map_err(|e| bad(e.to_string())))
                .transpose()?,
        };
        let id = teams::create(
            &mut *tx,
            &at.viewer.user.username,
            scope(&at.viewer)?,
            &input,
        )
        .await?;
        Ok(format!("/union/teams/{id}"))
    })
    .await
}

#[derive(Template)]
#[template(path = "union/team.html")]
struct DetailPage {
    chrome: Chrome,
    team: Team,
    members: Vec<TeamMember>,
    activities: Vec<Activity>,
    may_change: bool,
    today: String,
}

/// One team with its members and activities.
pub async fn show(at: Keyed) -> Result<Html<String>, AppError> {
    let sc = scope(&at.viewer)?;
    let team = teams::get(&at.state.db, sc, at.key).await?;
    let filter = ActivityFilter {
        team_id: Some(team.id),
        ..ActivityFilter::default()
    };
    let (activities, _) = activities::list(&at.state.db, sc, &filter, 200, 0).await?;
    render(&DetailPage {
        chrome: Chrome::new(team.name.clone(), &at.viewer),
        members: teams::members(&at.state.db, team.id).await?,
        activities,
        may_change: super::super::may_write(&at.viewer)
            && sc.allows_code(team.township.map(Township::code)),
        today: domain::platform::time::today_local().to_string(),
        team,
    })
}

/// Fields of the add-member form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MemberForm {
    resident_id: Option<String>,
    joined_on: Option<String>,
}

/// Adds a member of the registry (in the viewer's scope) to the team.
pub async fn add_member(post: Keyed, Form(f): Form<MemberForm>) -> Response {
    let back = format!("/union/teams/{}", post.key);
    post.change(&back, async |tx| {
        let sc = scope(&post.viewer)?;
        teams::get_for_change(&mut *tx, sc, post.key).await?;
        let id = ResidentId::parse(&required(&f.resident_id, "身份证号")?)
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        let m = members::by_resident_id(&mut *tx, sc, &id).await?;
        let on = super::super::required_date(&f.joined_on, "加入日期")?;
        teams::add_member(&mut *tx, &post.viewer.user.username, post.key, m.id, on).await?;
        Ok(back.clone())
    })
    .await
}
