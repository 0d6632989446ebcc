//! CloudEvents NATS protocol binding, binary mode: the payload is the
//! protobuf bytes, every attribute is a header. [`decode`] is the inverse of
//! [`Encoder::encode`], so a consumer gets the whole [`RecordedEvent`] back.
//! The header table is in the crate README; downstream services in any
//! language consume with it.
//!
//! NATS header values cannot hold CR or LF; such characters in free-text
//! metadata (the actor) are sent as spaces.

use crate::topology::{BusTopology, DEFAULT_SOURCE_BASE};
use async_nats::HeaderMap;
use async_nats::header::{HeaderValue, NATS_MESSAGE_ID};
use bytes::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use gongzhi_kernel::{DistrictCode, EventMetadata, RecordedEvent, StreamName};
use std::str::FromStr;
use uuid::Uuid;

pub const SPECVERSION: &str = "ce-specversion";
pub const ID: &str = "ce-id";
pub const SOURCE: &str = "ce-source";
pub const TYPE: &str = "ce-type";
pub const SUBJECT: &str = "ce-subject";
pub const TIME: &str = "ce-time";
pub const DATACONTENTTYPE: &str = "ce-datacontenttype";
pub const CONTENT_TYPE: &str = "content-type";
pub const DATASCHEMA: &str = "ce-dataschema";
pub const TRACEPARENT: &str = "traceparent";
pub const TRACESTATE: &str = "tracestate";
pub const STREAM_REVISION: &str = "gongzhi-stream-revision";
pub const POSITION: &str = "gongzhi-position";
pub const DISTRICT: &str = "gongzhi-district";
pub const CORRELATION_ID: &str = "gongzhi-correlation-id";
pub const CAUSATION_ID: &str = "gongzhi-causation-id";
pub const ACTOR: &str = "gongzhi-actor";
pub const SCHEMA_VERSION: &str = "gongzhi-schema-version";
pub const REQUEST_ID: &str = "gongzhi-request-id";

pub const SPECVERSION_1_0: &str = "1.0";
pub const PROTOBUF_CONTENT_TYPE: &str = "application/protobuf";

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("message has no headers")]
    NoHeaders,
    #[error("header {0} is missing")]
    MissingHeader(&'static str),
    #[error("header {name} has an invalid value {value:?}: {reason}")]
    InvalidHeader {
        name: &'static str,
        value: String,
        reason: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeErrorKind {
    NoHeaders,
    MissingHeader,
    InvalidHeader,
}

impl DecodeError {
    pub fn kind(&self) -> DecodeErrorKind {
        match self {
            Self::NoHeaders => DecodeErrorKind::NoHeaders,
            Self::MissingHeader(_) => DecodeErrorKind::MissingHeader,
            Self::InvalidHeader { .. } => DecodeErrorKind::InvalidHeader,
        }
    }
}

/// Encodes events for one topology; `ce-source` is `<source_base>/<ctx>`.
#[derive(Debug, Clone)]
pub struct Encoder {
    pub topology: BusTopology,
    pub source_base: String,
}

impl Default for Encoder {
    fn default() -> Self {
        Self {
            topology: BusTopology::default(),
            source_base: DEFAULT_SOURCE_BASE.to_owned(),
        }
    }
}

/// Encodes with the production topology and source.
pub fn encode(event: &RecordedEvent) -> (String, HeaderMap, Bytes) {
    Encoder::default().encode(event)
}

/// `ce-dataschema`: a `proto:` URI naming the full message type. Stable: it
/// changes only if the message is renamed, which buf breaking refuses.
pub fn dataschema(event_type: &str) -> String {
    format!("proto:{event_type}")
}

impl Encoder {
    /// Subject, headers (including `Nats-Msg-Id` = event id) and payload.
    pub fn encode(&self, event: &RecordedEvent) -> (String, HeaderMap, Bytes) {
        let subject = self.topology.event_subject(event);
        let metadata = &event.metadata;
        let event_id = event.event_id.to_string();
        let mut headers = HeaderMap::new();
        headers.insert(NATS_MESSAGE_ID, header_value(&event_id));
        headers.insert(SPECVERSION, SPECVERSION_1_0);
        headers.insert(ID, header_value(&event_id));
        headers.insert(
            SOURCE,
            header_value(&format!("{}/{}", self.source_base, event.context())),
        );
        headers.insert(TYPE, header_value(&event.event_type));
        headers.insert(SUBJECT, header_value(event.stream.as_str()));
        headers.insert(TIME, header_value(&format_time(event.recorded_at)));
        headers.insert(DATACONTENTTYPE, PROTOBUF_CONTENT_TYPE);
        headers.insert(CONTENT_TYPE, PROTOBUF_CONTENT_TYPE);
        headers.insert(DATASCHEMA, header_value(&dataschema(&event.event_type)));
        if let Some(traceparent) = &metadata.traceparent {
            headers.insert(TRACEPARENT, header_value(traceparent));
        }
        if let Some(tracestate) = &metadata.tracestate {
            headers.insert(TRACESTATE, header_value(tracestate));
        }
        headers.insert(STREAM_REVISION, HeaderValue::from(event.revision));
        headers.insert(POSITION, HeaderValue::from(event.position));
        if let Some(district) = &metadata.district {
            headers.insert(DISTRICT, header_value(district.as_str()));
        }
        headers.insert(
            CORRELATION_ID,
            header_value(&metadata.correlation_id.to_string()),
        );
        if let Some(causation_id) = metadata.causation_id {
            headers.insert(CAUSATION_ID, header_value(&causation_id.to_string()));
        }
        headers.insert(ACTOR, header_value(&metadata.actor));
        headers.insert(SCHEMA_VERSION, HeaderValue::from(metadata.schema_version));
        if let Some(request_id) = &metadata.request_id {
            headers.insert(REQUEST_ID, header_value(request_id));
        }
        (subject, headers, Bytes::from(event.payload.clone()))
    }
}

/// Rebuilds the event from a message published by [`Encoder::encode`].
pub fn decode(message: &async_nats::Message) -> Result<RecordedEvent, DecodeError> {
    let headers = message.headers.as_ref().ok_or(DecodeError::NoHeaders)?;
    decode_parts(headers, &message.payload)
}

/// [`decode`] for headers and payload taken from elsewhere (a stream get).
pub fn decode_parts(headers: &HeaderMap, payload: &[u8]) -> Result<RecordedEvent, DecodeError> {
    let specversion = required(headers, SPECVERSION)?;
    if specversion != SPECVERSION_1_0 {
        return Err(invalid(SPECVERSION, specversion, "only 1.0 is understood"));
    }
    let metadata = EventMetadata {
        district: optional(headers, DISTRICT)
            .map(|raw| DistrictCode::parse(raw).map_err(|e| invalid(DISTRICT, raw, e)))
            .transpose()?,
        correlation_id: parsed::<Uuid>(headers, CORRELATION_ID)?,
        causation_id: optional(headers, CAUSATION_ID)
            .map(|raw| Uuid::parse_str(raw).map_err(|e| invalid(CAUSATION_ID, raw, e)))
            .transpose()?,
        actor: required(headers, ACTOR)?.to_owned(),
        traceparent: optional(headers, TRACEPARENT).map(str::to_owned),
        tracestate: optional(headers, TRACESTATE).map(str::to_owned),
        schema_version: parsed::<u32>(headers, SCHEMA_VERSION)?,
        request_id: optional(headers, REQUEST_ID).map(str::to_owned),
        // Only Gongzhi's protobuf events are relayed.
        content_type: None,
    };
    let stream_raw = required(headers, SUBJECT)?;
    let time_raw = required(headers, TIME)?;
    Ok(RecordedEvent {
        event_id: parsed::<Uuid>(headers, ID)?,
        stream: StreamName::parse(stream_raw).map_err(|e| invalid(SUBJECT, stream_raw, e))?,
        revision: parsed::<u64>(headers, STREAM_REVISION)?,
        position: parsed::<u64>(headers, POSITION)?,
        event_type: required(headers, TYPE)?.to_owned(),
        payload: payload.to_vec(),
        metadata,
        recorded_at: DateTime::parse_from_rfc3339(time_raw)
            .map_err(|e| invalid(TIME, time_raw, e))?
            .with_timezone(&Utc),
    })
}

/// RFC 3339 in UTC with as many fractional digits as needed, so the exact
/// instant survives the round trip.
pub fn format_time(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// The header's value if present and non-empty.
pub fn optional<'a>(headers: &'a HeaderMap, name: &'static str) -> Option<&'a str> {
    headers
        .get(name)
        .map(HeaderValue::as_str)
        .filter(|v| !v.is_empty())
}

fn required<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<&'a str, DecodeError> {
    optional(headers, name).ok_or(DecodeError::MissingHeader(name))
}

fn parsed<T>(headers: &HeaderMap, name: &'static str) -> Result<T, DecodeError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    let raw = required(headers, name)?;
    raw.parse::<T>().map_err(|e| invalid(name, raw, e))
}

fn invalid(name: &'static str, value: &str, reason: impl std::fmt::Display) -> DecodeError {
    DecodeError::InvalidHeader {
        name,
        value: value.to_owned(),
        reason: reason.to_string(),
    }
}

/// A header value that cannot break the protocol: CR and LF become spaces.
pub fn header_value(raw: &str) -> HeaderValue {
    match HeaderValue::from_str(raw) {
        Ok(value) => value,
        Err(_) => {
            let cleaned = raw.replace(['\r', '\n'], " ");
            // From<String> checks the same rule the replace just enforced.
            HeaderValue::from(cleaned)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> RecordedEvent {
        let mut metadata = EventMetadata::new(DistrictCode::parse("500108").ok(), "user-7");
        metadata.causation_id = Some(Uuid::now_v7());
        metadata.traceparent =
            Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into());
        metadata.tracestate = Some("gz=1".into());
        metadata.request_id = Some("req-1".into());
        RecordedEvent {
            event_id: Uuid::now_v7(),
            stream: StreamName::parse("resident-0190f1c2-aaaa").expect("test stream name is valid"),
            revision: 3,
            position: 42,
            event_type: "gongzhi.residents.v1.ResidentRegistered".into(),
            payload: vec![8, 1, 18, 3, b'a', b'b', b'c'],
            metadata,
            recorded_at: DateTime::parse_from_rfc3339("2026-11-25T08:16:52.123456789Z")
                .expect("test time is valid")
                .with_timezone(&Utc),
        }
    }

    fn as_message(subject: String, headers: HeaderMap, payload: Bytes) -> async_nats::Message {
        async_nats::Message {
            subject: subject.into(),
            reply: None,
            payload,
            headers: Some(headers),
            status: None,
            description: None,
            length: 0,
        }
    }

    #[test]
    fn round_trip_gives_back_the_whole_event() -> Result<(), DecodeError> {
        let event = sample();
        let (subject, headers, payload) = encode(&event);
        assert_eq!(
            subject,
            "gongzhi.residents.500108.resident.ResidentRegistered"
        );
        assert_eq!(decode(&as_message(subject, headers, payload))?, event);
        Ok(())
    }

    #[test]
    fn round_trip_without_optional_metadata() -> Result<(), DecodeError> {
        let mut event = sample();
        event.metadata = EventMetadata::new(None, "system");
        let (subject, headers, payload) = encode(&event);
        assert_eq!(
            subject,
            "gongzhi.residents.city.resident.ResidentRegistered"
        );
        assert!(headers.get(DISTRICT).is_none());
        assert_eq!(decode(&as_message(subject, headers, payload))?, event);
        Ok(())
    }

    #[test]
    fn headers_carry_the_cloudevents_attributes() {
        let event = sample();
        let (_, headers, _) = encode(&event);
        let get = |name: &str| headers.get(name).map(|v| v.as_str().to_owned());
        assert_eq!(get("Nats-Msg-Id"), Some(event.event_id.to_string()));
        assert_eq!(get(SPECVERSION).as_deref(), Some("1.0"));
        assert_eq!(get(SOURCE).as_deref(), Some("/gongzhi/residents"));
        assert_eq!(get(SUBJECT).as_deref(), Some("resident-0190f1c2-aaaa"));
        assert_eq!(get(TIME).as_deref(), Some("2026-11-25T08:16:52.123456789Z"));
        assert_eq!(get(CONTENT_TYPE).as_deref(), Some("application/protobuf"));
        assert_eq!(
            get(DATASCHEMA).as_deref(),
            Some("proto:gongzhi.residents.v1.ResidentRegistered")
        );
        assert_eq!(get(POSITION).as_deref(), Some("42"));
        assert_eq!(get(STREAM_REVISION).as_deref(), Some("3"));
    }

    #[test]
    fn line_breaks_in_metadata_cannot_break_the_protocol() {
        let mut event = sample();
        event.metadata.actor = "evil\r\nce-id: x".into();
        let (_, headers, _) = encode(&event);
        assert_eq!(
            headers.get(ACTOR).map(HeaderValue::as_str),
            Some("evil  ce-id: x")
        );
    }

    #[test]
    fn missing_or_bad_headers_are_typed_errors() {
        let event = sample();
        let (subject, mut headers, payload) = encode(&event);
        headers.insert(POSITION, "not-a-number");
        let error = decode(&as_message(subject.clone(), headers, payload.clone()));
        assert!(matches!(
            error.map_err(|e| e.kind()),
            Err(DecodeErrorKind::InvalidHeader)
        ));

        let error = decode(&as_message(subject, HeaderMap::new(), payload));
        assert!(matches!(
            error.map_err(|e| e.kind()),
            Err(DecodeErrorKind::MissingHeader)
        ));
    }
}
