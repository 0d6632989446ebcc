//! Dead letters: the original message (payload and every header) plus why,
//! by whom and after how many deliveries it was given up on. Published with
//! `Nats-Msg-Id` = `<durable>:<stream>:<sequence>`, so a dead letter
//! re-sent after a crash is dropped as a duplicate, while two consumers
//! giving up on the same event both keep theirs.

use crate::cloudevents::header_value;
use async_nats::HeaderMap;
use async_nats::header::{HeaderValue, NATS_MESSAGE_ID};

pub const DLQ_REASON: &str = "gongzhi-dlq-reason";
pub const DLQ_CONSUMER: &str = "gongzhi-dlq-consumer";
pub const DLQ_ORIGINAL_SUBJECT: &str = "gongzhi-dlq-original-subject";
pub const DLQ_DELIVERIES: &str = "gongzhi-dlq-deliveries";

/// Where the dead message came from.
pub struct DeadLetterOrigin<'a> {
    pub consumer: &'a str,
    pub stream: &'a str,
    pub stream_sequence: u64,
    pub subject: &'a str,
    pub deliveries: u32,
}

/// Publish preconditions the relay set for the event's own stream; carried
/// over they would make the dead-letter stream refuse the message.
const EXPECTED_HEADERS_PREFIX: &str = "nats-expected-";

pub fn dead_letter_headers(
    original: Option<&HeaderMap>,
    origin: &DeadLetterOrigin<'_>,
    reason: &str,
) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, values) in original.into_iter().flat_map(HeaderMap::iter) {
        if name
            .to_string()
            .to_ascii_lowercase()
            .starts_with(EXPECTED_HEADERS_PREFIX)
        {
            continue;
        }
        for value in values {
            headers.append(name.clone(), value.clone());
        }
    }
    let id = format!(
        "{}:{}:{}",
        origin.consumer, origin.stream, origin.stream_sequence
    );
    headers.insert(NATS_MESSAGE_ID, header_value(&id));
    headers.insert(DLQ_REASON, header_value(reason));
    headers.insert(DLQ_CONSUMER, header_value(origin.consumer));
    headers.insert(DLQ_ORIGINAL_SUBJECT, header_value(origin.subject));
    headers.insert(DLQ_DELIVERIES, HeaderValue::from(origin.deliveries));
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_original_headers_and_adds_the_reason() {
        let mut original = HeaderMap::new();
        original.insert("ce-id", "e1");
        original.insert("Nats-Msg-Id", "e1");
        original.insert("Nats-Expected-Last-Sequence", "6");
        let origin = DeadLetterOrigin {
            consumer: "directory",
            stream: "GONGZHI_RESIDENTS",
            stream_sequence: 7,
            subject: "gongzhi.residents.city.resident.X",
            deliveries: 5,
        };
        let headers = dead_letter_headers(Some(&original), &origin, "boom\nagain");
        let get = |name: &str| headers.get(name).map(|v| v.as_str().to_owned());
        assert_eq!(get("ce-id").as_deref(), Some("e1"));
        assert_eq!(
            get("Nats-Msg-Id").as_deref(),
            Some("directory:GONGZHI_RESIDENTS:7")
        );
        assert_eq!(get("Nats-Expected-Last-Sequence"), None);
        assert_eq!(get(DLQ_REASON).as_deref(), Some("boom again"));
        assert_eq!(get(DLQ_DELIVERIES).as_deref(), Some("5"));
        assert_eq!(
            get(DLQ_ORIGINAL_SUBJECT).as_deref(),
            Some("gongzhi.residents.city.resident.X")
        );
    }
}
