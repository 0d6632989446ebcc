//! In-process delivery for the embedded mode (`gongzhi dev`, no NATS): the
//! same [`EventHandler`]s, fed straight from the store's `$all`.
//!
//! Contract:
//! - Reads with `subscribe_all` from the durable checkpoint
//!   `deliver-<name>` and saves it after each event the handler accepted
//!   (or gave up on), so a restart resumes where it stopped; events reach
//!   the handler in position order.
//! - A retryable failure is retried with the configured delays; after
//!   `max_attempts`, or on a permanent failure, the event is logged at error
//!   level with its id, counted as dead-lettered, and skipped.
//! - On cancel it returns between events or during a retry wait, without
//!   moving the checkpoint past an event it did not finish. Store failures
//!   are logged and retried with bounded backoff.

use crate::backoff::{Backoff, retry_delay};
use crate::handler::{ConsumerStats, EventHandler};
use futures::StreamExt;
use gongzhi_eventstore::{AllFilter, RecordedEvent, SharedEventStore, StoreError};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

pub struct InProcessDelivery {
    store: SharedEventStore,
    handler: Arc<dyn EventHandler>,
    name: String,
    filter: AllFilter,
    max_attempts: u32,
    retry_delays: Vec<Duration>,
    max_backoff: Duration,
    stats: ConsumerStats,
    progress: watch::Sender<u64>,
}

/// What became of one event.
enum Outcome {
    Done,
    Cancelled,
}

/// Why a pass ended without a store error.
enum PassEnd {
    Cancelled,
    SubscriptionEnded,
}

impl InProcessDelivery {
    /// Defaults match the JetStream consumer: 5 attempts, 1 s / 5 s / 30 s.
    pub fn new(
        store: SharedEventStore,
        handler: Arc<dyn EventHandler>,
        name: impl Into<String>,
        filter: AllFilter,
    ) -> Self {
        let (progress, _) = watch::channel(0);
        Self {
            store,
            handler,
            name: name.into(),
            filter,
            max_attempts: 5,
            retry_delays: vec![
                Duration::from_secs(1),
                Duration::from_secs(5),
                Duration::from_secs(30),
            ],
            max_backoff: Duration::from_secs(2),
            stats: ConsumerStats::default(),
            progress,
        }
    }

    pub fn with_retries(mut self, max_attempts: u32, retry_delays: Vec<Duration>) -> Self {
        self.max_attempts = max_attempts.max(1);
        self.retry_delays = retry_delays;
        self
    }

    pub fn checkpoint_name(&self) -> String {
        format!("deliver-{}", self.name)
    }

    pub fn stats(&self) -> ConsumerStats {
        self.stats.clone()
    }

    /// Position of the last event handled (or given up on).
    pub fn progress(&self) -> watch::Receiver<u64> {
        self.progress.subscribe()
    }

    pub async fn run(self, shutdown: CancellationToken) {
        let mut backoff = Backoff::new(Duration::from_millis(50), self.max_backoff);
        loop {
            match self.run_pass(&shutdown, &mut backoff).await {
                Ok(PassEnd::Cancelled) => return,
                Ok(PassEnd::SubscriptionEnded) => {
                    tracing::warn!(delivery = %self.name, "store subscription ended, resuming from the checkpoint");
                    if !backoff.wait(&shutdown).await {
                        return;
                    }
                }
                Err(error) => {
                    tracing::warn!(delivery = %self.name, error = %error, "in-process delivery interrupted, resuming from its checkpoint");
                    if !backoff.wait(&shutdown).await {
                        return;
                    }
                }
            }
        }
    }

    async fn run_pass(
        &self,
        shutdown: &CancellationToken,
        backoff: &mut Backoff,
    ) -> Result<PassEnd, StoreError> {
        let checkpoint_name = self.checkpoint_name();
        let checkpoint = self.store.load_checkpoint(&checkpoint_name).await?;
        self.progress.send_replace(checkpoint);
        let mut events = self.store.subscribe_all(checkpoint, self.filter.clone());
        loop {
            let next = tokio::select! {
                biased;
                () = shutdown.cancelled() => return Ok(PassEnd::Cancelled),
                next = events.next() => next,
            };
            let Some(event) = next else {
                return Ok(PassEnd::SubscriptionEnded);
            };
            let event = event?;
            match self.deliver(&event, shutdown).await {
                Outcome::Cancelled => return Ok(PassEnd::Cancelled),
                Outcome::Done => {
                    self.store
                        .save_checkpoint(&checkpoint_name, event.position)
                        .await?;
                    self.progress.send_replace(event.position);
                    backoff.reset();
                }
            }
        }
    }

    async fn deliver(&self, event: &RecordedEvent, shutdown: &CancellationToken) -> Outcome {
        let mut attempt = 1;
        loop {
            let span = tracing::info_span!(
                "handle_event",
                delivery = %self.name,
                event_id = %event.event_id,
                event_type = %event.event_type,
                position = event.position,
                attempt,
            );
            let error = match self.handler.handle(event).instrument(span).await {
                Ok(()) => {
                    self.stats.count_handled();
                    return Outcome::Done;
                }
                Err(error) => error,
            };
            let give_up = !error.is_retryable() || attempt >= self.max_attempts;
            let recorded = if give_up {
                self.handler.dead_lettered(event).await
            } else {
                Ok(())
            };
            if let Err(not_recorded) = &recorded {
                tracing::warn!(delivery = %self.name, event_id = %event.event_id, error = %not_recorded, "could not record the dead letter, will retry");
            }
            if give_up && recorded.is_ok() {
                self.stats.count_dead_letter();
                tracing::error!(
                    delivery = %self.name,
                    handler = %self.handler.name(),
                    event_id = %event.event_id,
                    position = event.position,
                    attempts = attempt,
                    error = %error,
                    "event dead-lettered"
                );
                return Outcome::Done;
            }
            let delay = retry_delay(&self.retry_delays, attempt);
            tracing::warn!(delivery = %self.name, event_id = %event.event_id, attempt, retry_in = ?delay, error = %error, "handler failed, will retry");
            tokio::select! {
                () = shutdown.cancelled() => return Outcome::Cancelled,
                () = tokio::time::sleep(delay) => {}
            }
            attempt += 1;
            self.stats.count_redelivery();
        }
    }
}
