//! Deleting external streams the way EventStoreDB does, without changing
//! the store: a delete appends a `$metadata` event to the stream's metadata
//! stream `esdbmeta-<stream>` (EventStoreDB's `$$<stream>`), and this
//! surface reads the stream through it.
//!
//! - soft delete (`Delete`): `$tb` (truncate before) = last revision + 1;
//!   the stream then reads as not found, a later append continues the
//!   revisions (and `no_stream` is accepted again), and reads show only the
//!   events after the delete;
//! - hard delete (`Tombstone`): `$tombstoned`; reads and appends then answer
//!   stream-deleted, for good;
//! - `$all` keeps the deleted events (EventStoreDB keeps them until a
//!   scavenge; Gongzhi never scavenges), and the `$metadata` events too, with
//!   the stream's district.
//!
//! Only streams no Gongzhi context owns can be deleted; Gongzhi's streams are
//! the legal record. The mark and a concurrent append to the same stream are
//! not one transaction: an append racing a delete may land just before or
//! after the mark.

use crate::EsdbConfig;
use crate::access::{self, Refusal};
use crate::status::{access_denied, from_store, invalid, stream_deleted, wrong_expected_version};
use gongzhi_eventstore::{
    Direction, EventData, EventMetadata, ExpectedRevision, ReadFrom, RecordedEvent,
    SharedEventStore, StoreError, StreamName,
};
use gongzhi_server::Caller;
use tonic::Status;

/// Category of the metadata streams: `esdbmeta-<stream name>`.
pub const META_CATEGORY: &str = "esdbmeta";
/// Event type of a metadata event, as EventStoreDB names it.
pub const METADATA_TYPE: &str = "$metadata";
const TRUNCATE_BEFORE_KEY: &str = "$tb";
const TOMBSTONED_KEY: &str = "$tombstoned";

/// How deletes left a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Deletion {
    /// Revisions below this one are deleted.
    pub truncate_before: u64,
    pub tombstoned: bool,
}

impl Deletion {
    /// The revision an expectation is checked against: the last one, unless
    /// a delete hid it (then the stream counts as absent).
    pub(crate) fn visible(&self, last: Option<u64>) -> Option<u64> {
        last.filter(|revision| *revision >= self.truncate_before)
    }
}

fn meta_stream(stream: &StreamName) -> Result<StreamName, Status> {
    StreamName::new(META_CATEGORY, stream.as_str()).map_err(|e| invalid(e.to_string()))
}

/// The stream's deletion marks (none for metadata streams themselves).
pub(crate) async fn deletion(
    store: &SharedEventStore,
    stream: &StreamName,
) -> Result<Deletion, Status> {
    if stream.category() == META_CATEGORY {
        return Ok(Deletion::default());
    }
    let meta = meta_stream(stream)?;
    let latest = match store
        .read_stream(&meta, Direction::Backward, ReadFrom::End, 1)
        .await
    {
        Ok(events) => events,
        Err(StoreError::StreamNotFound { .. }) => return Ok(Deletion::default()),
        Err(error) => return Err(from_store(&error)),
    };
    let Some(latest) = latest.first() else {
        return Ok(Deletion::default());
    };
    let marks: serde_json::Value = serde_json::from_slice(&latest.payload).unwrap_or_default();
    Ok(Deletion {
        truncate_before: marks
            .get(TRUNCATE_BEFORE_KEY)
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0),
        tombstoned: marks
            .get(TOMBSTONED_KEY)
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false),
    })
}

/// The first and the last event of a stream, `None` when it has none.
pub(crate) async fn ends(
    store: &SharedEventStore,
    stream: &StreamName,
) -> Result<Option<(RecordedEvent, u64)>, Status> {
    let first = match store
        .read_stream(stream, Direction::Forward, ReadFrom::Start, 1)
        .await
    {
        Ok(events) => events.into_iter().next(),
        Err(StoreError::StreamNotFound { .. }) => None,
        Err(error) => return Err(from_store(&error)),
    };
    let Some(first) = first else {
        return Ok(None);
    };
    let last = store
        .read_stream(stream, Direction::Backward, ReadFrom::End, 1)
        .await
        .map_err(|error| from_store(&error))?;
    let last = last.first().map_or(first.revision, |event| event.revision);
    Ok(Some((first, last)))
}

/// Soft-deletes (`tombstone == false`) or tombstones `stream`; answers the
/// `$all` position of the mark.
pub(crate) async fn delete(
    store: &SharedEventStore,
    config: &EsdbConfig,
    caller: &Caller,
    stream: &StreamName,
    expected: ExpectedRevision,
    tombstone: bool,
) -> Result<u64, Status> {
    let refused = |refusal: Refusal| access_denied(refusal.to_string());
    access::check_stream_write(config, caller, stream).map_err(refused)?;
    let marks = deletion(store, stream).await?;
    if marks.tombstoned {
        return Err(stream_deleted(stream.as_str()));
    }
    let ends = ends(store, stream).await?;
    let district = match &ends {
        Some((first, _)) => {
            access::check_existing_stream(caller, first).map_err(refused)?;
            first.metadata.district.clone()
        }
        None => access::event_district(caller, None).map_err(refused)?,
    };
    let current = marks.visible(ends.as_ref().map(|(_, last)| *last));
    let holds = match expected {
        ExpectedRevision::Any => true,
        ExpectedRevision::NoStream => current.is_none(),
        ExpectedRevision::StreamExists => current.is_some(),
        ExpectedRevision::Exact(revision) => current == Some(revision),
    };
    if !holds {
        let actual = current.map_or_else(|| "no stream".to_owned(), |r| r.to_string());
        return Err(wrong_expected_version(format!(
            "wrong expected revision on {stream}: expected {expected}, actual {actual}"
        )));
    }
    let truncate_before = ends.map_or(0, |(_, last)| last.saturating_add(1));
    let payload = serde_json::json!({
        TRUNCATE_BEFORE_KEY: truncate_before,
        TOMBSTONED_KEY: tombstone,
    });
    let mut metadata = EventMetadata::new(district, caller.subject.clone());
    metadata.content_type = Some("application/json".to_owned());
    let mark = EventData {
        event_id: uuid::Uuid::new_v4(),
        event_type: METADATA_TYPE.to_owned(),
        payload: payload.to_string().into_bytes(),
        metadata,
    };
    let written = store
        .append(&meta_stream(stream)?, ExpectedRevision::Any, vec![mark])
        .await
        .map_err(|error| from_store(&error))?;
    Ok(written.position)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_soft_deleted_stream_counts_as_absent_until_appended_again() {
        let deleted = Deletion {
            truncate_before: 5,
            tombstoned: false,
        };
        assert_eq!(deleted.visible(Some(4)), None);
        assert_eq!(deleted.visible(Some(5)), Some(5));
        assert_eq!(Deletion::default().visible(Some(0)), Some(0));
        assert_eq!(Deletion::default().visible(None), None);
    }
}
