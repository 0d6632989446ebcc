//! Events as written (`EventData`) and as read back (`RecordedEvent`). The
//! payload is the encoded protobuf message named by `event_type`; metadata is
//! stored beside it as JSON so old events can be read whatever the payload.

use crate::{DistrictCode, StreamName};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const CURRENT_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMetadata {
    pub district: Option<DistrictCode>,
    pub correlation_id: Uuid,
    pub causation_id: Option<Uuid>,
    /// Subject of the caller's token, or the name of the process manager.
    pub actor: String,
    /// W3C `traceparent` of the command that produced the event.
    pub traceparent: Option<String>,
    pub tracestate: Option<String>,
    /// Shape of the payload (see [`crate::upcast`]). Metadata written before
    /// the field existed reads as version 0.
    #[serde(default)]
    pub schema_version: u32,
    /// The client `request_id` of the command, for idempotent retries.
    pub request_id: Option<String>,
    /// Media type of the payload when it is not the protobuf message named
    /// by the event type: events that EventStoreDB clients appended to
    /// streams no Gongzhi context owns (`application/json`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

impl EventMetadata {
    pub fn new(district: Option<DistrictCode>, actor: impl Into<String>) -> Self {
        Self {
            district,
            correlation_id: Uuid::now_v7(),
            causation_id: None,
            actor: actor.into(),
            traceparent: None,
            tracestate: None,
            schema_version: CURRENT_SCHEMA_VERSION,
            request_id: None,
            content_type: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventData {
    pub event_id: Uuid,
    /// Full protobuf message name, e.g. `gongzhi.residents.v1.ResidentRegistered`.
    pub event_type: String,
    pub payload: Vec<u8>,
    pub metadata: EventMetadata,
}

impl EventData {
    /// Bytes this event occupies in the store, counted against the size limit.
    pub fn stored_size(&self) -> usize {
        let metadata_len = serde_json::to_vec(&self.metadata).map_or(0, |m| m.len());
        self.payload.len() + self.event_type.len() + metadata_len
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedEvent {
    pub event_id: Uuid,
    pub stream: StreamName,
    pub revision: u64,
    pub position: u64,
    pub event_type: String,
    pub payload: Vec<u8>,
    pub metadata: EventMetadata,
    pub recorded_at: DateTime<Utc>,
}

impl RecordedEvent {
    /// The bounded context, read from the proto package `gongzhi.<ctx>.v1.<Type>`.
    pub fn context(&self) -> &str {
        context_of(&self.event_type)
    }

    /// The short type name, the last segment of the proto message name.
    pub fn short_type(&self) -> &str {
        self.event_type
            .rsplit('.')
            .next()
            .unwrap_or(&self.event_type)
    }
}

pub fn context_of(event_type: &str) -> &str {
    let mut parts = event_type.split('.');
    match (parts.next(), parts.next()) {
        (Some("gongzhi"), Some(ctx)) if !ctx.is_empty() => ctx,
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_comes_from_proto_package() {
        assert_eq!(
            context_of("gongzhi.residents.v1.ResidentRegistered"),
            "residents"
        );
        assert_eq!(context_of("other.Thing"), "unknown");
    }
}
