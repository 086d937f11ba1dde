//! The outbox delivered to local stand-ins of every provider, on whichever database
//! `GROUNDWORK_TEST_DB` names (SQLite by default).

mod fakes;
mod outbox;
mod schedule;
mod starttls;

use domain::platform::notify::{Backoff, Channel, IdempotencyKey};
use notify::{Channels, Worker};
use std::time::Duration;
use store::Db;
use store::platform::notify::{self as ob, NewMessage};

/// A fresh database and the directory that holds it (SQLite).
pub async fn fresh() -> (Db, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let db = store::testing::fresh_db(dir.path()).await.unwrap();
    (db, dir)
}

/// Queues a text message in its own transaction, as a page's change would.
pub async fn queue(db: &Db, channel: Channel, to: &str, text: &str, key: &str) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let m = NewMessage::text(channel, to, text, IdempotencyKey::derived(&[key]));
    let q = ob::enqueue(&mut tx, "tester", &m).await.unwrap();
    tx.commit().await.unwrap();
    q.id
}

/// A worker with no rate limits, an immediate retry and no lease (tests play crashes).
pub fn worker(db: &Db, fakes: &fakes::Fakes) -> Worker {
    worker_with(db, fakes.settings())
}

/// The same worker with other settings.
pub fn worker_with(db: &Db, settings: notify::Settings) -> Worker {
    let mut w = Worker::new(db.clone(), Channels::new(settings));
    for c in Channel::ALL {
        w = w.rate(*c, Duration::ZERO);
    }
    w.backoff = Backoff {
        base: Duration::ZERO,
        cap: Duration::ZERO,
        max_attempts: 3,
    };
    w.lease = Duration::ZERO;
    w.poll = Duration::from_millis(50);
    w
}

/// Sends everything due.
pub async fn drain(w: &mut Worker) {
    while w.step().await.unwrap() {}
}

/// The audit chain and every audited record still agree.
pub async fn audit_holds(db: &Db) {
    let v = store::audit::verify(db, &store::audited()).await.unwrap();
    assert!(v.problem.is_none(), "{:?}", v.problem);
}
