//! Static assets compiled into the binary: nothing is loaded from outside.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The stylesheet of every page; also inlined into files meant to be opened anywhere
/// (the yearbook's standalone HTML).
pub const STYLESHEET: &str = include_str!("../assets/app.css");

/// (name, content type, bytes) of every asset.
const ASSETS: &[(&str, &str, &str)] = &[
    ("app.css", "text/css; charset=utf-8", STYLESHEET),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/app.js"),
    ),
    (
        "wall.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/wall.js"),
    ),
    (
        "job.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/job.js"),
    ),
    (
        "choosing.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/choosing.js"),
    ),
];

/// `GET /assets/{file}`.
pub async fn serve(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        Some((_, ty, body)) => (
            [
                (header::CONTENT_TYPE, *ty),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            *body,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}
