//! The hall's big screen of a choosing session: whose turn it is, the next five (names
//! masked: the screen faces the public) and what is left, redrawn from server-sent events
//! after every change of the project.

use super::super::projects::ScopedProject;
use crate::error::AppError;
use crate::pages::{Chrome, render};
use askama::Template;
use axum::response::Html;
use axum::response::sse::{Event, KeepAlive, Sse};
use domain::relocation::household::public_head_name;
use futures::{Stream, StreamExt, stream};
use serde_json::{Value, json};
use std::convert::Infallible;
use store::Db;
use store::relocation::choosing::{self, SeriesLine};
use store::relocation::flats;
use store::relocation::projects::Project;
use tokio_stream::wrappers::BroadcastStream;

/// What the big screen shows, as JSON: the turn, the next five (masked), the stock.
async fn screen_json(db: &Db, p: &Project) -> Result<Value, AppError> {
    let series = choosing::series(db, p.id).await?;
    let person = |l: &SeriesLine| {
        json!({
            "position": l.position.position,
            "household_code": l.position.code,
            "head_name": public_head_name(l.kind, &l.head_name),
            "absent": l.absent.is_some(),
        })
    };
    let waiting = series.waiting();
    let current = series.current();
    let next: Vec<Value> = waiting
        .iter()
        .skip(usize::from(current.is_some()))
        .take(5)
        .map(|l| person(l))
        .collect();
    let stock: Vec<Value> = flats::stock(db, p.id)
        .await?
        .into_iter()
        .map(|s| json!({"building": s.building, "kind": s.kind.label(), "layout": s.layout, "vacant": s.vacant, "total": s.total}))
        .collect();
    let chosen = series
        .lines
        .iter()
        .filter(|l| l.flat_code.is_some())
        .count();
    Ok(json!({
        "open": series.session.as_ref().is_some_and(|s| s.is_open()),
        "current": current.map(person),
        "next": next,
        "chosen": chosen,
        "waiting": waiting.len(),
        "stock": stock,
    }))
}

#[derive(Template)]
#[template(path = "relocation/choosing_screen.html")]
struct ScreenPage {
    chrome: Chrome,
    p: Project,
    initial: String,
}

/// The hall's big screen.
pub async fn screen(ScopedProject(at, _, p): ScopedProject) -> Result<Html<String>, AppError> {
    let initial = screen_json(&at.state.db, &p).await?.to_string();
    render(&ScreenPage {
        chrome: Chrome::new(format!("{} 选房", p.name), &at.viewer),
        p,
        initial,
    })
}

async fn screen_event(db: &Db, p: &Project) -> Event {
    match screen_json(db, p).await {
        Ok(v) => Event::default().event("choosing").data(v.to_string()),
        Err(e) => {
            tracing::warn!("choosing event for project {}: {e}", p.id);
            Event::default()
                .event("problem")
                .data("选房数据暂时无法读取")
        }
    }
}

/// Server-sent events: the screen's figures now, then after every change of the project.
pub async fn events(
    ScopedProject(at, _, p): ScopedProject,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let state = at.state;
    // Subscribe before reading, so a change in between is not lost.
    let changes = BroadcastStream::new(state.wall.subscribe());
    let db = state.db.clone();
    let first = screen_event(&db, &p).await;
    let project_id = p.id;
    let updates = changes
        .filter(move |msg| std::future::ready(msg.as_ref().map_or(true, |id| *id == project_id)))
        .then(move |_| {
            let (db, p) = (db.clone(), p.clone());
            async move { screen_event(&db, &p).await }
        });
    let stream = stream::once(std::future::ready(first))
        .chain(updates)
        .take_until(state.wall.closed())
        .map(Ok);
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
