//! Reading and replaying the dead-letter stream (`<STREAM_PREFIX>_DLQ`).
//!
//! A replay publishes the dead letter's original payload and headers back to
//! its original subject, so it lands again in the context stream and every
//! durable consumer whose filter matches gets it as a new message, then
//! deletes it from the dead-letter stream.
//!
//! Contract:
//! - Deduplication: the original message carried `Nats-Msg-Id` = event id,
//!   which JetStream remembers for the stream's duplicate window (2 min); a
//!   replay with that id inside the window would be dropped silently. A
//!   replay is published with `Nats-Msg-Id` = `replay:<dlq stream>:<dlq
//!   sequence>` instead: never equal to the relay's ids, equal only for the
//!   same dead letter, so a replay retried after a crash between publish and
//!   delete is dropped as a duplicate rather than delivered twice.
//! - Only the dead-letter headers, `Nats-Msg-Id`, the `Nats-Expected-*`
//!   preconditions and the relay's `gongzhi-relay` header are left out:
//!   the relay trusts a stream's last position only from its own messages.
//! - Consumers must be idempotent (they already are, JetStream delivers at
//!   least once): every consumer of the subject sees the replay, and a
//!   projection skips an event behind its checkpoint.
//! - The next relay publish to that stream expects the old last sequence,
//!   fails once as out of step, and the relay re-reads the stream end and
//!   carries on (its usual recovery path).

use crate::cloudevents::{self, POSITION, header_value};
use crate::consumer::{DLQ_CONSUMER, DLQ_DELIVERIES, DLQ_ORIGINAL_SUBJECT, DLQ_REASON};
use crate::relay::RELAY_HEADER;
use crate::topology::BusTopology;
use async_nats::HeaderMap;
use async_nats::header::NATS_MESSAGE_ID;
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

/// What a replay did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replayed {
    pub dead_letter: DeadLetter,
    /// Stream and sequence the replay landed at.
    pub stream: String,
    pub stream_sequence: u64,
    /// JetStream dropped it as already replayed (an earlier run stopped
    /// between publish and delete); it was delivered then.
    pub duplicate: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum DeadLetterError {
    #[error("{stream} has no message {sequence}")]
    NotFound { stream: String, sequence: u64 },
    #[error(
        "message {sequence} of {stream} is not a dead letter to replay: {reason}"
    )]
    NotReplayable {
        stream: String,
        sequence: u64,
        reason: &'static str,
    },
    #[error("nats failed ({what}): {reason}")]
    Nats { what: &'static str, reason: String },
}

fn nats(what: &'static str) -> impl Fn(String) -> DeadLetterError {
    move |reason| DeadLetterError::Nats { what, reason }
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

/// Publishes dead letter `sequence` back to its original subject, then
/// deletes it from the dead-letter stream.
pub async fn replay(
    jetstream: &jetstream::Context,
    topology: &BusTopology,
    sequence: u64,
) -> Result<Replayed, DeadLetterError> {
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
    let dead_letter = describe(&message);
    let not_replayable = |reason| DeadLetterError::NotReplayable {
        stream: stream_name.clone(),
        sequence,
        reason,
    };
    if dead_letter.original_subject.is_empty() {
        return Err(not_replayable("no gongzhi-dlq-original-subject header"));
    }
    let own_events = format!("{}.", topology.subject_prefix);
    let dead_letters = format!("{}.", topology.dlq_subject_prefix());
    if !dead_letter.original_subject.starts_with(&own_events)
        || dead_letter.original_subject.starts_with(&dead_letters)
    {
        return Err(not_replayable(
            "the original subject is not an event subject of this prefix",
        ));
    }
    let headers = replay_headers(&message.headers, &stream_name, sequence);
    let ack = jetstream
        .publish_with_headers(
            dead_letter.original_subject.clone(),
            headers,
            message.payload.clone(),
        )
        .await
        .map_err(|e| nats("publish the replay")(e.to_string()))?
        .await
        .map_err(|e| nats("publish the replay")(e.to_string()))?;
    stream
        .delete_message(sequence)
        .await
        .map_err(|e| nats("delete the replayed dead letter")(e.to_string()))?;
    Ok(Replayed {
        dead_letter,
        stream: ack.stream,
        stream_sequence: ack.sequence,
        duplicate: ack.duplicate,
    })
}

/// The original headers without what belonged to the dead letter or the
/// first publish, under the replay's own message id.
pub fn replay_headers(dead: &HeaderMap, dlq_stream: &str, sequence: u64) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, values) in dead.iter() {
        let lower = name.to_string().to_ascii_lowercase();
        let dropped = lower.starts_with("gongzhi-dlq-")
            || lower.starts_with("nats-expected-")
            || lower == "nats-msg-id"
            || lower == RELAY_HEADER;
        if dropped {
            continue;
        }
        for value in values {
            headers.append(name.clone(), value.clone());
        }
    }
    headers.insert(
        NATS_MESSAGE_ID,
        header_value(&format!("replay:{dlq_stream}:{sequence}")),
    );
    headers
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replay_keeps_the_event_headers_under_its_own_message_id() {
        let mut dead = HeaderMap::new();
        dead.insert("ce-id", "e1");
        dead.insert("gongzhi-position", "7");
        dead.insert(RELAY_HEADER, "relay-residents");
        dead.insert("Nats-Msg-Id", "directory:GONGZHI_RESIDENTS:7");
        dead.insert(DLQ_REASON, "boom");
        dead.insert(DLQ_CONSUMER, "directory");
        dead.insert(DLQ_ORIGINAL_SUBJECT, "gongzhi.residents.city.resident.X");
        dead.insert(DLQ_DELIVERIES, "5");
        let headers = replay_headers(&dead, "GONGZHI_DLQ", 3);
        let get = |name: &str| headers.get(name).map(|v| v.as_str().to_owned());
        assert_eq!(get("ce-id").as_deref(), Some("e1"));
        assert_eq!(get("gongzhi-position").as_deref(), Some("7"));
        assert_eq!(get("Nats-Msg-Id").as_deref(), Some("replay:GONGZHI_DLQ:3"));
        for gone in [RELAY_HEADER, DLQ_REASON, DLQ_CONSUMER, DLQ_ORIGINAL_SUBJECT, DLQ_DELIVERIES] {
            assert_eq!(get(gone), None, "{gone}");
        }
    }
}
