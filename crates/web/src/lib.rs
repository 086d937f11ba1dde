//! groundwork's web server: server-rendered pages in Chinese, the JSON API under
//! `/api/v1/`, the live progress wall and the static assets, all served from the binary.
//!
//! Every route is declared once in [`routes`] together with who may use it; the access
//! guard enforces that table and the tests walk it with every role. Not here: SQL
//! (the `store` crate) and domain rules (the `domain` crate).

pub mod access;
pub mod api;
pub mod assets;
pub mod download;
pub mod error;
pub mod pages;
pub mod routes;
pub mod session;
pub mod state;

pub use state::AppState;

use std::net::SocketAddr;

/// Serves the application on `addr` until the process is stopped.
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(state, listener).await
}

/// Serves on an already bound listener (tests bind port 0 and read the address).
pub async fn serve_on(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let app = routes::router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
}
