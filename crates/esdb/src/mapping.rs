//! Gongzhi's events in the protocol's shapes, and back.
//!
//! - revision, `$all` position and event id are the store's own; commit and
//!   prepare positions are both the `$all` position;
//! - system metadata: `type` is the event type (the full protobuf message
//!   name for Gongzhi's events), `content-type` is
//!   `application/octet-stream` for Gongzhi's protobuf payloads or what the
//!   appending client said, `created` is the recorded time in 100 ns ticks
//!   since the Unix epoch, as the protocol counts;
//! - custom metadata is Gongzhi's event metadata as JSON (district, actor,
//!   correlation and causation ids, trace context, schema version).

use crate::wire;
use crate::wire::streams::{read_resp, read_resp::read_event};
use chrono::{DateTime, Utc};
use gongzhi_eventstore::{ExpectedRevision, RecordedEvent};
use std::collections::HashMap;

pub const OCTET_STREAM: &str = "application/octet-stream";
pub const TYPE_KEY: &str = "type";
pub const CONTENT_TYPE_KEY: &str = "content-type";
pub const CREATED_KEY: &str = "created";

const TICKS_PER_SECOND: i64 = 10_000_000;

/// How event ids are written back, as the reader asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdForm {
    Structured,
    String,
}

/// 100 ns ticks since the Unix epoch.
pub fn ticks_since_epoch(time: DateTime<Utc>) -> i64 {
    time.timestamp()
        .saturating_mul(TICKS_PER_SECOND)
        .saturating_add(i64::from(time.timestamp_subsec_nanos() / 100))
}

pub fn wire_uuid(id: ::uuid::Uuid, form: IdForm) -> wire::Uuid {
    let value = match form {
        IdForm::String => wire::uuid::Value::String(id.hyphenated().to_string()),
        IdForm::Structured => {
            let bits = id.as_u128();
            // The protocol carries the halves as signed integers: the bits
            // are what matter, hence the wrapping casts.
            wire::uuid::Value::Structured(wire::uuid::Structured {
                most_significant_bits: (bits >> 64) as u64 as i64,
                least_significant_bits: bits as u64 as i64,
            })
        }
    };
    wire::Uuid { value: Some(value) }
}

pub fn uuid_from_wire(id: Option<&wire::Uuid>) -> Result<::uuid::Uuid, String> {
    let value = id
        .and_then(|id| id.value.as_ref())
        .ok_or_else(|| "event id is missing".to_owned())?;
    match value {
        wire::uuid::Value::String(text) => {
            ::uuid::Uuid::parse_str(text).map_err(|e| format!("event id {text:?}: {e}"))
        }
        wire::uuid::Value::Structured(halves) => {
            let high = u128::from(halves.most_significant_bits as u64);
            let low = u128::from(halves.least_significant_bits as u64);
            Ok(::uuid::Uuid::from_u128((high << 64) | low))
        }
    }
}

pub fn stream_identifier(name: &str) -> wire::StreamIdentifier {
    wire::StreamIdentifier {
        stream_name: name.as_bytes().to_vec(),
    }
}

/// One stored event as the protocol's `ReadEvent`.
pub fn read_event(event: &RecordedEvent, form: IdForm) -> read_resp::ReadEvent {
    let content_type = event
        .metadata
        .content_type
        .clone()
        .unwrap_or_else(|| OCTET_STREAM.to_owned());
    let metadata = HashMap::from([
        (TYPE_KEY.to_owned(), event.event_type.clone()),
        (CONTENT_TYPE_KEY.to_owned(), content_type),
        (
            CREATED_KEY.to_owned(),
            ticks_since_epoch(event.recorded_at).to_string(),
        ),
    ]);
    // The kernel's metadata has no map keys that could fail to serialize;
    // if it ever did, the event still reads, without custom metadata.
    let custom_metadata = serde_json::to_vec(&event.metadata).unwrap_or_default();
    read_resp::ReadEvent {
        event: Some(read_event::RecordedEvent {
            id: Some(wire_uuid(event.event_id, form)),
            stream_identifier: Some(stream_identifier(event.stream.as_str())),
            stream_revision: event.revision,
            prepare_position: event.position,
            commit_position: event.position,
            metadata,
            custom_metadata,
            data: event.payload.clone(),
        }),
        link: None,
        position: Some(read_event::Position::CommitPosition(event.position)),
    }
}

/// The expected revision of an append, one of the protocol's four kinds.
pub fn expected_revision(
    option: Option<wire::streams::append_req::options::ExpectedStreamRevision>,
) -> Result<ExpectedRevision, String> {
    use wire::streams::append_req::options::ExpectedStreamRevision as Wire;
    match option {
        Some(Wire::Revision(revision)) => Ok(ExpectedRevision::Exact(revision)),
        Some(Wire::NoStream(_)) => Ok(ExpectedRevision::NoStream),
        Some(Wire::Any(_)) => Ok(ExpectedRevision::Any),
        Some(Wire::StreamExists(_)) => Ok(ExpectedRevision::StreamExists),
        None => Err("the expected stream revision is missing".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongzhi_kernel::{EventMetadata, StreamName};

    #[test]
    fn ticks_count_100ns_since_the_unix_epoch() {
        let time = DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap_or_default();
        assert_eq!(ticks_since_epoch(time), 17_000_000_001_234_567);
    }

    #[test]
    fn ids_round_trip_in_both_forms() {
        let id = ::uuid::Uuid::from_u128(0xfedc_ba98_7654_3210_0123_4567_89ab_cdef);
        for form in [IdForm::Structured, IdForm::String] {
            assert_eq!(uuid_from_wire(Some(&wire_uuid(id, form))), Ok(id));
        }
        assert!(uuid_from_wire(None).is_err());
    }

    #[test]
    fn recorded_event_maps_positions_type_and_metadata() -> Result<(), Box<dyn std::error::Error>> {
        let event = RecordedEvent {
            event_id: ::uuid::Uuid::new_v4(),
            stream: StreamName::parse("resident-1")?,
            revision: 3,
            position: 42,
            event_type: "gongzhi.residents.v1.ResidentRegistered".into(),
            payload: vec![1, 2, 3],
            metadata: EventMetadata::new(None, "tester"),
            recorded_at: Utc::now(),
        };
        let read = read_event(&event, IdForm::String);
        let recorded = read.event.ok_or("no event")?;
        assert_eq!(
            (
                recorded.stream_revision,
                recorded.commit_position,
                recorded.prepare_position
            ),
            (3, 42, 42)
        );
        assert_eq!(recorded.metadata.get(TYPE_KEY), Some(&event.event_type));
        assert_eq!(
            recorded.metadata.get(CONTENT_TYPE_KEY).map(String::as_str),
            Some(OCTET_STREAM)
        );
        let custom: EventMetadata = serde_json::from_slice(&recorded.custom_metadata)?;
        assert_eq!(custom, event.metadata);
        assert_eq!(recorded.data, event.payload);
        Ok(())
    }
}
