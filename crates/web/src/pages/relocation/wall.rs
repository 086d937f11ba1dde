//! The live wall (进度上墙): a page, a big-screen page readable across a room, the JSON
//! API, server-sent events that push every change within a second, and the daily report
//! as plain text for the chat groups.
//!
//! Every milestone change publishes its project id on [`AppState::wall_events`]; each
//! connected screen re-reads its project's wall (a few counter reads, see
//! `store::relocation::wall`) and receives it as one `wall` event.

use super::chart::{COLOURS, curve_svg};
use super::scope;
use crate::error::{ApiError, AppError};
use crate::live::{LiveWall, Snapshot};
use crate::pages::{Chrome, Keyed, render};
use crate::session::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use domain::relocation::{Milestone, Progress};
use futures::stream::{self, Stream, StreamExt};
use serde_json::{Value, json};
use std::convert::Infallible;
use std::sync::Arc;
use store::Conn;
use store::Db;
use store::relocation::projects::{self, Project};
use store::relocation::wall::{self, Wall};
use tokio_stream::wrappers::BroadcastStream;

fn counts(p: &Progress) -> Value {
    json!({
        "total": p.total,
        "signed": p.signed,
        "vacated": p.vacated,
        "demolished": p.demolished,
        "cleared": p.cleared,
        "signed_percent": p.permille(Milestone::Signed).to_string(),
        "vacated_percent": p.permille(Milestone::Vacated).to_string(),
    })
}

/// "距签约期限还有 3 天" and the like.
fn deadline_text(w: &Wall) -> String {
    match (w.days_to_deadline, w.project.sign_deadline) {
        _ if w.progress.cleared_to_zero() => "已全部签约".to_string(),
        (Some(d), Some(on)) if d > 0 => format!("距签约期限（{on}）还有 {d} 天"),
        (Some(0), Some(_)) => "今天是签约期限".to_string(),
        (Some(d), Some(on)) => format!("已超过签约期限（{on}）{} 天", -d),
        _ => "未设签约期限".to_string(),
    }
}

/// The wall as JSON; `with_svg` adds the server-drawn curve for the live pages.
pub fn wall_json(w: &Wall, with_svg: bool) -> Value {
    let tiles: Vec<Value> = Milestone::ALL
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            json!({
                "key": m.code(),
                "label": m.label(),
                "count": w.progress.count(m),
                "total": w.progress.total,
                "percent": w.progress.permille(m).to_string(),
                "today": w.today_counts[i],
                "colour": COLOURS[i],
            })
        })
        .collect();
    let groups: Vec<Value> = w
        .groups
        .iter()
        .filter(|g| g.progress.total > 0)
        .map(|g| {
            let mut v = counts(&g.progress);
            v["name"] = json!(g.name);
            v["team_id"] = json!(g.team_id);
            v
        })
        .collect();
    let leaderboard: Vec<Value> = w
        .leaderboard
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut v = counts(&l.progress);
            v["rank"] = json!(i + 1);
            v["name"] = json!(l.name);
            v["group"] = json!(l.team_name);
            v["signed_today"] = json!(l.signed_today);
            v
        })
        .collect();
    // Column-wise: one list of dates and one of cumulative counts per milestone, half the
    // size of a list of day objects.
    let mut curve = serde_json::Map::new();
    curve.insert(
        "dates".into(),
        w.curve.iter().map(|d| d.date.to_string()).collect(),
    );
    for (i, m) in Milestone::ALL.into_iter().enumerate() {
        curve.insert(
            m.code().into(),
            w.curve.iter().map(|d| d.cumulative[i]).collect(),
        );
    }
    let mut v = json!({
        "project": {"code": w.project.code, "name": w.project.name, "town": w.project.town, "kind": w.project.kind.code()},
        "date": w.today.to_string(),
        "progress": counts(&w.progress),
        "tiles": tiles,
        "remaining_to_sign": w.progress.remaining_to_sign(),
        "cleared_to_zero": w.progress.cleared_to_zero(),
        "sign_deadline": w.project.sign_deadline.map(|d| d.to_string()),
        "days_to_deadline": w.days_to_deadline,
        "deadline_text": deadline_text(w),
        "visits_today": w.visits_today,
        "groups": groups,
        "leaderboard": leaderboard,
        "curve": curve,
    });
    if with_svg {
        v["curve_svg"] = json!(curve_svg(&w.curve, w.progress.total));
    }
    v
}

async fn load(state: &AppState, viewer: &Viewer, code: &str) -> Result<Arc<Snapshot>, AppError> {
    let scope = scope(state, viewer).await?;
    let p = projects::by_code(&state.db, &scope, code).await?;
    Ok(state.wall.snapshot(&state.db, &p).await?)
}

/// `GET /api/v1/relocation/projects/{code}/wall`: the JSON the screens draw, serialised
/// once per snapshot.
#[utoipa::path(get, path = "/api/v1/relocation/projects/{code}/wall",
    params(("code" = String, Path, description = "项目编号", example = "YCQ2019-01")),
    responses((status = 200, body = serde_json::Value), (status = 404, body = crate::error::ErrorBody)), tag = "relocation")]
pub async fn api(at: Keyed<String>) -> Result<Response, ApiError> {
    let s = load(&at.state, &at.viewer, &at.key).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        s.api_json(|w| wall_json(w, false).to_string()),
    )
        .into_response())
}

/// A tile of the page as first rendered (the script keeps it current).
pub struct Tile {
    key: &'static str,
    label: &'static str,
    count: u32,
    percent: String,
    today: u32,
    colour: &'static str,
}

#[derive(Template)]
#[template(path = "relocation/wall.html")]
struct WallPage {
    chrome: Chrome,
    w: Wall,
    tiles: Vec<Tile>,
    svg: String,
    deadline: String,
    report: String,
    screen: bool,
}

fn tiles(w: &Wall) -> Vec<Tile> {
    Milestone::ALL
        .into_iter()
        .enumerate()
        .map(|(i, m)| Tile {
            key: m.code(),
            label: m.label(),
            count: w.progress.count(m),
            percent: w.progress.permille(m).to_string(),
            today: w.today_counts[i],
            colour: COLOURS[i],
        })
        .collect()
}

async fn wall_page(
    state: AppState,
    viewer: Viewer,
    code: String,
    screen: bool,
) -> Result<Html<String>, AppError> {
    let w = load(&state, &viewer, &code).await?.wall.clone();
    render(&WallPage {
        chrome: Chrome::new(format!("{} 进度上墙", w.project.name), &viewer),
        tiles: tiles(&w),
        svg: curve_svg(&w.curve, w.progress.total),
        deadline: deadline_text(&w),
        report: wall::daily_report(&w),
        screen,
        w,
    })
}

/// The wall inside the normal page frame.
pub async fn page(at: Keyed<String>) -> Result<Html<String>, AppError> {
    wall_page(at.state, at.viewer, at.key, false).await
}

/// The big screen: large type, dark background, nothing but the figures.
pub async fn screen(at: Keyed<String>) -> Result<Html<String>, AppError> {
    wall_page(at.state, at.viewer, at.key, true).await
}

/// The daily report as plain text, ready to paste into a chat group.
pub async fn report(at: Keyed<String>) -> Result<Response, AppError> {
    let s = load(&at.state, &at.viewer, &at.key).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        wall::daily_report(&s.wall),
    )
        .into_response())
}

async fn wall_event(live: &LiveWall, db: &Db, project_id: i64) -> Event {
    let result = async {
        let p: Project = projects::by_id(&mut Conn::Pool(db), project_id).await?;
        live.snapshot(db, &p).await
    }
    .await;
    match result {
        Ok(s) => Event::default()
            .event("wall")
            .data(s.event_json(|w| wall_json(w, true).to_string())),
        Err(e) => {
            tracing::warn!("wall event for project {project_id}: {e}");
            Event::default()
                .event("problem")
                .data("进度数据暂时无法读取")
        }
    }
}

/// Server-sent events: the wall now, then again after every change of the project.
pub async fn events(
    at: Keyed<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let scope = scope(&at.state, &at.viewer).await?;
    let p = projects::by_code(&at.state.db, &scope, &at.key).await?;
    // Subscribe before reading, so a change between the read and the subscription is
    // not lost.
    let changes = BroadcastStream::new(at.state.wall.subscribe());
    let (db, live) = (at.state.db.clone(), Arc::clone(&at.state.wall));
    let first = wall_event(&live, &db, p.id).await;
    let project_id = p.id;
    let updates = changes
        // A lagging receiver has missed changes: re-reading the wall catches up.
        .filter(move |msg| std::future::ready(msg.as_ref().map_or(true, |id| *id == project_id)))
        .then(move |_| {
            let (db, live) = (db.clone(), Arc::clone(&live));
            async move { wall_event(&live, &db, project_id).await }
        });
    let stream = stream::once(std::future::ready(first))
        .chain(updates)
        // The server shutting down ends the stream, so the connection closes.
        .take_until(at.state.wall.closed())
        .map(Ok);
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
