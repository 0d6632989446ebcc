//! Upcasting: stored events written under an older `schema_version` are
//! brought to the current shape when read, so deciders, projections and the
//! bus only ever see current messages.
//!
//! The rule (docs/events.md, "Schema versions"): an additive change (a new
//! field, a new message, a new enum value) keeps `CURRENT_SCHEMA_VERSION`,
//! because protobuf readers skip what they do not know. A change `buf
//! breaking` refuses either introduces a new message name (old events keep
//! the old type and are still decoded by it) or bumps
//! `CURRENT_SCHEMA_VERSION` and registers an [`Upcaster`] from the previous
//! version for every message whose layout changed. Messages without an
//! upcaster for a version step did not change in that step.

use crate::RecordedEvent;
use crate::event::CURRENT_SCHEMA_VERSION;
use std::sync::Arc;

/// Rewrites one event type's payload from `from_version` to
/// `from_version + 1`. The type name stays: `$all` filters match stored
/// type names, so a renamed message is a new message, not an upcast.
#[derive(Clone, Copy)]
pub struct Upcaster {
    pub event_type: &'static str,
    pub from_version: u32,
    pub upcast: fn(&[u8]) -> Result<Vec<u8>, String>,
}

impl std::fmt::Debug for Upcaster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upcaster")
            .field("event_type", &self.event_type)
            .field("from_version", &self.from_version)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "event {event_id} ({event_type}) does not upcast from schema version {from_version}: {reason}"
)]
pub struct UpcastError {
    pub event_id: uuid::Uuid,
    pub event_type: String,
    pub from_version: u32,
    pub reason: String,
}

/// The upcasters a reader applies; cheap to clone. Empty by default: no
/// breaking change has been made since schema version 1.
#[derive(Debug, Clone, Default)]
pub struct Upcasters {
    list: Arc<[Upcaster]>,
}

impl Upcasters {
    pub fn new(list: impl Into<Vec<Upcaster>>) -> Self {
        Self {
            list: list.into().into(),
        }
    }

    /// Brings `event` to [`CURRENT_SCHEMA_VERSION`], one version at a time.
    /// Events of the current version, or of a newer one written by a newer
    /// deployment, are returned unchanged.
    pub fn apply(&self, mut event: RecordedEvent) -> Result<RecordedEvent, UpcastError> {
        while event.metadata.schema_version < CURRENT_SCHEMA_VERSION {
            let version = event.metadata.schema_version;
            let step = self
                .list
                .iter()
                .find(|u| u.from_version == version && u.event_type == event.event_type);
            if let Some(step) = step {
                event.payload = (step.upcast)(&event.payload).map_err(|reason| UpcastError {
                    event_id: event.event_id,
                    event_type: event.event_type.clone(),
                    from_version: version,
                    reason,
                })?;
            }
            event.metadata.schema_version = version + 1;
        }
        Ok(event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EventMetadata, StreamName};

    fn event(schema_version: u32, payload: Vec<u8>) -> RecordedEvent {
        let mut metadata = EventMetadata::new(None, "tester");
        metadata.schema_version = schema_version;
        RecordedEvent {
            event_id: uuid::Uuid::now_v7(),
            stream: StreamName::parse("thing-1").expect("test stream name is valid"),
            revision: 0,
            position: 1,
            event_type: "gongzhi.test.v1.Thing".into(),
            payload,
            metadata,
            recorded_at: chrono::Utc::now(),
        }
    }

    fn reverse(payload: &[u8]) -> Result<Vec<u8>, String> {
        if payload.is_empty() {
            return Err("empty".into());
        }
        Ok(payload.iter().rev().copied().collect())
    }

    fn upcasters() -> Upcasters {
        Upcasters::new(vec![Upcaster {
            event_type: "gongzhi.test.v1.Thing",
            from_version: 0,
            upcast: reverse,
        }])
    }

    #[test]
    fn an_old_event_is_rewritten_and_marked_current() -> Result<(), UpcastError> {
        let upcast = upcasters().apply(event(0, vec![1, 2, 3]))?;
        assert_eq!(upcast.payload, vec![3, 2, 1]);
        assert_eq!(upcast.metadata.schema_version, CURRENT_SCHEMA_VERSION);
        Ok(())
    }

    #[test]
    fn current_events_and_unregistered_types_pass_unchanged() -> Result<(), UpcastError> {
        let current = event(CURRENT_SCHEMA_VERSION, vec![1, 2]);
        assert_eq!(upcasters().apply(current.clone())?, current);
        let mut other = event(0, vec![1, 2]);
        other.event_type = "gongzhi.test.v1.Other".into();
        let upcast = Upcasters::default().apply(other.clone())?;
        assert_eq!(upcast.payload, other.payload);
        assert_eq!(upcast.metadata.schema_version, CURRENT_SCHEMA_VERSION);
        Ok(())
    }

    #[test]
    fn a_failing_upcast_is_an_error_naming_the_event() {
        let old = event(0, Vec::new());
        let error = upcasters().apply(old.clone()).err();
        assert_eq!(
            error.map(|e| (e.event_id, e.from_version)),
            Some((old.event_id, 0))
        );
    }
}
