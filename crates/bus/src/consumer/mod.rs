//! Durable pull consumer runtime.
//!
//! Contract:
//! - The durable consumer (explicit ack) is created or updated at start and
//!   messages are pulled in batches with long polling, never busy polling.
//! - Each message is decoded with [`crate::cloudevents::decode`] and given to
//!   the [`EventHandler`]. Success: acked (double ack, so the server has it
//!   before the next event). Retryable failure: nak with delay
//!   `backoff[delivered-1]`. After `max_deliver` attempts, on a permanent
//!   failure, or when the message cannot be decoded: the handler of a
//!   decoded event is told ([`EventHandler::dead_lettered`]; if that fails,
//!   nak and retry), and the original message goes to `<dlq_prefix>.<durable>` with the reason headers (JetStream
//!   publish, ack awaited), then the original is terminated. If the dead
//!   letter cannot be published the message is nak'd and dead-lettered on
//!   its next delivery.
//! - Messages of a pull that have already arrived are handed over together
//!   ([`EventHandler::handle_batch`], a projection applies them in one
//!   transaction) and acked after it succeeded; a redelivery, an
//!   undecodable message or a failed batch goes the one-by-one way above.
//! - While a handler works past half of `ack_wait`, progress is signalled so
//!   the server does not redeliver under it.
//! - On cancel it stops fetching, lets the handler in flight finish and
//!   acks it, then returns. NATS failures are logged and retried with
//!   bounded backoff; only an invalid configuration returns an error.

mod config;
mod dead_letter;

pub use config::ConsumerConfig;
pub use dead_letter::{
    DLQ_CONSUMER, DLQ_DELIVERIES, DLQ_ORIGINAL_SUBJECT, DLQ_REASON, DeadLetterOrigin,
    dead_letter_headers,
};

use crate::backoff::{Backoff, retry_delay};
use crate::cloudevents;
use crate::handler::{ConsumerStats, EventHandler, HandlerError};
use async_nats::jetstream::{self, AckKind, consumer::PullConsumer};
use futures::{FutureExt, StreamExt};
use gongzhi_kernel::RecordedEvent;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

const MIN_PROGRESS_INTERVAL: Duration = Duration::from_millis(100);
const DEAD_LETTER_ACK_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum ConsumerError {
    #[error("invalid consumer configuration: {0}")]
    InvalidConfig(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsumerErrorKind {
    InvalidConfig,
}

impl ConsumerError {
    pub fn kind(&self) -> ConsumerErrorKind {
        match self {
            Self::InvalidConfig(_) => ConsumerErrorKind::InvalidConfig,
        }
    }
}

pub struct Consumer {
    jetstream: jetstream::Context,
    config: ConsumerConfig,
    handler: Arc<dyn EventHandler>,
    stats: ConsumerStats,
}

impl Consumer {
    pub fn new(
        jetstream: jetstream::Context,
        config: ConsumerConfig,
        handler: Arc<dyn EventHandler>,
    ) -> Self {
        Self {
            jetstream,
            config,
            handler,
            stats: ConsumerStats::default(),
        }
    }

    /// Counters shared with this consumer while it runs.
    pub fn stats(&self) -> ConsumerStats {
        self.stats.clone()
    }

    pub async fn run(self, shutdown: CancellationToken) -> Result<(), ConsumerError> {
        self.config
            .validate()
            .map_err(ConsumerError::InvalidConfig)?;
        let mut backoff =
            Backoff::new(Duration::from_millis(50), self.config.max_reconnect_backoff);
        loop {
            let created = tokio::select! {
                biased;
                () = shutdown.cancelled() => return Ok(()),
                created = self.create_consumer() => created,
            };
            let consumer = match created {
                Ok(consumer) => consumer,
                Err(error) => {
                    tracing::warn!(consumer = %self.config.durable_name, error = %error, "failed to create the durable consumer, retrying");
                    if !backoff.wait(&shutdown).await {
                        return Ok(());
                    }
                    continue;
                }
            };
            if let Err(error) = self.consume(&consumer, &shutdown, &mut backoff).await {
                tracing::warn!(consumer = %self.config.durable_name, error = %error, "pulling messages failed, retrying");
            }
            if shutdown.is_cancelled() || !backoff.wait(&shutdown).await {
                return Ok(());
            }
        }
    }

    async fn create_consumer(&self) -> Result<PullConsumer, jetstream::stream::ConsumerError> {
        self.jetstream
            .create_consumer_on_stream(self.config.pull_config(), &self.config.stream_name)
            .await
    }

    /// Pulls and handles until cancelled (`Ok`) or a pull fails (`Err`).
    async fn consume(
        &self,
        consumer: &PullConsumer,
        shutdown: &CancellationToken,
        backoff: &mut Backoff,
    ) -> Result<(), async_nats::Error> {
        loop {
            let request = consumer
                .batch()
                .max_messages(self.config.fetch_batch)
                .expires(self.config.fetch_expires)
                .messages();
            let mut batch = tokio::select! {
                biased;
                () = shutdown.cancelled() => return Ok(()),
                batch = request => batch?,
            };
            loop {
                let next = tokio::select! {
                    biased;
                    () = shutdown.cancelled() => return Ok(()),
                    next = batch.next() => next,
                };
                let Some(message) = next else { break };
                // Whatever else of the batch has already arrived is handled
                // with it, so a busy stream is applied in groups (one commit
                // each) and an idle one without waiting.
                let mut group = vec![message?];
                let mut ended = false;
                while group.len() < self.config.fetch_batch {
                    match batch.next().now_or_never() {
                        Some(Some(message)) => group.push(message?),
                        Some(None) => {
                            ended = true;
                            break;
                        }
                        None => break,
                    }
                }
                // Not raced against shutdown: the handlers in flight finish.
                self.process_group(group).await;
                backoff.reset();
                if ended {
                    break;
                }
            }
        }
    }

    /// First deliveries that all decode go to the handler as one batch and
    /// are acked together once it succeeded. Anything else (a redelivery,
    /// an undecodable message, a handler without batches, a failed batch)
    /// takes the one-by-one path with its retries and dead letters.
    async fn process_group(&self, group: Vec<jetstream::Message>) {
        if group.len() > 1 && self.handle_as_batch(&group).await {
            return;
        }
        for message in group {
            self.process(message).await;
        }
    }

    async fn handle_as_batch(&self, group: &[jetstream::Message]) -> bool {
        let mut events = Vec::with_capacity(group.len());
        for message in group {
            let first = message.info().is_ok_and(|info| info.delivered == 1);
            match cloudevents::decode(&message.message) {
                Ok(event) if first => events.push(event),
                _ => return false,
            }
        }
        match self.handler.handle_batch(&events).await {
            Some(Ok(())) => {}
            Some(Err(error)) => {
                tracing::debug!(consumer = %self.config.durable_name, error = %error, "batch failed, handling one by one");
                return false;
            }
            None => return false,
        }
        if let Some(Ok(info)) = group.last().map(jetstream::Message::info) {
            self.stats.set_pending(info.pending);
        }
        let acks = group.iter().map(|message| async move {
            if let Err(error) = message.double_ack().await {
                tracing::warn!(consumer = %self.config.durable_name, error = %error, "failed to ack, the event will be redelivered");
            }
        });
        futures::future::join_all(acks).await;
        for _ in group {
            self.stats.count_handled();
        }
        true
    }

    async fn process(&self, message: jetstream::Message) {
        let (delivered, stream, stream_sequence) = match message.info() {
            Ok(info) => {
                self.stats.set_pending(info.pending);
                (
                    u32::try_from(info.delivered).unwrap_or(u32::MAX),
                    info.stream.to_owned(),
                    info.stream_sequence,
                )
            }
            // A reply subject that does not parse: treat it as a first
            // delivery of an unknown sequence, still dead-letterable.
            Err(_) => (1, self.config.stream_name.clone(), 0),
        };
        if delivered > 1 {
            self.stats.count_redelivery();
        }
        let origin = DeadLetterOrigin {
            consumer: &self.config.durable_name,
            stream: &stream,
            stream_sequence,
            subject: message.subject.as_str(),
            deliveries: delivered,
        };
        let event = match cloudevents::decode(&message.message) {
            Ok(event) => event,
            Err(error) => {
                self.dead_letter(&message, &origin, &format!("undecodable message: {error}"))
                    .await;
                return;
            }
        };
        if delivered > self.config.max_deliver {
            let reason = format!(
                "delivery limit {} exceeded before handling",
                self.config.max_deliver
            );
            self.give_up(&message, &origin, &event, &reason).await;
            return;
        }
        match self.handle_with_progress(&message, &event).await {
            Ok(()) => {
                self.stats.count_handled();
                if let Err(error) = message.double_ack().await {
                    tracing::warn!(consumer = %self.config.durable_name, event_id = %event.event_id, error = %error, "failed to ack, the event will be redelivered");
                }
            }
            Err(error) if error.is_retryable() && delivered < self.config.max_deliver => {
                let delay = retry_delay(&self.config.backoff, delivered);
                tracing::warn!(
                    consumer = %self.config.durable_name,
                    event_id = %event.event_id,
                    attempt = delivered,
                    retry_in = ?delay,
                    error = %error,
                    "handler failed, will retry"
                );
                self.nak(&message, delay).await;
            }
            Err(error) => {
                let reason = dead_letter_reason(&error, delivered);
                self.give_up(&message, &origin, &event, &reason).await;
            }
        }
    }

    async fn handle_with_progress(
        &self,
        message: &jetstream::Message,
        event: &RecordedEvent,
    ) -> Result<(), HandlerError> {
        let period = (self.config.ack_wait / 2).max(MIN_PROGRESS_INTERVAL);
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        let span = tracing::info_span!(
            "handle_event",
            consumer = %self.config.durable_name,
            event_id = %event.event_id,
            event_type = %event.event_type,
            position = event.position,
        );
        let handling = self.handler.handle(event).instrument(span);
        tokio::pin!(handling);
        loop {
            tokio::select! {
                result = &mut handling => return result,
                _ = ticker.tick() => {
                    // A lost progress signal only risks a redelivery, which
                    // handlers tolerate.
                    let _ = message.ack_with(AckKind::Progress).await;
                }
            }
        }
    }

    /// Dead-letters a decoded event once its handler has recorded that it
    /// will not be handled; if it cannot, the event is retried later.
    async fn give_up(
        &self,
        message: &jetstream::Message,
        origin: &DeadLetterOrigin<'_>,
        event: &RecordedEvent,
        reason: &str,
    ) {
        if let Err(error) = self.handler.dead_lettered(event).await {
            tracing::warn!(consumer = %origin.consumer, event_id = %event.event_id, error = %error, "could not record the dead letter, will retry");
            let delay = self
                .config
                .backoff
                .first()
                .copied()
                .unwrap_or(Duration::from_secs(1));
            self.nak(message, delay).await;
            return;
        }
        self.dead_letter(message, origin, reason).await;
    }

    async fn dead_letter(
        &self,
        message: &jetstream::Message,
        origin: &DeadLetterOrigin<'_>,
        reason: &str,
    ) {
        let headers = dead_letter_headers(message.headers.as_ref(), origin, reason);
        let subject = self.config.dlq_subject();
        let published = async {
            let ack = self
                .jetstream
                .publish_with_headers(subject.clone(), headers, message.payload.clone())
                .await?;
            tokio::time::timeout(DEAD_LETTER_ACK_TIMEOUT, ack)
                .await
                .map_err(|_| "no ack from the dead-letter stream in time")??;
            Ok::<(), async_nats::Error>(())
        }
        .await;
        match published {
            Ok(()) => {
                self.stats.count_dead_letter();
                tracing::error!(
                    consumer = %origin.consumer,
                    stream = %origin.stream,
                    stream_sequence = origin.stream_sequence,
                    event_id = message
                        .headers
                        .as_ref()
                        .and_then(|headers| cloudevents::optional(headers, cloudevents::ID))
                        .unwrap_or("unknown"),
                    dlq_subject = %subject,
                    reason,
                    "event dead-lettered"
                );
                if let Err(error) = message.ack_with(AckKind::Term).await {
                    // Redelivered later with delivered > max_deliver, it goes
                    // straight back here; the DLQ drops the duplicate.
                    tracing::warn!(consumer = %origin.consumer, error = %error, "failed to terminate a dead-lettered message");
                }
            }
            Err(error) => {
                tracing::error!(consumer = %origin.consumer, dlq_subject = %subject, error = %error, "failed to publish a dead letter, will retry");
                let delay = self
                    .config
                    .backoff
                    .last()
                    .copied()
                    .unwrap_or(Duration::from_secs(1));
                self.nak(message, delay).await;
            }
        }
    }

    async fn nak(&self, message: &jetstream::Message, delay: Duration) {
        let delay = (!delay.is_zero()).then_some(delay);
        if let Err(error) = message.ack_with(AckKind::Nak(delay)).await {
            // Without the nak the server redelivers after ack_wait instead.
            tracing::warn!(consumer = %self.config.durable_name, error = %error, "failed to nak");
        }
    }
}

fn dead_letter_reason(error: &HandlerError, delivered: u32) -> String {
    if error.is_retryable() {
        format!("gave up after {delivered} attempts: {error}")
    } else {
        error.to_string()
    }
}
