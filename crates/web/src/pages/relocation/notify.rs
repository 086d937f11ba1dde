//! A project's messages: the project's own chat-group robot, the wall's daily report sent
//! to that group on demand, and a text to the project's households written as a template
//! (`{{户主}}`, `{{项目}}`, `{{户号}}`, `{{日期}}`), previewed before it is queued. Everything
//! is queued in the outbox in the transaction of the request; the server's worker sends it.

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
use serde::Deserialize;
use std::collections::BTreeMap;
use store::platform::notify::{self as outbox, NewMessage};
use store::relocation::households::{HouseholdFilter, list};
use store::relocation::projects::{self, Project};
use store::relocation::wall;

/// The scope a project's own robot is kept under.
fn group_scope(p: &Project) -> String {
    format!("project:{}", p.id)
}

/// One household's text as it will be sent.
struct Preview {
    code: String,
    mobile: String,
    text: String,
}

#[derive(Page)]
#[template(path = "relocation/notify.html")]
struct NotifyPage {
    chrome: Chrome,
    p: Project,
    groups: Vec<(&'static str, &'static str, String)>,
    report: String,
    template: String,
    previews: Vec<Preview>,
    reachable: usize,
    without_mobile: usize,
}

const DEFAULT_TEMPLATE: &str = "{{户主}}户您好：{{项目}}……（请写明事项）。如有疑问请致电指挥部。";

async fn show(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
    template: Option<&str>,
) -> Result<Html<String>, AppError> {
    let scope = scope(state, viewer).await?;
    let p = projects::by_code(&state.db, &scope, code).await?;
    let report = wall::daily_report(&state.wall.snapshot(&state.db, &p).await?.wall);
    let groups = masked_robots(state, &group_scope(&p)).await?;
    let (previews, reachable, without_mobile) = match template {
        Some(t) => {
            let texts = household_texts(state, viewer, &p, t).await?;
            let reachable = texts.len();
            let total = households(state, viewer, &p).await?.len();
            (
                texts.into_iter().take(5).collect(),
                reachable,
                total - reachable,
            )
        }
        None => (Vec::new(), 0, 0),
    };
    render(&NotifyPage {
        chrome: Chrome::new(format!("{} 通知", p.name), viewer),
        report,
        groups,
        template: template.unwrap_or(DEFAULT_TEMPLATE).to_string(),
        previews,
        reachable,
        without_mobile,
        p,
    })
}

/// The project's messages page.
pub async fn page(at: Keyed<String>) -> Result<Html<String>, AppError> {
    show(&at.state, &at.viewer, &at.key, None).await
}

async fn households(
    state: &AppState,
    viewer: &Viewer,
    p: &Project,
) -> Result<Vec<store::relocation::households::Household>, AppError> {
    let scope = scope(state, viewer).await?;
    let (rows, _) = list(
        &state.db,
        &scope,
        p.id,
        &HouseholdFilter::default(),
        100_000,
        0,
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.household).collect())
}

/// Every household with a mobile and its text; a template that does not render for one
/// of them (an unknown variable) refuses the whole message.
async fn household_texts(
    state: &AppState,
    viewer: &Viewer,
    p: &Project,
    template: &str,
) -> Result<Vec<Preview>, AppError> {
    let t = Template::parse(template).map_err(store::StoreError::from)?;
    let today = today_local().format("%Y年%-m月%-d日").to_string();
    let mut out = Vec::new();
    for h in households(state, viewer, p).await? {
        let Some(mobile) = h.mobile.clone().filter(|m| !m.is_empty()) else {
            continue;
        };
        let vars = BTreeMap::from([
            ("户主".to_string(), h.head_name.clone()),
            ("户号".to_string(), h.code.clone()),
            ("项目".to_string(), p.name.clone()),
            ("日期".to_string(), today.clone()),
        ]);
        let text = t.render(&vars).map_err(store::StoreError::from)?;
        out.push(Preview {
            code: h.code,
            mobile,
            text,
        });
    }
    Ok(out)
}

/// Previews the households' texts, or queues one SMS per household with a mobile.
pub async fn households_message(
    at: Keyed<String>,
    Form(f): Form<TextForm>,
) -> Result<Response, AppError> {
    let (template, send) = f.read()?;
    if !send {
        return Ok(show(&at.state, &at.viewer, &at.key, Some(&template))
            .await?
            .into_response());
    }
    let back = format!("/relocation/projects/{}/notify", at.key);
    let scope = scope(&at.state, &at.viewer).await?;
    let p = projects::by_code(&at.state.db, &scope, &at.key).await?;
    let texts = household_texts(&at.state, &at.viewer, &p, &template).await?;
    Ok(
        crate::pages::change(&at.state, &at.viewer, &back.clone(), async |tx| {
            for t in &texts {
                let key =
                    IdempotencyKey::derived(&["households", &p.id.to_string(), &template, &t.code]);
                let mut m = NewMessage::text(Channel::Sms, &t.mobile, &t.text, key);
                m.source = format!("项目 {} 住户通知", p.code);
                m.audience = Audience::Town(p.town.clone());
                outbox::enqueue(tx, &at.viewer.user.username, &m).await?;
            }
            Ok("/notifications?state=queued".to_string())
        })
        .await,
    )
}

/// The daily-report form: which robot.
#[derive(Deserialize)]
pub struct ReportForm {
    #[serde(default, deserialize_with = "form::text")]
    channel: Option<String>,
}

/// Queues today's report to the project's chat group (once a day per group: asking again
/// the same day finds the message already queued).
pub async fn send_report(
    at: Keyed<String>,
    Form(f): Form<ReportForm>,
) -> Result<Response, AppError> {
    let channel = robot(f.channel.as_deref())?;
    let scope = scope(&at.state, &at.viewer).await?;
    let p = projects::by_code(&at.state.db, &scope, &at.key).await?;
    let w = at.state.wall.snapshot(&at.state.db, &p).await?;
    let report = wall::daily_report(&w.wall);
    let day = w.wall.today.to_string();
    let back = format!("/relocation/projects/{}/notify", at.key);
    Ok(
        crate::pages::change(&at.state, &at.viewer, &back.clone(), async |tx| {
            let key =
                IdempotencyKey::derived(&["daily-report", &p.id.to_string(), &day, channel.code()]);
            let mut m = NewMessage::text(channel, &group_scope(&p), &report, key);
            m.subject = format!("{} 进度日报", p.name);
            m.source = format!("项目 {} 日报", p.code);
            m.audience = Audience::Town(p.town.clone());
            outbox::enqueue(tx, &at.viewer.user.username, &m).await?;
            Ok("/notifications".to_string())
        })
        .await,
    )
}

/// Sets the project's chat-group robot (the audit log keeps only digests of its URL and
/// secret).
pub async fn set_group(at: Keyed<String>, Form(f): Form<RobotForm>) -> Result<Response, AppError> {
    let robot = f.route(true)?;
    let scope = scope(&at.state, &at.viewer).await?;
    let p = projects::by_code(&at.state.db, &scope, &at.key).await?;
    let back = format!("/relocation/projects/{}/notify", at.key);
    save_robot(&at.state, &at.viewer, &group_scope(&p), robot, back).await
}
