//! One tracing span per request, and the counters behind `/metrics`, taken in the same
//! place so that the log and the metrics time the same thing.
//!
//! The span carries the method, the matched route (the pattern, not the path, so that
//! IDs in paths do not multiply log keys), the status, the duration and the user; the
//! access guard fills in the user once it knows who is asking.

use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;
use tracing::Instrument;
use tracing::field::Empty;

/// Wraps every request: opens its span, counts and logs the answer.
pub async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("(none)", |m| m.as_str())
        .to_string();
    let span = tracing::info_span!(
        "request",
        method = %req.method(),
        route = %route,
        user = Empty,
        status = Empty,
        duration_ms = Empty,
    );
    let resp = next.run(req).instrument(span.clone()).await;
    let elapsed = start.elapsed();
    let status = resp.status().as_u16();
    state.metrics.observe(status, elapsed.as_micros() as u64);
    span.record("status", status);
    span.record("duration_ms", elapsed.as_secs_f64() * 1e3);
    span.in_scope(|| tracing::info!("answered"));
    resp
}

/// Names the user in the current request's span (called by the access guard).
pub fn record_user(username: &str) {
    tracing::Span::current().record("user", username);
}
