//! `Streams.Append`: options first, then the events. Every rule in
//! [`crate::access`] is checked before the store is touched, so a refused
//! append changes nothing; the store then checks the expected revision and
//! answers retries of the same event ids with the original result.

use crate::access::{self, Refusal};
use crate::deletion;
use crate::mapping::{CONTENT_TYPE_KEY, OCTET_STREAM, TYPE_KEY, expected_revision, uuid_from_wire};
use crate::status::{access_denied, from_store, invalid, stream_deleted, too_large};
use crate::wire::streams::{AppendReq, AppendResp, append_req, append_resp};
use crate::{EsdbConfig, wire};
use gongzhi_eventstore::{
    EventData, EventMetadata, ExpectedRevision, SharedEventStore, StoreError, StreamName,
};
use gongzhi_kernel::DistrictCode;
use gongzhi_server::Caller;
use tonic::{Status, Streaming};

/// Largest append accepted, payloads and custom metadata together
/// (EventStoreDB's default limit is 1 MiB too).
pub(crate) const MAX_APPEND_BYTES: usize = 1024 * 1024;

const DISTRICT_KEY: &str = "district";
const CORRELATION_KEY: &str = "$correlationId";
const CAUSATION_KEY: &str = "$causationId";

pub(crate) async fn append(
    store: &SharedEventStore,
    config: &EsdbConfig,
    caller: &Caller,
    mut messages: Streaming<AppendReq>,
) -> Result<AppendResp, Status> {
    if config.writes == crate::Writes::Off {
        return Err(refused(Refusal::ReadOnly));
    }
    let options = match messages.message().await?.and_then(|m| m.content) {
        Some(append_req::Content::Options(options)) => options,
        _ => return Err(invalid("an append starts with its options")),
    };
    let stream = stream_name(options.stream_identifier.as_ref())?;
    let expected = expected_revision(options.expected_stream_revision).map_err(invalid)?;
    access::check_stream_write(config, caller, &stream).map_err(refused)?;

    let mut events = Vec::new();
    let mut total_bytes = 0usize;
    while let Some(message) = messages.message().await? {
        let Some(append_req::Content::ProposedMessage(proposed)) = message.content else {
            return Err(invalid("the options of an append come once, first"));
        };
        total_bytes = total_bytes
            .saturating_add(proposed.data.len())
            .saturating_add(proposed.custom_metadata.len());
        if total_bytes > MAX_APPEND_BYTES {
            return Err(too_large(format!(
                "an append may carry at most {MAX_APPEND_BYTES} bytes"
            )));
        }
        events.push(event_data(caller, proposed)?);
    }
    if events.is_empty() {
        return Err(invalid("an append needs at least one event"));
    }
    let ends = deletion::ends(store, &stream).await?;
    if let Some((first, _)) = &ends {
        access::check_existing_stream(caller, first).map_err(refused)?;
    }
    let marks = deletion::deletion(store, &stream).await?;
    if marks.tombstoned {
        return Err(stream_deleted(stream.as_str()));
    }
    let last = ends.map(|(_, last)| last);
    let visible = marks.visible(last);
    // After a soft delete the stream counts as absent while revisions go on.
    let store_expected = match (expected, last) {
        (ExpectedRevision::NoStream, Some(last)) if visible.is_none() => {
            ExpectedRevision::Exact(last)
        }
        (ExpectedRevision::StreamExists, Some(_)) if visible.is_none() => {
            return Ok(AppendResp {
                result: Some(append_resp::Result::WrongExpectedVersion(wrong_expected(
                    expected, None,
                ))),
            });
        }
        _ => expected,
    };

    let result = match store.append(&stream, store_expected, events).await {
        Ok(result) => append_resp::Result::Success(append_resp::Success {
            current_revision_option: Some(
                append_resp::success::CurrentRevisionOption::CurrentRevision(
                    result.next_expected_revision,
                ),
            ),
            position_option: Some(append_resp::success::PositionOption::Position(
                append_resp::Position {
                    commit_position: result.position,
                    prepare_position: result.position,
                },
            )),
        }),
        Err(StoreError::WrongExpectedRevision { actual, .. }) => {
            append_resp::Result::WrongExpectedVersion(wrong_expected(
                expected,
                marks.visible(actual),
            ))
        }
        Err(error) => return Err(from_store(&error)),
    };
    Ok(AppendResp {
        result: Some(result),
    })
}

fn refused(refusal: Refusal) -> Status {
    access_denied(refusal.to_string())
}

pub(crate) fn stream_name(
    identifier: Option<&wire::StreamIdentifier>,
) -> Result<StreamName, Status> {
    let raw = identifier
        .map(|id| id.stream_name.as_slice())
        .ok_or_else(|| invalid("the stream name is missing"))?;
    let raw = std::str::from_utf8(raw).map_err(|_| invalid("the stream name is not UTF-8"))?;
    StreamName::parse(raw).map_err(|e| invalid(e.to_string()))
}

/// One proposed event as Gongzhi stores it.
fn event_data(caller: &Caller, proposed: append_req::ProposedMessage) -> Result<EventData, Status> {
    let event_id = uuid_from_wire(proposed.id.as_ref()).map_err(invalid)?;
    let event_type = proposed
        .metadata
        .get(TYPE_KEY)
        .filter(|t| !t.is_empty())
        .cloned()
        .ok_or_else(|| invalid("every event needs a \"type\" in its metadata"))?;
    access::check_event_type(&event_type).map_err(refused)?;
    let content_type = proposed
        .metadata
        .get(CONTENT_TYPE_KEY)
        .cloned()
        .unwrap_or_else(|| OCTET_STREAM.to_owned());
    let custom = custom_metadata(&proposed.custom_metadata)?;
    let district = custom
        .get(DISTRICT_KEY)
        .map(|value| {
            value
                .as_str()
                .and_then(|raw| DistrictCode::parse(raw).ok())
                .ok_or_else(|| invalid("\"district\" must be a 6-digit district code"))
        })
        .transpose()?;
    let district = access::event_district(caller, district).map_err(refused)?;
    let uuid_of = |key: &str| {
        custom
            .get(key)
            .and_then(serde_json::Value::as_str)
            .and_then(|raw| uuid::Uuid::parse_str(raw).ok())
    };
    let mut metadata = EventMetadata::new(district, caller.subject.clone());
    if let Some(correlation_id) = uuid_of(CORRELATION_KEY) {
        metadata.correlation_id = correlation_id;
    }
    metadata.causation_id = uuid_of(CAUSATION_KEY);
    metadata.content_type = Some(content_type);
    Ok(EventData {
        event_id,
        event_type,
        payload: proposed.data,
        metadata,
    })
}

/// Custom metadata must be empty or a JSON object; the keys Gongzhi keeps
/// are `district`, `$correlationId` and `$causationId`.
fn custom_metadata(raw: &[u8]) -> Result<serde_json::Map<String, serde_json::Value>, Status> {
    if raw.is_empty() {
        return Ok(serde_json::Map::new());
    }
    serde_json::from_slice(raw).map_err(|_| invalid("custom metadata must be a JSON object"))
}

fn wrong_expected(
    expected: ExpectedRevision,
    actual: Option<u64>,
) -> append_resp::WrongExpectedVersion {
    use append_resp::wrong_expected_version::{
        CurrentRevisionOption, CurrentRevisionOption2060, ExpectedRevisionOption,
        ExpectedRevisionOption2060,
    };
    let empty = wire::Empty {};
    let (current, current_old) = match actual {
        Some(revision) => (
            CurrentRevisionOption::CurrentRevision(revision),
            CurrentRevisionOption2060::CurrentRevision2060(revision),
        ),
        None => (
            CurrentRevisionOption::CurrentNoStream(empty),
            CurrentRevisionOption2060::NoStream2060(empty),
        ),
    };
    let (expected_now, expected_old) = match expected {
        ExpectedRevision::Exact(revision) => (
            ExpectedRevisionOption::ExpectedRevision(revision),
            Some(ExpectedRevisionOption2060::ExpectedRevision2060(revision)),
        ),
        ExpectedRevision::Any => (
            ExpectedRevisionOption::ExpectedAny(empty),
            Some(ExpectedRevisionOption2060::Any2060(empty)),
        ),
        ExpectedRevision::StreamExists => (
            ExpectedRevisionOption::ExpectedStreamExists(empty),
            Some(ExpectedRevisionOption2060::StreamExists2060(empty)),
        ),
        // The older layout has no "no stream" arm.
        ExpectedRevision::NoStream => (ExpectedRevisionOption::ExpectedNoStream(empty), None),
    };
    append_resp::WrongExpectedVersion {
        current_revision_option_20_6_0: Some(current_old),
        expected_revision_option_20_6_0: expected_old,
        current_revision_option: Some(current),
        expected_revision_option: Some(expected_now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_expected_version_carries_both_revisions() {
        use append_resp::wrong_expected_version::{CurrentRevisionOption, ExpectedRevisionOption};
        let answer = wrong_expected(ExpectedRevision::Exact(3), Some(7));
        assert_eq!(
            answer.current_revision_option,
            Some(CurrentRevisionOption::CurrentRevision(7))
        );
        assert_eq!(
            answer.expected_revision_option,
            Some(ExpectedRevisionOption::ExpectedRevision(3))
        );
        let missing = wrong_expected(ExpectedRevision::StreamExists, None);
        assert!(matches!(
            missing.current_revision_option,
            Some(CurrentRevisionOption::CurrentNoStream(_))
        ));
    }

    #[test]
    fn custom_metadata_must_be_a_json_object() {
        assert!(custom_metadata(b"").is_ok());
        assert!(custom_metadata(br#"{"district":"500108"}"#).is_ok());
        assert!(custom_metadata(b"not json").is_err());
        assert!(custom_metadata(b"[1]").is_err());
    }
}
