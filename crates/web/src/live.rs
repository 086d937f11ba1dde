//! What keeps the wall live and cheap: the channel every change of a project's progress
//! is announced on, and a short-lived snapshot of each project's wall. Its own module
//! (not a page's) because the application state holds it and pages only use it; the
//! JSON shape of the wall stays with the wall page, which hands it in.
//!
//! Many screens (and the JSON API) read the same wall, while it changes only when a
//! milestone, an assignment or a visit is recorded. So the wall read from the counters is
//! kept for at most [`FRESH_FOR`]; every change in this process drops it at once (and
//! wakes the server-sent-event streams), so a screen shows a change within a second, and
//! a change made by another process (an import from the command line) within
//! [`FRESH_FOR`]. One reader recomputes at a time; the others wait for its result rather
//! than all reading the counters at once.

use axum::body::Bytes;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};
use store::Db;
use store::error::StoreResult;
use store::relocation::projects::Project;
use store::relocation::wall::{self, Wall};
use tokio::sync::{broadcast, watch};

/// How long a snapshot is served without re-reading the counters.
pub const FRESH_FOR: Duration = Duration::from_secs(1);

/// A project's wall as read from the counters, with its serialisations made once.
pub struct Snapshot {
    /// The figures.
    pub wall: Wall,
    api: OnceLock<Bytes>,
    event: OnceLock<String>,
}

impl Snapshot {
    /// The JSON API body, made by `render` the first time it is asked for.
    pub fn api_json(&self, render: impl FnOnce(&Wall) -> String) -> Bytes {
        self.api
            .get_or_init(|| Bytes::from(render(&self.wall)))
            .clone()
    }

    /// The server-sent event's data (made by `render` once, shared by every screen).
    pub fn event_json(&self, render: impl FnOnce(&Wall) -> String) -> &str {
        self.event.get_or_init(|| render(&self.wall))
    }
}

#[derive(Default)]
struct Entry {
    /// Bumped by every change, so a read that started before it is not kept.
    generation: u64,
    snapshot: Option<(Instant, Arc<Snapshot>)>,
    recompute: Arc<tokio::sync::Mutex<()>>,
}

/// The live wall's shared state (one per application).
pub struct LiveWall {
    events: broadcast::Sender<i64>,
    entries: Mutex<HashMap<i64, Entry>>,
    /// Set when the server shuts down: every server-sent-event stream ends, so its
    /// connection closes and the shutdown does not wait on screens that never hang up.
    closing: watch::Sender<bool>,
}

impl Default for LiveWall {
    fn default() -> Self {
        LiveWall {
            events: broadcast::channel(256).0,
            entries: Mutex::new(HashMap::new()),
            closing: watch::channel(false).0,
        }
    }
}

impl LiveWall {
    fn entries(&self) -> MutexGuard<'_, HashMap<i64, Entry>> {
        // A panic while holding the lock leaves only a cache behind: keep using it.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Ends every live stream: the server is shutting down.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Completes when [`LiveWall::close`] is called (at once if it was already).
    pub fn closed(&self) -> impl Future<Output = ()> + Send + use<> {
        let mut rx = self.closing.subscribe();
        async move {
            // An error means the sender is gone with the application: closed too.
            let _ = rx.wait_for(|closing| *closing).await;
        }
    }

    /// A receiver of the ids of projects whose progress changed.
    pub fn subscribe(&self) -> broadcast::Receiver<i64> {
        self.events.subscribe()
    }

    /// Announces that a project's figures changed: its snapshot is dropped and every
    /// connected screen re-reads it.
    pub fn changed(&self, project_id: i64) {
        {
            let mut entries = self.entries();
            let e = entries.entry(project_id).or_default();
            e.generation = e.generation.wrapping_add(1);
            e.snapshot = None;
        }
        // No screen connected is not an error.
        let _ = self.events.send(project_id);
    }

    fn fresh(&self, project_id: i64) -> Result<Arc<Snapshot>, (u64, Arc<tokio::sync::Mutex<()>>)> {
        let mut entries = self.entries();
        let e = entries.entry(project_id).or_default();
        match &e.snapshot {
            Some((at, s)) if at.elapsed() < FRESH_FOR => Ok(Arc::clone(s)),
            _ => Err((e.generation, Arc::clone(&e.recompute))),
        }
    }

    /// The project's wall: the snapshot if fresh, else read from the counters now.
    pub async fn snapshot(&self, db: &Db, project: &Project) -> StoreResult<Arc<Snapshot>> {
        let lock = match self.fresh(project.id) {
            Ok(s) => return Ok(s),
            Err((_, lock)) => lock,
        };
        let _turn = lock.lock().await;
        let generation = match self.fresh(project.id) {
            Ok(s) => return Ok(s),
            Err((generation, _)) => generation,
        };
        let w = wall::wall(db, project, domain::platform::time::today_local()).await?;
        let s = Arc::new(Snapshot {
            wall: w,
            api: OnceLock::new(),
            event: OnceLock::new(),
        });
        let mut entries = self.entries();
        let e = entries.entry(project.id).or_default();
        if e.generation == generation {
            e.snapshot = Some((Instant::now(), Arc::clone(&s)));
        }
        Ok(s)
    }
}
