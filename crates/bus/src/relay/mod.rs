//! The relay: committed events from the store's `$all` to JetStream.
//!
//! Contract:
//! - Nothing is lost: the relay reads the committed store from a durable
//!   checkpoint (`store.subscribe_all`) and saves the checkpoint only for
//!   events whose publish JetStream acknowledged. Commands never wait for it.
//! - Nothing is duplicated or reordered in a stream: every publish carries
//!   `Nats-Msg-Id` = event id and `Nats-Expected-Last-Sequence`, so a message
//!   lands only right after its predecessor. On (re)start the relay reads the
//!   last message of each context stream and skips events up to its
//!   `gongzhi-position`, i.e. it resumes from max(checkpoint, last position),
//!   which holds however long NATS was away (longer than the duplicate
//!   window included).
//! - Publishes are pipelined per batch (all sent, then all acks awaited).
//!   Any failure (NATS down, ack timeout, stream out of step) backs off,
//!   bounded exponentially up to `max_backoff`, and resumes from the
//!   checkpoint.
//! - One relay per context: two relays publishing to the same context
//!   stream would keep pushing each other out of step.
//! - On cancel it stops reading, awaits the acks of the batch in flight
//!   (each bounded by `ack_timeout`), saves the checkpoint and returns.

mod cursor;
mod error;

pub use cursor::{RELAY_HEADER, StreamCursor};
pub use error::{RelayError, RelayErrorKind};

use crate::backoff::Backoff;
use crate::cloudevents::Encoder;
use crate::topology::{BusTopology, DEFAULT_SOURCE_BASE};
use async_nats::jetstream::{self, context::PublishAckFuture, message::PublishMessage};
use futures::StreamExt;
use gongzhi_eventstore::{AllFilter, RecordedEvent, SharedEventStore, StoreError};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::time::Duration;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// Checkpoint name in the store, e.g. `relay-residents`.
    pub name: String,
    /// Which events of `$all` this relay publishes.
    pub filter: AllFilter,
    pub topology: BusTopology,
    /// `ce-source` is `<source_base>/<ctx>`.
    pub source_base: String,
    /// Contexts whose streams exist from start-up, before their first event;
    /// streams of other contexts are created when their first event comes.
    pub contexts: Vec<String>,
    pub batch_size: usize,
    pub ack_timeout: Duration,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
}

impl RelayConfig {
    pub fn new(name: impl Into<String>, filter: AllFilter) -> Self {
        Self {
            name: name.into(),
            filter,
            topology: BusTopology::default(),
            source_base: DEFAULT_SOURCE_BASE.to_owned(),
            contexts: Vec::new(),
            batch_size: 256,
            ack_timeout: Duration::from_secs(5),
            initial_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_secs(2),
        }
    }

    /// A relay for one bounded context: events whose type starts with
    /// `gongzhi.<ctx>.`, checkpoint `relay-<ctx>`.
    pub fn for_context(context: &str) -> Self {
        let mut config = Self::new(
            format!("relay-{context}"),
            AllFilter::everything().with_event_type_prefix(format!("gongzhi.{context}.")),
        );
        config.contexts.push(context.to_owned());
        config
    }

    fn validate(&self) -> Result<(), RelayError> {
        self.topology
            .validate()
            .map_err(|e| RelayError::InvalidConfig(e.to_string()))?;
        if self.name.is_empty() {
            return Err(RelayError::InvalidConfig(
                "relay name must not be empty".into(),
            ));
        }
        if self.batch_size == 0 {
            return Err(RelayError::InvalidConfig(
                "batch size must be at least 1".into(),
            ));
        }
        Ok(())
    }
}

pub struct Relay {
    store: SharedEventStore,
    jetstream: jetstream::Context,
    config: RelayConfig,
    encoder: Encoder,
    progress: watch::Sender<u64>,
}

/// One event of a batch after it was sent (or found already in its stream).
enum InFlight {
    AlreadyInStream {
        position: u64,
    },
    Sent {
        event_id: Uuid,
        position: u64,
        stream: String,
        expected_sequence: u64,
        ack: PublishAckFuture,
    },
}

impl Relay {
    pub fn new(
        store: SharedEventStore,
        jetstream: jetstream::Context,
        config: RelayConfig,
    ) -> Self {
        let encoder = Encoder {
            topology: config.topology.clone(),
            source_base: config.source_base.clone(),
        };
        let (progress, _) = watch::channel(0);
        Self {
            store,
            jetstream,
            config,
            encoder,
            progress,
        }
    }

    /// Store position of the last event known to be in JetStream; the relay
    /// lag is the store head minus this.
    pub fn progress(&self) -> watch::Receiver<u64> {
        self.progress.subscribe()
    }

    /// Relays until `shutdown` fires. Transient failures are logged and
    /// retried; only an invalid configuration returns an error.
    pub async fn run(self, shutdown: CancellationToken) -> Result<(), RelayError> {
        self.config.validate()?;
        let mut backoff = Backoff::new(self.config.initial_backoff, self.config.max_backoff);
        loop {
            match self.run_pass(&shutdown, &mut backoff).await {
                Ok(()) => return Ok(()),
                Err(error) if error.kind() == RelayErrorKind::InvalidConfig => return Err(error),
                Err(error) => {
                    tracing::warn!(
                        relay = %self.config.name,
                        kind = ?error.kind(),
                        error = %error,
                        "relay interrupted, resuming from its checkpoint"
                    );
                    if !backoff.wait(&shutdown).await {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// One pass: sync with the streams, then relay batches until cancelled
    /// (`Ok`) or something fails (`Err`).
    async fn run_pass(
        &self,
        shutdown: &CancellationToken,
        backoff: &mut Backoff,
    ) -> Result<(), RelayError> {
        // Start-up only reads, so it is abandoned at once on cancel.
        let (mut checkpoint, mut cursors) = tokio::select! {
            biased;
            () = shutdown.cancelled() => return Ok(()),
            started = self.start_pass() => started?,
        };
        tracing::info!(relay = %self.config.name, checkpoint, "relay started");

        let mut batches = self
            .store
            .subscribe_all(checkpoint, self.config.filter.clone())
            .ready_chunks(self.config.batch_size);
        loop {
            let next = tokio::select! {
                biased;
                () = shutdown.cancelled() => return Ok(()),
                next = batches.next() => next,
            };
            let batch = next.ok_or(RelayError::SubscriptionEnded)?;
            let (relayed_up_to, outcome) = self.relay_batch(batch, &mut cursors).await;
            if let Some(position) = relayed_up_to.filter(|p| *p > checkpoint) {
                self.store
                    .save_checkpoint(&self.config.name, position)
                    .await?;
                checkpoint = position;
                self.publish_progress(position);
            }
            outcome?;
            backoff.reset();
        }
    }

    /// Loads the checkpoint, ensures the streams and reads where each of
    /// the configured contexts' streams ends.
    async fn start_pass(&self) -> Result<(u64, HashMap<String, StreamCursor>), RelayError> {
        let checkpoint = self.store.load_checkpoint(&self.config.name).await?;
        self.publish_progress(checkpoint);
        self.config
            .topology
            .ensure_dlq_stream(&self.jetstream)
            .await?;
        let mut cursors = HashMap::new();
        for context in &self.config.contexts {
            let cursor = self.sync_cursor(context).await?;
            cursors.insert(context.clone(), cursor);
        }
        Ok((checkpoint, cursors))
    }

    /// Sends the batch, then awaits its acks in order. Returns the position
    /// up to which every event is in JetStream, and the first failure.
    async fn relay_batch(
        &self,
        batch: Vec<Result<RecordedEvent, StoreError>>,
        cursors: &mut HashMap<String, StreamCursor>,
    ) -> (Option<u64>, Result<(), RelayError>) {
        let mut in_flight = Vec::with_capacity(batch.len());
        let mut failure = None;
        for item in batch {
            match self.send(item, cursors).await {
                Ok(sent) => in_flight.push(sent),
                Err(error) => {
                    failure = Some(error);
                    break;
                }
            }
        }
        let mut relayed_up_to = None;
        for sent in in_flight {
            match self.confirm(sent).await {
                Ok(position) => relayed_up_to = Some(position),
                Err(error) => {
                    // Later acks are dropped: those publishes may still land,
                    // which the expected sequence keeps in order and the
                    // next pass sees in the stream's last message.
                    failure = Some(error);
                    break;
                }
            }
        }
        (relayed_up_to, failure.map_or(Ok(()), Err))
    }

    async fn send(
        &self,
        item: Result<RecordedEvent, StoreError>,
        cursors: &mut HashMap<String, StreamCursor>,
    ) -> Result<InFlight, RelayError> {
        let event = item?;
        let cursor = match cursors.entry(event.context().to_owned()) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(new) => {
                let cursor = self.sync_cursor(new.key()).await?;
                new.insert(cursor)
            }
        };
        if event.position <= cursor.last_position {
            return Ok(InFlight::AlreadyInStream {
                position: event.position,
            });
        }
        let (subject, mut headers, payload) = self.encoder.encode(&event);
        headers.insert(
            RELAY_HEADER,
            crate::cloudevents::header_value(&self.config.name),
        );
        let publish = PublishMessage::build()
            .headers(headers)
            .payload(payload)
            .expected_last_sequence(cursor.last_sequence);
        let ack = self
            .jetstream
            .send_publish(subject, publish)
            .await
            .map_err(|e| RelayError::Publish {
                event_id: event.event_id,
                position: event.position,
                reason: e.to_string(),
            })?;
        let expected_sequence = cursor.last_sequence + 1;
        cursor.last_sequence = expected_sequence;
        cursor.last_position = event.position;
        Ok(InFlight::Sent {
            event_id: event.event_id,
            position: event.position,
            stream: cursor.stream.clone(),
            expected_sequence,
            ack,
        })
    }

    /// Awaits one ack (bounded) and checks it landed where expected.
    async fn confirm(&self, sent: InFlight) -> Result<u64, RelayError> {
        let (event_id, position, stream, expected_sequence, ack) = match sent {
            InFlight::AlreadyInStream { position } => return Ok(position),
            InFlight::Sent {
                event_id,
                position,
                stream,
                expected_sequence,
                ack,
            } => (event_id, position, stream, expected_sequence, ack),
        };
        let timeout = self.config.ack_timeout;
        let ack = tokio::time::timeout(timeout, ack)
            .await
            .map_err(|_| RelayError::AckTimeout {
                event_id,
                position,
                timeout,
            })?
            .map_err(|e| RelayError::Publish {
                event_id,
                position,
                reason: e.to_string(),
            })?;
        if ack.duplicate || ack.sequence != expected_sequence {
            return Err(RelayError::OutOfStep {
                stream,
                position,
                sequence: ack.sequence,
                expected: expected_sequence,
                duplicate: ack.duplicate,
            });
        }
        Ok(position)
    }

    async fn sync_cursor(&self, context: &str) -> Result<StreamCursor, RelayError> {
        let cursor = StreamCursor::sync(
            &self.jetstream,
            &self.config.topology,
            context,
            &self.config.name,
        )
        .await?;
        tracing::debug!(
            relay = %self.config.name,
            stream = %cursor.stream,
            last_sequence = cursor.last_sequence,
            last_position = cursor.last_position,
            "synced with stream"
        );
        Ok(cursor)
    }

    fn publish_progress(&self, position: u64) {
        self.progress.send_if_modified(|current| {
            let advanced = position > *current;
            if advanced {
                *current = position;
            }
            advanced
        });
    }
}
