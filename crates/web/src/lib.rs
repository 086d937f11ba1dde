//! groundwork's web server: server-rendered pages in Chinese, the JSON API under
//! `/api/v1/`, the live progress wall and the static assets, all served from the binary.
//!
//! Every route is declared once in [`routes`] together with who may use it; the access
//! guard enforces that table and the tests walk it with every role. Not here: SQL
//! (the `store` crate) and domain rules (the `domain` crate).

pub mod access;
pub mod api;
pub mod app;
pub mod assets;
pub mod charts;
pub mod download;
pub mod error;
pub mod figures;
pub mod form;
pub mod headers;
pub mod jobs;
pub mod live;
pub mod pages;
pub mod routes;
pub mod session;
pub mod state;
pub mod telemetry;
pub mod views;

pub use state::AppState;

use std::net::SocketAddr;

/// Serves the application on `addr` until SIGTERM or SIGINT, then shuts down gracefully:
/// no new connections, requests in flight finish, live wall streams end. The caller
/// closes the database afterwards.
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_until(state, listener, shutdown_signal()).await
}

/// Serves on an already bound listener until the process ends (tests bind port 0 and
/// read the address).
pub async fn serve_on(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    serve_until(state, listener, std::future::pending()).await
}

/// Serves on `listener` until `shutdown` completes, then lets the requests in flight
/// finish and closes the live streams (which would otherwise never end) before returning.
///
/// The accept loop is groundwork's own rather than `axum::serve`'s so that slow clients
/// cannot hold the server ([`state::ServeLimits`]): a connection must send each request's
/// head within the header timeout (an idle keep-alive connection is closed after it too),
/// and beyond the connection limit a new connection is closed at once, so `/healthz` and
/// real users still get in.
pub async fn serve_until(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::server::graceful::GracefulShutdown;
    use hyper_util::service::TowerToHyperService;
    use tower_layer::Layer;

    let wall = std::sync::Arc::clone(&state.wall);
    let limits = state.limits;
    // Logins made while an import held the records (SQLite) wait in the session store
    // for their audit entries; move them into the log once a minute.
    let events = tokio::spawn(flush_login_events(state.db.clone()));
    // Jobs left running by the last stop are interrupted before anything new can start.
    jobs::recover(&state).await;
    let sweeping = tokio::spawn(jobs::keep_sweeping(state.clone()));
    let router = app::router(state);
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, addr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before accept: wait
                    // a moment instead of spinning.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(slot) = std::sync::Arc::clone(&slots).try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let service = axum::Extension(axum::extract::ConnectInfo(addr)).layer(router.clone());
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!("connection from {addr} ended: {e}");
            }
            drop(slot);
        });
    }
    tracing::info!("shutting down: finishing requests in flight");
    wall.close();
    graceful.shutdown().await;
    events.abort();
    sweeping.abort();
    Ok(())
}

/// Moves pending login events into the audit log now, then once a minute.
pub(crate) async fn flush_login_events(db: store::Db) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        every.tick().await;
        if let Err(e) = store::platform::sessions::flush_events(&db).await {
            tracing::warn!("login events not yet in the audit log: {e}");
        }
    }
}

/// Completes on SIGTERM (what service managers send) or SIGINT (Ctrl-C).
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
