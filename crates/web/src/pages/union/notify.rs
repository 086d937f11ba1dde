//! A text to a group of members — one union's, one team's or association's, or every
//! union's of a township: a template (`{{姓名}}`, `{{工会}}`, `{{日期}}`) previewed for the
//! first members, then queued as one SMS per current member with a mobile. The messages
//! are the union's (union staff and administrators see them on the outbox page). A group
//! outside the viewer's township answers 404 like one that does not exist.
//!
//! A union may also keep its own chat-group robot (DingTalk or WeCom, kept under the scope
//! `union:ID`, shown masked) and post a text to that group from the same page.

use super::scope;
use crate::error::AppError;
use crate::form::{self, Form};
use crate::pages::notifications::{RobotForm, TextForm, masked_robots, robot, save_robot};
use crate::pages::{Chrome, Keyed, render};
use crate::session::Viewer;
use crate::state::AppState;
use askama::Template as Page;
use axum::response::{Html, IntoResponse, Response};
use domain::platform::notify::{Audience, Channel, IdempotencyKey, Template};
use domain::platform::time::today_local;
use domain::union::township::Township;
use serde::Deserialize;
use std::collections::BTreeMap;
use store::platform::notify::{self as outbox, NewMessage};
use store::union::audiences::{self, Recipient};
use store::union::organisations::{self, UnionOrg};
use store::union::teams::{self, Team};

/// Whom a text goes to.
enum Group {
    /// A union's members.
    Union(UnionOrg),
    /// A team's or association's members.
    Team(Team),
    /// The members of every union of a township.
    Township(Township),
}

impl Group {
    /// The union with `id`, if the viewer's scope holds it.
    async fn union(state: &AppState, viewer: &Viewer, id: i64) -> Result<Group, AppError> {
        Ok(Group::Union(
            organisations::get(&state.db, scope(viewer)?, id).await?,
        ))
    }

    /// The team with `id`, if the viewer may change it (a city-wide team is the city's).
    async fn team(state: &AppState, viewer: &Viewer, id: i64) -> Result<Group, AppError> {
        let sc = scope(viewer)?;
        let t = teams::get(&state.db, sc, id).await?;
        // Township staff reach only their township's teams, not the city's.
        if sc
            .township_code()
            .is_some_and(|own| t.township.map(Township::code) != Some(own))
        {
            return Err(AppError::NotFound);
        }
        Ok(Group::Team(t))
    }

    /// The township with `code`, if it is the viewer's (or the viewer is the city's).
    fn township(viewer: &Viewer, code: &str) -> Result<Group, AppError> {
        let t = Township::from_code(code).ok_or(AppError::NotFound)?;
        if !scope(viewer)?.allows_code(Some(t.code())) {
            return Err(AppError::NotFound);
        }
        Ok(Group::Township(t))
    }

    fn name(&self) -> String {
        match self {
            Group::Union(u) => u.name.clone(),
            Group::Team(t) => t.name.clone(),
            Group::Township(t) => format!("{}各工会", t.name()),
        }
    }

    /// The group's own page (back link) and this page.
    fn home(&self) -> String {
        match self {
            Group::Union(u) => format!("/union/unions/{}", u.id),
            Group::Team(t) => format!("/union/teams/{}", t.id),
            Group::Township(t) => format!("/union/townships/{}", t.code()),
        }
    }

    /// Who is reached, said on the form.
    fn reach(&self) -> &'static str {
        match self {
            Group::Union(_) => "本工会在册",
            Group::Team(_) => "本队伍（协会）在册",
            Group::Township(_) => "本乡镇（街道）所有工会在册",
        }
    }

    /// What the idempotency key says of the group (the same text to the same group and
    /// mobile is one message, as it always was for a union).
    fn key(&self) -> (&'static str, String) {
        match self {
            Group::Union(u) => ("union-members", u.id.to_string()),
            Group::Team(t) => ("union-team", t.id.to_string()),
            Group::Township(t) => ("union-township", t.code().to_string()),
        }
    }

    async fn recipients(&self, state: &AppState) -> Result<Vec<Recipient>, AppError> {
        Ok(match self {
            Group::Union(u) => audiences::of_union(&state.db, u.id).await?,
            Group::Team(t) => audiences::of_team(&state.db, t.id).await?,
            Group::Township(t) => audiences::of_township(&state.db, *t).await?,
        })
    }
}

/// One member's text as it will be sent.
struct Preview {
    name: String,
    mobile: String,
    text: String,
}

#[derive(Page)]
#[template(path = "union/notify.html")]
struct NotifyPage {
    chrome: Chrome,
    name: String,
    home: String,
    reach: &'static str,
    template: String,
    previews: Vec<Preview>,
    reachable: usize,
    /// A union's own robots (channel code, label, masked URL and secret); empty for a
    /// team or a township.
    groups: Vec<(&'static str, &'static str, String)>,
}

/// The scope a union's own robot is kept under.
fn group_scope(union_id: i64) -> String {
    format!("union:{union_id}")
}

const DEFAULT_TEMPLATE: &str = "{{姓名}}您好：{{工会}}……（请写明活动或事项）。";

/// Every member the group reaches, and their text.
async fn texts(state: &AppState, g: &Group, template: &str) -> Result<Vec<Preview>, AppError> {
    let t = Template::parse(template).map_err(store::StoreError::from)?;
    let today = today_local().format("%Y年%-m月%-d日").to_string();
    let mut out = Vec::new();
    for m in g.recipients(state).await? {
        let vars = BTreeMap::from([
            ("姓名".to_string(), m.name.clone()),
            ("工会".to_string(), m.union_name),
            ("日期".to_string(), today.clone()),
        ]);
        out.push(Preview {
            name: m.name,
            mobile: m.mobile,
            text: t.render(&vars).map_err(store::StoreError::from)?,
        });
    }
    Ok(out)
}

async fn show(
    state: &AppState,
    viewer: &Viewer,
    g: &Group,
    template: Option<&str>,
) -> Result<Html<String>, AppError> {
    let (previews, reachable) = match template {
        Some(t) => {
            let all = texts(state, g, t).await?;
            let n = all.len();
            (all.into_iter().take(5).collect(), n)
        }
        None => (Vec::new(), 0),
    };
    let groups = match g {
        Group::Union(u) => masked_robots(state, &group_scope(u.id)).await?,
        _ => Vec::new(),
    };
    render(&NotifyPage {
        groups,
        chrome: Chrome::new(format!("{} 短信通知", g.name()), viewer),
        name: g.name(),
        home: g.home(),
        reach: g.reach(),
        template: template.unwrap_or(DEFAULT_TEMPLATE).to_string(),
        previews,
        reachable,
    })
}

/// Previews the members' texts, or queues one SMS per member with a mobile (once per
/// group, member and text: sending the same text again queues nothing new).
async fn preview_or_send(
    state: &AppState,
    viewer: &Viewer,
    g: Group,
    f: TextForm,
) -> Result<Response, AppError> {
    let (template, send) = f.read()?;
    if !send {
        return Ok(show(state, viewer, &g, Some(&template))
            .await?
            .into_response());
    }
    let all = texts(state, &g, &template).await?;
    let back = format!("{}/notify", g.home());
    let (kind, id) = g.key();
    let source = format!("{} 会员通知", g.name());
    Ok(crate::pages::change(state, viewer, &back, async |tx| {
        for p in &all {
            let key = IdempotencyKey::derived(&[kind, &id, &template, &p.mobile]);
            let mut m = NewMessage::text(Channel::Sms, &p.mobile, &p.text, key);
            m.source = source.clone();
            m.audience = Audience::Union;
            outbox::enqueue(tx, &viewer.user.username, &m).await?;
        }
        Ok("/notifications?state=queued".to_string())
    })
    .await)
}

/// The form for a union's members.
pub async fn page(at: Keyed) -> Result<Html<String>, AppError> {
    let g = Group::union(&at.state, &at.viewer, at.key).await?;
    show(&at.state, &at.viewer, &g, None).await
}

/// Previews or queues a text to a union's members.
pub async fn send(at: Keyed, Form(f): Form<TextForm>) -> Result<Response, AppError> {
    let g = Group::union(&at.state, &at.viewer, at.key).await?;
    preview_or_send(&at.state, &at.viewer, g, f).await
}

/// The form for a team's or association's members.
pub async fn team_page(at: Keyed) -> Result<Html<String>, AppError> {
    let g = Group::team(&at.state, &at.viewer, at.key).await?;
    show(&at.state, &at.viewer, &g, None).await
}

/// Previews or queues a text to a team's members.
pub async fn team_send(at: Keyed, Form(f): Form<TextForm>) -> Result<Response, AppError> {
    let g = Group::team(&at.state, &at.viewer, at.key).await?;
    preview_or_send(&at.state, &at.viewer, g, f).await
}

/// The form for the members of a township's unions.
pub async fn township_page(at: Keyed<String>) -> Result<Html<String>, AppError> {
    let g = Group::township(&at.viewer, &at.key)?;
    show(&at.state, &at.viewer, &g, None).await
}

/// Previews or queues a text to the members of a township's unions.
pub async fn township_send(
    at: Keyed<String>,
    Form(f): Form<TextForm>,
) -> Result<Response, AppError> {
    let g = Group::township(&at.viewer, &at.key)?;
    preview_or_send(&at.state, &at.viewer, g, f).await
}

/// Sets the union's chat-group robot (the audit log keeps only digests of its URL and
/// secret; the page shows them masked).
pub async fn set_group(at: Keyed, Form(f): Form<RobotForm>) -> Result<Response, AppError> {
    let robot = f.route(false)?;
    let u = organisations::get(&at.state.db, scope(&at.viewer)?, at.key).await?;
    let back = format!("/union/unions/{}/notify", u.id);
    save_robot(&at.state, &at.viewer, &group_scope(u.id), robot, back).await
}

/// A text to the union's chat group.
#[derive(Deserialize)]
pub struct PostForm {
    #[serde(default, deserialize_with = "form::text")]
    channel: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    text: Option<String>,
}

/// Queues a text to the union's own chat group (its robot, or the default group when it
/// has none); the same text on the same day is one message.
pub async fn post_to_group(at: Keyed, Form(f): Form<PostForm>) -> Result<Response, AppError> {
    let channel = robot(f.channel.as_deref())?;
    let text = f
        .text
        .ok_or_else(|| AppError::BadRequest("请填写内容".into()))?;
    let u = organisations::get(&at.state.db, scope(&at.viewer)?, at.key).await?;
    let back = format!("/union/unions/{}/notify", u.id);
    let day = today_local().to_string();
    Ok(
        crate::pages::change(&at.state, &at.viewer, &back, async |tx| {
            let key = IdempotencyKey::derived(&[
                "union-group",
                &u.id.to_string(),
                channel.code(),
                &day,
                &text,
            ]);
            let mut m = NewMessage::text(channel, &group_scope(u.id), &text, key);
            m.source = format!("{} 工作群", u.name);
            m.audience = Audience::Union;
            outbox::enqueue(tx, &at.viewer.user.username, &m).await?;
            Ok("/notifications?state=queued".to_string())
        })
        .await,
    )
}
