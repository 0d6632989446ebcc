//! Reading and discarding dead letters (stream `<STREAM_PREFIX>_DLQ`).
//!
//! There is deliberately no replay to the original subject. A message
//! published into a context stream by anyone but its relay moves the
//! stream's last sequence under the relay's pipelined publishes: of the
//! relay's next batch the first publish is refused (wrong expected last
//! sequence) but the second one's expectation now holds, so it lands first,
//! and the refused event lands after it on the relay's retry. Projections,
//! which skip events behind their checkpoint, then lose the event that came
//! late. And a
//! replay would not help a projection anyway: every durable consumer in the
//! platform feeds a projection whose checkpoint has passed the dead event,
//! so it would be skipped. A read model that missed an event is rebuilt from
//! the store, which applies the event with the fixed code, in order; then
//! its dead letters are discarded here (`gongzhi dlq replay` does both).

use crate::cloudevents::{self, POSITION};
use crate::consumer::{DLQ_CONSUMER, DLQ_DELIVERIES, DLQ_ORIGINAL_SUBJECT, DLQ_REASON};
use crate::topology::BusTopology;
use async_nats::jetstream::{self, message::StreamMessage, stream::RawMessageErrorKind};

/// One message of the dead-letter stream, as `gongzhi dlq list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    /// Sequence in the dead-letter stream: what `replay` takes.
    pub sequence: u64,
    pub consumer: String,
    pub original_subject: String,
    pub deliveries: Option<u32>,
    pub reason: String,
    /// `ce-id`, the event id, when the message was an event.
    pub event_id: Option<String>,
    /// `ce-type`.
    pub event_type: Option<String>,
    /// The event's position in the store (`gongzhi-position`).
    pub position: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum DeadLetterError {
    #[error("{stream} has no message {sequence}")]
    NotFound { stream: String, sequence: u64 },
    #[error("message {sequence} of {stream} is not a dead letter of consumer {consumer}")]
    OtherConsumer {
        stream: String,
        sequence: u64,
        consumer: String,
    },
    #[error("nats failed ({what}): {reason}")]
    Nats { what: &'static str, reason: String },
}

fn nats(what: &'static str) -> impl Fn(String) -> DeadLetterError {
    move |reason| DeadLetterError::Nats { what, reason }
}

/// Deletes dead letter `sequence`, which must belong to `consumer`, once
/// the read model behind it was rebuilt. Returns what it deleted.
pub async fn discard(
    jetstream: &jetstream::Context,
    topology: &BusTopology,
    consumer: &str,
    sequence: u64,
) -> Result<DeadLetter, DeadLetterError> {
    let stream_name = topology.dlq_stream_name();
    let stream = jetstream
        .get_stream_no_info(&stream_name)
        .await
        .map_err(|e| nats("open the dead-letter stream")(e.to_string()))?;
    let message = match stream.get_raw_message(sequence).await {
        Ok(message) => message,
        Err(error) if error.kind() == RawMessageErrorKind::NoMessageFound => {
            return Err(DeadLetterError::NotFound {
                stream: stream_name,
                sequence,
            });
        }
        Err(error) => return Err(nats("read the dead letter")(error.to_string())),
    };
    let letter = describe(&message);
    let expected_subject = format!("{}.{consumer}", topology.dlq_subject_prefix());
    if letter.consumer != consumer || message.subject.as_str() != expected_subject {
        return Err(DeadLetterError::OtherConsumer {
            stream: stream_name,
            sequence,
            consumer: consumer.to_owned(),
        });
    }
    stream
        .delete_message(sequence)
        .await
        .map_err(|e| nats("delete the dead letter")(e.to_string()))?;
    Ok(letter)
}

/// Dead letters in stream order, all or those of one durable consumer.
pub async fn list(
    jetstream: &jetstream::Context,
    topology: &BusTopology,
    consumer: Option<&str>,
) -> Result<Vec<DeadLetter>, DeadLetterError> {
    let stream_name = topology.dlq_stream_name();
    let stream = jetstream
        .get_stream_no_info(&stream_name)
        .await
        .map_err(|e| nats("open the dead-letter stream")(e.to_string()))?;
    let filter = match consumer {
        Some(consumer) => format!("{}.{consumer}", topology.dlq_subject_prefix()),
        None => format!("{}.>", topology.dlq_subject_prefix()),
    };
    let mut letters = Vec::new();
    let mut next = 1;
    loop {
        let message = stream
            .raw_message_builder()
            .sequence(next)
            .next_by_subject(filter.clone())
            .send()
            .await;
        match message {
            Ok(message) => {
                next = message.sequence + 1;
                letters.push(describe(&message));
            }
            Err(error) if error.kind() == RawMessageErrorKind::NoMessageFound => break,
            Err(error) => return Err(nats("read the dead-letter stream")(error.to_string())),
        }
    }
    Ok(letters)
}

fn describe(message: &StreamMessage) -> DeadLetter {
    let get = |name: &'static str| cloudevents::optional(&message.headers, name);
    DeadLetter {
        sequence: message.sequence,
        consumer: get(DLQ_CONSUMER).unwrap_or_default().to_owned(),
        original_subject: get(DLQ_ORIGINAL_SUBJECT).unwrap_or_default().to_owned(),
        deliveries: get(DLQ_DELIVERIES).and_then(|raw| raw.parse().ok()),
        reason: get(DLQ_REASON).unwrap_or_default().to_owned(),
        event_id: get(cloudevents::ID).map(str::to_owned),
        event_type: get(cloudevents::TYPE).map(str::to_owned),
        position: get(POSITION).and_then(|raw| raw.parse().ok()),
    }
}
