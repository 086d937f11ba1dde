//! Long work started from the web, run in the background: imports, the member export,
//! `audit verify`. The request that starts one writes its row (`store::platform::jobs`)
//! and answers at once with the job's page; the work runs on a task of its own.
//!
//! While a job runs, its counters are the shared [`imports::Progress`] kept here in
//! memory (an atomic import holds SQLite's write lock to its end, so they could not be
//! written to the row); the page and `GET /api/v1/jobs/{id}` read them from here, and
//! the row gets them when the job ends. Cancelling sets the progress's switch: an import
//! stops at its next row and rolls back, an export at its next chunk, a verification at
//! once. Result files live under the data directory (`<dir>/<id>/`) and go with the row
//! a week after the job ended. A job the server finds unfinished when it starts (it died
//! or was stopped under it) is marked interrupted before any request is served.

use crate::error::AppError;
use crate::state::AppState;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use store::platform::jobs::{self, Ending, JobState};

/// How often expired jobs are looked for while the server runs.
const SWEEP_EVERY: Duration = Duration::from_secs(3600);

/// The jobs of this server: where their files go and the counters of those running.
pub struct Jobs {
    dir: PathBuf,
    running: Mutex<HashMap<i64, Live>>,
}

/// A running job's live state. Clones share it.
#[derive(Clone)]
pub struct Live {
    /// The work's counters (an import's engine, an export, a verification count into
    /// it), and every job's stop switch.
    pub progress: imports::Progress,
    /// When it started (for the rate and the estimate).
    started: Instant,
}

/// How far a job has got, as its page and the API show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counters {
    /// Rows read.
    pub read: u64,
    /// Rows written.
    pub written: u64,
    /// Seconds left, when the total is known and some rows were read.
    pub eta_seconds: Option<u64>,
}

/// How a job's work ended.
pub enum End {
    /// It did its work: the summary its page shows, the file it made (a file name in
    /// its directory), and the rows that stay written.
    Done {
        /// The outcome as JSON.
        summary: serde_json::Value,
        /// The file it produced, in [`Work::dir`].
        file: Option<String>,
        /// Rows written and kept.
        written: u64,
    },
    /// It could not (the message, in Chinese); nothing of an atomic import written.
    Failed(String),
    /// It stopped on request; nothing written.
    Cancelled,
}

/// What a job's work is handed.
pub struct Work {
    /// The job's id.
    pub id: i64,
    /// Its counters and stop switch (an import hands `live.progress` to the engine).
    pub live: Live,
    /// Its own directory for the files it produces (created).
    pub dir: PathBuf,
}

impl Jobs {
    /// Jobs whose files go under `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Jobs {
        Jobs {
            dir: dir.into(),
            running: Mutex::default(),
        }
    }

    /// Files under `$GROUNDWORK_DATA_DIR/jobs`, by default `groundwork-data/jobs` beside
    /// the default database file.
    pub fn from_env() -> Jobs {
        let data = std::env::var_os("GROUNDWORK_DATA_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("groundwork-data"));
        Jobs::new(data.join("jobs"))
    }

    /// The directory of job `id`'s files.
    pub fn dir_of(&self, id: i64) -> PathBuf {
        self.dir.join(id.to_string())
    }

    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Live>> {
        // A panic while holding this lock leaves a map that is still whole.
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The live state of job `id`, if it runs in this server.
    pub fn live(&self, id: i64) -> Option<Live> {
        self.table().get(&id).cloned()
    }

    /// Asks job `id` to stop; `false` when it does not run here.
    pub fn cancel(&self, id: i64) -> bool {
        self.live(id).map(|l| l.progress.cancel()).is_some()
    }
}

impl Live {
    fn new() -> Live {
        Live {
            progress: imports::Progress::default(),
            started: Instant::now(),
        }
    }

    /// Whether the job was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.progress.is_cancelled()
    }

    /// Completes once the job is asked to stop (checked five times a second), for work
    /// that cannot look at the switch itself.
    pub async fn cancelled(&self) {
        while !self.is_cancelled() {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The counters now; the estimate from the rate so far toward `total`.
    pub fn counters(&self, total: Option<i64>) -> Counters {
        let read = self.progress.rows_read();
        let elapsed = self.started.elapsed().as_secs_f64();
        let eta_seconds = total
            .and_then(|t| u64::try_from(t).ok())
            .filter(|&t| read > 0 && t >= read)
            .map(|t| (elapsed * (t - read) as f64 / read as f64).ceil() as u64);
        Counters {
            read,
            written: self.progress.rows_written(),
            eta_seconds,
        }
    }
}

/// Starts a job of `kind` (`label` in Chinese) for `owner`, expecting `total` rows if
/// known: writes its row, then runs `work` on a task of its own and writes how it ended.
/// Returns the job's id at once.
pub async fn start<W, F>(
    state: &AppState,
    kind: &str,
    label: &str,
    owner: &str,
    total: Option<i64>,
    work: W,
) -> Result<i64, AppError>
where
    W: FnOnce(Work) -> F + Send + 'static,
    F: Future<Output = End> + Send + 'static,
{
    let id = jobs::start(&state.db, kind, label, owner, total).await?;
    let live = Live::new();
    state.jobs.table().insert(id, live.clone());
    let dir = state.jobs.dir_of(id);
    let state = state.clone();
    tokio::spawn(async move {
        let end = match tokio::fs::create_dir_all(&dir).await {
            Ok(()) => {
                work(Work {
                    id,
                    live: live.clone(),
                    dir: dir.clone(),
                })
                .await
            }
            Err(e) => End::Failed(format!("无法创建任务目录：{e}")),
        };
        let ending = ending(end, &live, &dir);
        if !matches!(ending.state, JobState::Done) {
            let _ = tokio::fs::remove_dir_all(&dir).await;
        }
        if let Err(e) = jobs::finish(&state.db, id, &ending).await {
            tracing::error!("job {id} ended but its row could not be written: {e}");
        }
        state.jobs.table().remove(&id);
    });
    Ok(id)
}

/// The row's ending for `end`: a cancelled or failed job wrote nothing and keeps no file.
fn ending(end: End, live: &Live, dir: &std::path::Path) -> Ending {
    let read = i64::try_from(live.progress.rows_read()).unwrap_or(i64::MAX);
    let (state, written, summary, file) = match end {
        End::Done {
            summary,
            file,
            written,
        } => (
            JobState::Done,
            written,
            Some(summary),
            file.map(|f| dir.join(f).to_string_lossy().into_owned()),
        ),
        End::Failed(message) => (
            JobState::Failed,
            0,
            Some(serde_json::json!({ "error": message })),
            None,
        ),
        End::Cancelled => (JobState::Cancelled, 0, None, None),
    };
    Ending {
        state,
        rows_read: read,
        rows_written: i64::try_from(written).unwrap_or(i64::MAX),
        summary,
        result_file: file,
    }
}

/// What the server does with jobs when it starts, before serving: every job still queued
/// or running belongs to a server that is gone (its transaction was never committed), so
/// it is marked interrupted; then expired jobs are removed.
pub async fn recover(state: &AppState) {
    match jobs::interrupt_unfinished(&state.db).await {
        Ok(0) => {}
        Ok(n) => tracing::warn!("{n} job(s) interrupted by the last stop"),
        Err(e) => tracing::error!("unfinished jobs could not be marked interrupted: {e}"),
    }
    sweep(state).await;
}

/// Removes every expired job with its files.
pub async fn sweep(state: &AppState) {
    let expired = match jobs::expired(&state.db, chrono::Utc::now()).await {
        Ok(expired) => expired,
        Err(e) => {
            tracing::warn!("expired jobs not removed: {e}");
            return;
        }
    };
    for job in expired {
        let dir = state.jobs.dir_of(job.id);
        match tokio::fs::remove_dir_all(&dir).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                tracing::warn!("files of job {} not removed: {e}", job.id);
                continue;
            }
        }
        if let Err(e) = jobs::delete(&state.db, job.id).await {
            tracing::warn!("job {} not removed: {e}", job.id);
        }
    }
}

/// Removes expired jobs once an hour, for as long as the server runs.
pub(crate) async fn keep_sweeping(state: AppState) {
    let mut every = tokio::time::interval(SWEEP_EVERY);
    every.tick().await;
    loop {
        every.tick().await;
        sweep(&state).await;
    }
}
