//! Figures computed from the records that many readers ask for and few changes move: the
//! union dashboard, a township's page, the ranking and its circular. Each is computed once
//! per state of the records and shared by every request until a change commits.
//!
//! The state of the records is the audit log's head (every change writes an entry in
//! its own transaction, whichever process made it, so one indexed read tells whether
//! anything changed) together with today's date (the default report year follows the
//! calendar). A reading takes that stamp first and only then computes, so a figure kept
//! under a stamp is never older than the records the stamp names: a change committed
//! after the stamp moves the head, and the next request computes afresh. When the stamp
//! moves every kept figure is dropped at once, so memory holds one state's figures.
//!
//! One request computes a missing figure; the others asking for it at the same moment
//! wait for that result instead of all reading the database at once.

use chrono::NaiveDate;
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use store::Db;
use store::error::StoreResult;
use tokio::sync::OnceCell;

/// A figure once computed, shared by the requests that read it.
type Kept = Arc<dyn Any + Send + Sync>;

/// What a stamp's figures are kept under: the figure's type and its key (year, scope …).
type Slot = (TypeId, String);

/// The state of the records figures are computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Stamp {
    /// The audit log's last sequence number (0 while it is empty).
    head: i64,
    /// Today in Asia/Shanghai.
    today: NaiveDate,
}

#[derive(Default)]
struct Store {
    stamp: Option<Stamp>,
    cells: HashMap<Slot, Arc<OnceCell<Kept>>>,
}

/// The application's kept figures (one per application state).
#[derive(Default)]
pub struct Figures {
    kept: Mutex<Store>,
}

impl Figures {
    fn kept(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock leaves only a cache behind: keep using it.
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the records' stamp now; figures read through the answer are those of this
    /// state of the records or a newer one.
    pub async fn read(&self, db: &Db) -> StoreResult<Reading<'_>> {
        let head = store::audit::anchor(db).await?.map_or(0, |a| a.sequence);
        Ok(Reading {
            figures: self,
            stamp: Stamp {
                head,
                today: domain::platform::time::today_local(),
            },
        })
    }
}

/// The figures of one state of the records, as one request reads them.
pub struct Reading<'a> {
    figures: &'a Figures,
    stamp: Stamp,
}

impl Reading<'_> {
    /// The figure of type `T` kept under `key` for this state of the records, computed by
    /// `compute` if no request has yet. A failed computation keeps nothing.
    pub async fn get<T, E, F, Fut>(&self, key: impl Into<String>, compute: F) -> Result<Arc<T>, E>
    where
        T: Any + Send + Sync,
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let slot = (TypeId::of::<T>(), key.into());
        let cell = {
            let mut kept = self.figures.kept();
            if kept.stamp.is_none_or(|s| s < self.stamp) {
                kept.stamp = Some(self.stamp);
                kept.cells.clear();
            }
            (kept.stamp == Some(self.stamp)).then(|| kept.cells.entry(slot).or_default().clone())
        };
        let Some(cell) = cell else {
            // A newer state is already kept: this older reading computes for itself.
            return compute().await.map(Arc::new);
        };
        let figure = cell
            .get_or_try_init(|| async { Ok::<Kept, E>(Arc::new(compute().await?)) })
            .await?
            .clone();
        match figure.downcast::<T>() {
            Ok(t) => Ok(t),
            // The slot is keyed by the type, so this cannot happen; were it to, the
            // figure is computed afresh rather than served wrong.
            Err(_) => compute().await.map(Arc::new),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn reading(figures: &Figures, head: i64) -> Reading<'_> {
        Reading {
            figures,
            stamp: Stamp {
                head,
                today: NaiveDate::from_ymd_opt(2026, 12, 7).expect("date"),
            },
        }
    }

    #[tokio::test]
    async fn a_figure_is_computed_once_per_state_and_again_when_the_head_moves() {
        let figures = Figures::default();
        let runs = AtomicUsize::new(0);
        let compute = || async { Ok::<usize, ()>(runs.fetch_add(1, Ordering::SeqCst) + 1) };
        let first = reading(&figures, 5).get("x", compute).await.expect("first");
        let again = reading(&figures, 5).get("x", compute).await.expect("again");
        assert_eq!((*first, *again), (1, 1));
        let other_key = reading(&figures, 5).get("y", compute).await.expect("y");
        assert_eq!(*other_key, 2);
        let moved = reading(&figures, 6).get("x", compute).await.expect("moved");
        assert_eq!(*moved, 3);
        // A reading of the older state, finishing late, neither reuses nor replaces it.
        let late = reading(&figures, 5).get("x", compute).await.expect("late");
        assert_eq!(*late, 4);
        let newest = reading(&figures, 6)
            .get("x", compute)
            .await
            .expect("newest");
        assert_eq!(*newest, 3);
    }

    #[tokio::test]
    async fn a_failed_computation_keeps_nothing() {
        let figures = Figures::default();
        let failed: Result<Arc<u8>, &str> = reading(&figures, 1)
            .get("x", || async { Err("down") })
            .await;
        assert_eq!(failed.err(), Some("down"));
        let ok = reading(&figures, 1)
            .get("x", || async { Ok::<u8, &str>(7) })
            .await
            .expect("ok");
        assert_eq!(*ok, 7);
    }

    #[tokio::test]
    async fn the_same_key_of_another_type_is_another_figure() {
        let figures = Figures::default();
        let r = reading(&figures, 1);
        let n = r
            .get("k", || async { Ok::<u32, ()>(1) })
            .await
            .expect("u32");
        let s = r
            .get("k", || async { Ok::<String, ()>("一".into()) })
            .await
            .expect("string");
        assert_eq!((*n, s.as_str()), (1, "一"));
    }
}
