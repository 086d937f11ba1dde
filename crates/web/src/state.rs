//! What every handler can reach: the database, metrics, the live wall, the jobs. (The route table
//! is not here: it is built from the pages, which use this state.)

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use store::Db;

/// Shared application state. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Request counters for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Whether cookies carry `Secure` (when served behind HTTPS).
    pub secure_cookies: bool,
    /// The relocation wall's live state: every recorded change of a project's progress
    /// is announced here, so connected screens (server-sent events) update within a
    /// second, and the wall read from the counters is shared by all its readers.
    pub wall: Arc<crate::live::LiveWall>,
    /// How long a client may take to send a request's headers, and how many connections
    /// are served at once.
    pub limits: ServeLimits,
    /// The notification channels' settings as the settings page shows them: (variable,
    /// value) with every secret already masked, so no secret ever reaches a page.
    pub notify_settings: Arc<Vec<(&'static str, String)>>,
    /// The background jobs: where their files go, the counters of those running.
    pub jobs: Arc<crate::jobs::Jobs>,
    /// Figures many pages show (the union dashboard, the ranking), kept until a change
    /// commits.
    pub figures: Arc<crate::figures::Figures>,
}

/// Limits that keep slow or idle clients from holding the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeLimits {
    /// A connection that has not sent a complete request head this long after opening, or
    /// after its previous answer (an idle keep-alive), is closed.
    pub header_timeout: std::time::Duration,
    /// Connections served at once; one more is closed at once.
    pub max_connections: usize,
}

impl Default for ServeLimits {
    /// 15 s for headers and 512 connections, or `GROUNDWORK_HEADER_TIMEOUT_SECS` and
    /// `GROUNDWORK_MAX_CONNECTIONS`.
    fn default() -> ServeLimits {
        let env = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        ServeLimits {
            header_timeout: std::time::Duration::from_secs(
                env("GROUNDWORK_HEADER_TIMEOUT_SECS").unwrap_or(15).max(1),
            ),
            max_connections: env("GROUNDWORK_MAX_CONNECTIONS")
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(512)
                .max(1),
        }
    }
}

impl AppState {
    /// State for a database.
    pub fn new(db: Db) -> AppState {
        AppState {
            db,
            metrics: Arc::new(Metrics::default()),
            secure_cookies: false,
            wall: Arc::default(),
            limits: ServeLimits::default(),
            notify_settings: Arc::default(),
            jobs: Arc::new(crate::jobs::Jobs::from_env()),
            figures: Arc::default(),
        }
    }
}

/// Counters exposed in Prometheus text format.
#[derive(Default)]
pub struct Metrics {
    /// Requests answered, by status class.
    pub responses_2xx: AtomicU64,
    /// 3xx responses.
    pub responses_3xx: AtomicU64,
    /// 4xx responses.
    pub responses_4xx: AtomicU64,
    /// 5xx responses.
    pub responses_5xx: AtomicU64,
    /// Total time spent answering, microseconds.
    pub duration_micros: AtomicU64,
    /// Login failures.
    pub login_failures: AtomicU64,
}

impl Metrics {
    /// Counts one answered request.
    pub fn observe(&self, status: u16, micros: u64) {
        let c = match status {
            200..=299 => &self.responses_2xx,
            300..=399 => &self.responses_3xx,
            400..=499 => &self.responses_4xx,
            _ => &self.responses_5xx,
        };
        c.fetch_add(1, Ordering::Relaxed);
        self.duration_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// The Prometheus exposition text.
    pub fn render(&self) -> String {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        format!(
            "# HELP groundwork_http_responses_total HTTP responses by status class.\n\
             # TYPE groundwork_http_responses_total counter\n\
             groundwork_http_responses_total{{class=\"2xx\"}} {}\n\
             groundwork_http_responses_total{{class=\"3xx\"}} {}\n\
             groundwork_http_responses_total{{class=\"4xx\"}} {}\n\
             groundwork_http_responses_total{{class=\"5xx\"}} {}\n\
             # HELP groundwork_http_duration_seconds_total Time spent answering requests.\n\
             # TYPE groundwork_http_duration_seconds_total counter\n\
             groundwork_http_duration_seconds_total {:.6}\n\
             # HELP groundwork_login_failures_total Failed login attempts.\n\
             # TYPE groundwork_login_failures_total counter\n\
             groundwork_login_failures_total {}\n",
            g(&self.responses_2xx),
            g(&self.responses_3xx),
            g(&self.responses_4xx),
            g(&self.responses_5xx),
            g(&self.duration_micros) as f64 / 1e6,
            g(&self.login_failures),
        )
    }
}
