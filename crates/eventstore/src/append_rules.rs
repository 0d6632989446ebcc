//! Pure rules of `append`, shared by both backends: the checks done before
//! anything is written, the expected-revision check, and the judgement of a
//! retried append whose event ids are already stored (idempotent answer,
//! id conflict, or wrong expected revision, as EventStoreDB answers).

use crate::StoreError;
use gongzhi_kernel::{AppendResult, EventData, ExpectedRevision, StreamName};
use uuid::Uuid;

/// Where an event id of the append is already stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredLocation {
    pub event_id: Uuid,
    pub stream: String,
    pub revision: u64,
    pub position: u64,
}

/// Refuses empty appends and events over `max_event_bytes`, before any I/O.
pub(crate) fn check_events(events: &[EventData], max_event_bytes: usize) -> Result<(), StoreError> {
    if events.is_empty() {
        return Err(StoreError::EmptyAppend);
    }
    for event in events {
        let size = event.stored_size();
        if size > max_event_bytes {
            return Err(StoreError::EventTooLarge {
                event_id: event.event_id,
                size,
                max: max_event_bytes,
            });
        }
    }
    Ok(())
}

/// Checks `expected` against the stream's last revision (`None`: no stream).
pub(crate) fn check_expected(
    stream: &StreamName,
    expected: ExpectedRevision,
    current: Option<u64>,
) -> Result<(), StoreError> {
    let holds = match expected {
        ExpectedRevision::Any => true,
        ExpectedRevision::NoStream => current.is_none(),
        ExpectedRevision::StreamExists => current.is_some(),
        ExpectedRevision::Exact(revision) => current == Some(revision),
    };
    if holds {
        Ok(())
    } else {
        Err(wrong_expected(stream, expected, current))
    }
}

pub(crate) fn wrong_expected(
    stream: &StreamName,
    expected: ExpectedRevision,
    current: Option<u64>,
) -> StoreError {
    StoreError::WrongExpectedRevision {
        stream: stream.clone(),
        expected,
        actual: current,
    }
}

/// Judges an append whose ids were (some of them) found already stored.
///
/// `None` when none of the ids is stored: the append is not a retry and the
/// caller reports its own error. Otherwise the original result when all ids
/// sit consecutively in this stream where `expected` would have put them, or
/// the error EventStoreDB would give.
pub(crate) fn judge_retry(
    stream: &StreamName,
    expected: ExpectedRevision,
    event_ids: &[Uuid],
    found: &[StoredLocation],
    current: Option<u64>,
) -> Option<Result<AppendResult, StoreError>> {
    let first_found = found.first()?;
    let conflict = |location: &StoredLocation| StoreError::EventIdConflict {
        event_id: location.event_id,
        stream: stream.clone(),
        revision: location.revision,
    };
    if let Some(elsewhere) = found.iter().find(|l| l.stream != stream.as_str()) {
        return Some(Err(conflict(elsewhere)));
    }
    let mut locations = Vec::with_capacity(event_ids.len());
    for event_id in event_ids {
        match found.iter().find(|l| l.event_id == *event_id) {
            Some(location) => locations.push(location),
            // Only part of the append is stored: not the same append.
            None => return Some(Err(conflict(first_found))),
        }
    }
    let (Some(first), Some(last)) = (locations.first(), locations.last()) else {
        return None;
    };
    let consecutive = locations
        .iter()
        .zip(first.revision..)
        .all(|(location, revision)| location.revision == revision);
    if !consecutive {
        return Some(Err(conflict(first)));
    }
    let same_place = match expected {
        ExpectedRevision::Any | ExpectedRevision::StreamExists => true,
        ExpectedRevision::NoStream => first.revision == 0,
        ExpectedRevision::Exact(revision) => Some(first.revision) == revision.checked_add(1),
    };
    if !same_place {
        return Some(Err(wrong_expected(stream, expected, current)));
    }
    Some(Ok(AppendResult {
        next_expected_revision: last.revision,
        position: last.position,
    }))
}

/// Converts a stored (signed) number back to the API's `u64`.
pub(crate) fn stored_u64(value: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("negative {what} {value}")))
}

/// Converts an API number to the stored signed type, saturating: positions
/// and revisions beyond `i64::MAX` cannot exist, so saturating keeps
/// comparisons right.
pub(crate) fn to_stored(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StoreErrorKind;
    use gongzhi_kernel::EventMetadata;

    fn stream() -> StreamName {
        StreamName::parse("resident-1").expect("literal stream name is valid")
    }

    fn at(event_id: Uuid, stream: &str, revision: u64) -> StoredLocation {
        StoredLocation {
            event_id,
            stream: stream.to_owned(),
            revision,
            position: revision + 100,
        }
    }

    fn kind(
        result: Option<Result<AppendResult, StoreError>>,
    ) -> Option<Result<AppendResult, StoreErrorKind>> {
        result.map(|r| r.map_err(|e| e.kind()))
    }

    #[test]
    fn expected_revision_cases() {
        let s = stream();
        assert!(check_expected(&s, ExpectedRevision::Any, None).is_ok());
        assert!(check_expected(&s, ExpectedRevision::Any, Some(3)).is_ok());
        assert!(check_expected(&s, ExpectedRevision::NoStream, None).is_ok());
        assert!(check_expected(&s, ExpectedRevision::NoStream, Some(0)).is_err());
        assert!(check_expected(&s, ExpectedRevision::StreamExists, Some(0)).is_ok());
        assert!(check_expected(&s, ExpectedRevision::StreamExists, None).is_err());
        assert!(check_expected(&s, ExpectedRevision::Exact(2), Some(2)).is_ok());
        match check_expected(&s, ExpectedRevision::Exact(2), Some(5)) {
            Err(StoreError::WrongExpectedRevision { actual, .. }) => assert_eq!(actual, Some(5)),
            other => panic!("expected wrong expected revision, got {other:?}"),
        }
    }

    #[test]
    fn refuses_empty_and_oversized_appends() {
        assert_eq!(
            check_events(&[], 10).map_err(|e| e.kind()),
            Err(StoreErrorKind::EmptyAppend)
        );
        let event = EventData {
            event_id: Uuid::new_v4(),
            event_type: "gongzhi.t.v1.T".into(),
            payload: vec![0; 64],
            metadata: EventMetadata::new(None, "tester"),
        };
        let size = event.stored_size();
        assert!(check_events(std::slice::from_ref(&event), size).is_ok());
        assert_eq!(
            check_events(&[event], size - 1).map_err(|e| e.kind()),
            Err(StoreErrorKind::EventTooLarge)
        );
    }

    #[test]
    fn not_a_retry_when_nothing_is_stored() {
        let ids = [Uuid::new_v4()];
        assert!(judge_retry(&stream(), ExpectedRevision::Any, &ids, &[], Some(0)).is_none());
    }

    #[test]
    fn same_ids_at_the_same_place_answer_the_original_result() {
        let ids = [Uuid::new_v4(), Uuid::new_v4()];
        let found = [at(ids[1], "resident-1", 4), at(ids[0], "resident-1", 3)];
        let expected = Some(Ok(AppendResult {
            next_expected_revision: 4,
            position: 104,
        }));
        for expectation in [
            ExpectedRevision::Any,
            ExpectedRevision::StreamExists,
            ExpectedRevision::Exact(2),
        ] {
            assert_eq!(
                kind(judge_retry(&stream(), expectation, &ids, &found, Some(9))),
                expected
            );
        }
        assert_eq!(
            kind(judge_retry(
                &stream(),
                ExpectedRevision::NoStream,
                &ids,
                &found,
                Some(9)
            )),
            Some(Err(StoreErrorKind::WrongExpectedRevision))
        );
        assert_eq!(
            kind(judge_retry(
                &stream(),
                ExpectedRevision::Exact(1),
                &ids,
                &found,
                Some(9)
            )),
            Some(Err(StoreErrorKind::WrongExpectedRevision))
        );
    }

    #[test]
    fn misplaced_or_partial_ids_conflict() {
        let ids = [Uuid::new_v4(), Uuid::new_v4()];
        let elsewhere = [at(ids[0], "resident-2", 0), at(ids[1], "resident-2", 1)];
        let partial = [at(ids[0], "resident-1", 0)];
        let scattered = [at(ids[0], "resident-1", 0), at(ids[1], "resident-1", 2)];
        for found in [&elsewhere[..], &partial[..], &scattered[..]] {
            assert_eq!(
                kind(judge_retry(
                    &stream(),
                    ExpectedRevision::Any,
                    &ids,
                    found,
                    Some(2)
                )),
                Some(Err(StoreErrorKind::EventIdConflict))
            );
        }
    }

    #[test]
    fn stored_numbers_round_trip() {
        assert_eq!(to_stored(u64::MAX), i64::MAX);
        assert_eq!(stored_u64(7, "position").ok(), Some(7));
        assert!(stored_u64(-1, "position").is_err());
    }
}
