//! The worker `groundwork serve` runs beside the pages: it takes due messages from the
//! outbox one at a time, hands each to its channel, records the try, and on start (and
//! every so often) settles messages a dead worker left `sending`.
//!
//! Each message is claimed and the claim committed before it is sent, and the outcome
//! recorded after: a worker stopped in between leaves the message `sending`, and
//! [`Worker::recover`] then asks the provider by the message's key (SMS) or, where the
//! provider cannot be asked, fails it for a person to check. So a message is never sent
//! twice by the worker on its own. Shutdown waits for the message in hand to be recorded.

use crate::deliver::{Channels, Outcome};
use crate::schedule::Schedule;
use chrono::Utc;
use domain::platform::notify::{Backoff, Channel};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use store::Db;
use store::error::StoreResult;
use store::platform::notify::delivery::{self, Answer, Claim, Claimed};

/// The outbox's worker.
pub struct Worker {
    db: Db,
    channels: Channels,
    /// When failed tries are tried again.
    pub backoff: Backoff,
    /// How long a claim is trusted: a message `sending` for longer belongs to a worker
    /// that died (longer than any provider's timeout, so a live worker's is never taken).
    pub lease: Duration,
    /// How often the outbox is looked at when it is empty.
    pub poll: Duration,
    /// The daily report and digest it queues on its own.
    pub schedule: Schedule,
    intervals: HashMap<Channel, Duration>,
    last: HashMap<Channel, Instant>,
}

impl Worker {
    /// A worker with the default back-off, a two-minute lease, a two-second poll, and the
    /// providers' rate limits: a group robot takes at most 20 messages a minute; SMS and
    /// email are kept to a steady pace.
    pub fn new(db: Db, channels: Channels) -> Worker {
        let intervals = HashMap::from([
            (Channel::DingTalk, Duration::from_secs(3)),
            (Channel::WeCom, Duration::from_secs(3)),
            (Channel::Sms, Duration::from_millis(200)),
            (Channel::Email, Duration::from_millis(500)),
        ]);
        Worker {
            db,
            channels,
            backoff: Backoff::default(),
            lease: Duration::from_secs(120),
            poll: Duration::from_secs(2),
            schedule: Schedule::default(),
            intervals,
            last: HashMap::new(),
        }
    }

    /// Sets the least time between two sends on `channel`.
    pub fn rate(mut self, channel: Channel, every: Duration) -> Worker {
        self.intervals.insert(channel, every);
        self
    }

    /// Channels whose rate limit allows a send now.
    fn ready(&self) -> Vec<Channel> {
        Channel::ALL
            .iter()
            .copied()
            .filter(|c| match (self.last.get(c), self.intervals.get(c)) {
                (Some(last), Some(every)) => last.elapsed() >= *every,
                _ => true,
            })
            .collect()
    }

    /// Settles the messages a dead worker left `sending`; returns how many.
    pub async fn recover(&self) -> StoreResult<usize> {
        let lease = chrono::Duration::from_std(self.lease).unwrap_or_default();
        let stale = delivery::stale(&self.db, Utc::now() - lease).await?;
        let mut settled = 0;
        for m in stale {
            match self.channels.find(&m).await {
                Ok(found) => {
                    let (delivered, id) = match found {
                        Some((yes, id)) => (Some(yes), id),
                        None => (None, String::new()),
                    };
                    let to = delivery::resolve_stale(&self.db, m.id, delivered, &id).await?;
                    tracing::warn!(
                        id = m.id,
                        channel = m.channel.code(),
                        state = to.code(),
                        "interrupted notification settled"
                    );
                    settled += 1;
                }
                Err(e) => tracing::warn!(id = m.id, "cannot ask the provider yet: {e}"),
            }
        }
        Ok(settled)
    }

    /// Claims the next due message and hands it over, without recording the outcome: the
    /// first half of [`Worker::step`] (tests stop here to play a crash).
    pub async fn claim_and_send(&mut self) -> StoreResult<Option<(Claimed, Outcome)>> {
        let claimed = match delivery::claim_next(&self.db, Utc::now(), &self.ready()).await? {
            None => return Ok(None),
            Some(Claim::Skipped(id)) => {
                tracing::info!(id, "notification skipped: recipient opted out");
                return Box::pin(self.claim_and_send()).await;
            }
            Some(Claim::Send(c)) => *c,
        };
        self.last.insert(claimed.message.channel, Instant::now());
        let outcome = self.channels.deliver(&self.db, &claimed.message).await;
        Ok(Some((claimed, outcome)))
    }

    /// Records how a try ended.
    pub async fn record(&self, claimed: &Claimed, outcome: Outcome) -> StoreResult<()> {
        let m = &claimed.message;
        match outcome {
            Outcome::Delivered {
                provider_id,
                status,
                excerpt,
            } => {
                let answer = Answer {
                    status,
                    excerpt,
                    provider_id,
                };
                delivery::record_sent(&self.db, claimed, &answer).await?;
                tracing::info!(id = m.id, channel = m.channel.code(), "notification sent");
            }
            Outcome::Failed {
                permanent,
                status,
                excerpt,
                reason,
            } => {
                let answer = Answer {
                    status,
                    excerpt,
                    provider_id: String::new(),
                };
                let to = delivery::record_failure(
                    &self.db,
                    claimed,
                    &answer,
                    &reason,
                    permanent,
                    &self.backoff,
                    Utc::now(),
                )
                .await?;
                tracing::warn!(
                    id = m.id,
                    channel = m.channel.code(),
                    state = to.code(),
                    "notification try failed: {reason}"
                );
            }
        }
        Ok(())
    }

    /// Sends and records one due message; false when none was due.
    pub async fn step(&mut self) -> StoreResult<bool> {
        match self.claim_and_send().await? {
            Some((claimed, outcome)) => {
                self.record(&claimed, outcome).await?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Runs until `shutdown` completes: settles interrupted messages, queues the daily
    /// jobs that are due (every 30 s), then sends what is due, looking again every `poll`
    /// (and settling again every minute). A message in
    /// hand when shutdown comes is finished and recorded first.
    pub async fn run_until(mut self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut last_recovery: Option<Instant> = None;
        let mut last_schedule: Option<Instant> = None;
        loop {
            if last_schedule.is_none_or(|t| t.elapsed() >= Duration::from_secs(30)) {
                if let Err(e) = self.schedule.run_due(&self.db, Utc::now()).await {
                    tracing::error!("scheduled notifications: {e}");
                }
                last_schedule = Some(Instant::now());
            }
            if last_recovery.is_none_or(|t| t.elapsed() >= Duration::from_secs(60)) {
                if let Err(e) = self.recover().await {
                    tracing::error!("notification recovery failed: {e}");
                }
                last_recovery = Some(Instant::now());
            }
            let busy = match self.step().await {
                Ok(busy) => busy,
                Err(e) => {
                    tracing::error!("notification worker: {e}");
                    false
                }
            };
            let pause = if busy { Duration::ZERO } else { self.poll };
            tokio::select! {
                () = &mut shutdown => break,
                () = tokio::time::sleep(pause) => {}
            }
        }
        tracing::info!("notification worker stopped");
    }
}
