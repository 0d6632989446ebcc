//! Stored rows back into [`RecordedEvent`]s. Both backends read their columns
//! into a [`StoredRow`]; anything that does not decode is `Corrupt`, never a
//! panic.

use crate::StoreError;
use crate::append_rules::stored_u64;
use chrono::{DateTime, Utc};
use gongzhi_kernel::{EventMetadata, RecordedEvent, StreamName, Upcasters};
use uuid::Uuid;

/// The columns of one stored event, as the backend returned them.
pub(crate) struct StoredRow {
    pub position: i64,
    pub event_id: Uuid,
    pub stream_name: String,
    pub revision: i64,
    pub event_type: String,
    pub payload: Vec<u8>,
    pub metadata_json: String,
    pub recorded_at: DateTime<Utc>,
}

impl StoredRow {
    /// The event as stored, upcast to the current schema version.
    pub(crate) fn into_recorded(self, upcasters: &Upcasters) -> Result<RecordedEvent, StoreError> {
        let stream = StreamName::parse(&self.stream_name)
            .map_err(|e| StoreError::Corrupt(format!("event {}: {e}", self.event_id)))?;
        let metadata: EventMetadata = serde_json::from_str(&self.metadata_json).map_err(|e| {
            StoreError::Corrupt(format!("metadata of event {}: {e}", self.event_id))
        })?;
        let recorded = RecordedEvent {
            event_id: self.event_id,
            stream,
            revision: stored_u64(self.revision, "revision")?,
            position: stored_u64(self.position, "position")?,
            event_type: self.event_type,
            payload: self.payload,
            metadata,
            recorded_at: self.recorded_at,
        };
        upcasters
            .apply(recorded)
            .map_err(|e| StoreError::Corrupt(e.to_string()))
    }
}

/// Serializes metadata for storage; the kernel type has no map keys that
/// could fail, so an error here is a bug worth reporting, not a panic.
pub(crate) fn metadata_json(metadata: &EventMetadata) -> Result<String, StoreError> {
    serde_json::to_string(metadata)
        .map_err(|e| StoreError::Corrupt(format!("metadata does not serialize: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(metadata_json: String) -> StoredRow {
        StoredRow {
            position: 3,
            event_id: Uuid::new_v4(),
            stream_name: "resident-1".into(),
            revision: 0,
            event_type: "gongzhi.residents.v1.ResidentRegistered".into(),
            payload: vec![1, 2],
            metadata_json,
            recorded_at: Utc::now(),
        }
    }

    #[test]
    fn decodes_a_stored_row() -> Result<(), StoreError> {
        let metadata = EventMetadata::new(None, "tester");
        let event = row(metadata_json(&metadata)?).into_recorded(&Upcasters::default())?;
        assert_eq!(event.metadata, metadata);
        assert_eq!((event.position, event.revision), (3, 0));
        Ok(())
    }

    #[test]
    fn bad_metadata_is_corrupt_not_a_panic() {
        let result = row("{".into()).into_recorded(&Upcasters::default());
        assert!(matches!(result, Err(StoreError::Corrupt(_))));
    }
}
