//! Who sees which events and who may write where. Pure rules, no I/O, so
//! the handlers check them before touching the store and a refusal changes
//! nothing.

use crate::{EsdbConfig, WRITER_ROLE, Writes};
use gongzhi_kernel::{DistrictCode, RecordedEvent, StreamName};
use gongzhi_server::Caller;

/// Event types in this namespace are Gongzhi's protobuf events: relays
/// publish them to the bus and projections decode them.
pub const RESERVED_TYPE_PREFIX: &str = "gongzhi.";

/// A caller sees an event of its districts; a city-wide caller sees all,
/// including events that name no district.
pub fn can_see(caller: &Caller, event: &RecordedEvent) -> bool {
    if caller.is_city_wide() {
        return true;
    }
    event
        .metadata
        .district
        .as_ref()
        .is_some_and(|district| caller.districts.contains(district))
}

/// Why a write is refused; every reason answers access-denied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(
        "this EventStoreDB surface is read-only; GONGZHI_ESDB_WRITES=external allows appends to streams no Gongzhi context owns"
    )]
    ReadOnly,
    #[error(
        "stream {0} belongs to a Gongzhi context: its events are written only by Gongzhi's commands, and never deleted (the record is evidence; personal data is erased by crypto-shredding)"
    )]
    OwnedStream(String),
    #[error("stream {0} holds the deletion marks of other streams; it is written by deletes only")]
    MetadataStream(String),
    #[error("writing needs the role {WRITER_ROLE} or city_admin")]
    MissingRole,
    #[error("event type {0:?} is in the namespace reserved for Gongzhi's own events (gongzhi.)")]
    ReservedType(String),
    #[error("caller may not act on district {0}")]
    OtherDistrict(String),
    #[error(
        "say the event's district as \"district\" in the custom metadata (JSON): the caller acts for several districts or none"
    )]
    DistrictNeeded,
}

/// May `caller` write to `stream` at all (before looking at the events)?
pub fn check_stream_write(
    config: &EsdbConfig,
    caller: &Caller,
    stream: &StreamName,
) -> Result<(), Refusal> {
    if config.writes == Writes::Off {
        return Err(Refusal::ReadOnly);
    }
    if config.owned_categories.contains(stream.category()) {
        return Err(Refusal::OwnedStream(stream.to_string()));
    }
    if stream.category() == crate::deletion::META_CATEGORY {
        return Err(Refusal::MetadataStream(stream.to_string()));
    }
    if !(caller.has_role(WRITER_ROLE) || caller.is_city_wide()) {
        return Err(Refusal::MissingRole);
    }
    Ok(())
}

/// An event type a client may append.
pub fn check_event_type(event_type: &str) -> Result<(), Refusal> {
    if event_type.starts_with(RESERVED_TYPE_PREFIX) {
        return Err(Refusal::ReservedType(event_type.to_owned()));
    }
    Ok(())
}

/// A stream that already exists stays writable only if it was never
/// Gongzhi's and the caller sees it.
pub fn check_existing_stream(caller: &Caller, first_event: &RecordedEvent) -> Result<(), Refusal> {
    if first_event.event_type.starts_with(RESERVED_TYPE_PREFIX) {
        return Err(Refusal::OwnedStream(first_event.stream.to_string()));
    }
    if !can_see(caller, first_event) {
        let district = first_event
            .metadata
            .district
            .as_ref()
            .map_or_else(|| "(none)".to_owned(), ToString::to_string);
        return Err(Refusal::OtherDistrict(district));
    }
    Ok(())
}

/// The district an appended event is filed under: the one the client named
/// (which the caller must hold), else the caller's only district; a
/// city-wide caller may leave it out.
pub fn event_district(
    caller: &Caller,
    requested: Option<DistrictCode>,
) -> Result<Option<DistrictCode>, Refusal> {
    if let Some(district) = requested {
        if caller.is_city_wide() || caller.districts.contains(&district) {
            return Ok(Some(district));
        }
        return Err(Refusal::OtherDistrict(district.to_string()));
    }
    match caller.districts.as_slice() {
        [only] => Ok(Some(only.clone())),
        _ if caller.is_city_wide() => Ok(None),
        _ => Err(Refusal::DistrictNeeded),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongzhi_kernel::EventMetadata;
    use std::collections::BTreeSet;

    fn district(code: &str) -> DistrictCode {
        DistrictCode::parse(code).unwrap_or_else(|e| panic!("test district: {e}"))
    }

    fn caller(roles: &[&str], districts: &[&str]) -> Caller {
        Caller {
            subject: "tester".into(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            districts: districts.iter().map(|d| district(d)).collect(),
        }
    }

    fn config(writes: Writes) -> EsdbConfig {
        EsdbConfig {
            writes,
            owned_categories: BTreeSet::from(["resident".to_owned()]),
            advertised: std::net::SocketAddr::from(([127, 0, 0, 1], 2113)),
        }
    }

    fn stream(raw: &str) -> StreamName {
        StreamName::parse(raw).unwrap_or_else(|e| panic!("test stream: {e}"))
    }

    fn event(event_type: &str, district_code: Option<&str>) -> RecordedEvent {
        RecordedEvent {
            event_id: uuid::Uuid::new_v4(),
            stream: stream("order-1"),
            revision: 0,
            position: 1,
            event_type: event_type.into(),
            payload: Vec::new(),
            metadata: EventMetadata::new(district_code.map(district), "tester"),
            recorded_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn districts_decide_what_a_caller_sees() {
        let worker = caller(&[], &["500108"]);
        let admin = caller(&["city_admin"], &[]);
        assert!(can_see(&worker, &event("Ordered", Some("500108"))));
        assert!(!can_see(&worker, &event("Ordered", Some("500103"))));
        assert!(!can_see(&worker, &event("Ordered", None)));
        assert!(can_see(&admin, &event("Ordered", Some("500103"))));
        assert!(can_see(&admin, &event("Ordered", None)));
    }

    #[test]
    fn writes_need_the_setting_a_foreign_stream_and_the_role() {
        let writer = caller(&[WRITER_ROLE], &["500108"]);
        let reader = caller(&[], &["500108"]);
        let order = stream("order-1");
        assert_eq!(
            check_stream_write(&config(Writes::Off), &writer, &order),
            Err(Refusal::ReadOnly)
        );
        let external = config(Writes::External);
        assert!(check_stream_write(&external, &writer, &order).is_ok());
        assert!(check_stream_write(&external, &caller(&["city_admin"], &[]), &order).is_ok());
        assert_eq!(
            check_stream_write(&external, &reader, &order),
            Err(Refusal::MissingRole)
        );
        assert!(matches!(
            check_stream_write(&external, &writer, &stream("resident-1")),
            Err(Refusal::OwnedStream(_))
        ));
    }

    #[test]
    fn gongzhi_types_and_streams_stay_gongzhis() {
        let writer = caller(&[WRITER_ROLE], &["500108"]);
        assert!(check_event_type("OrderPlaced").is_ok());
        assert!(check_event_type("gongzhi.residents.v1.ResidentRegistered").is_err());
        let owned = event("gongzhi.residents.v1.ResidentRegistered", Some("500108"));
        assert!(matches!(
            check_existing_stream(&writer, &owned),
            Err(Refusal::OwnedStream(_))
        ));
        let elsewhere = event("OrderPlaced", Some("500103"));
        assert!(matches!(
            check_existing_stream(&writer, &elsewhere),
            Err(Refusal::OtherDistrict(_))
        ));
        assert!(check_existing_stream(&writer, &event("OrderPlaced", Some("500108"))).is_ok());
    }

    #[test]
    fn appended_events_are_filed_under_a_district_the_caller_holds() {
        let one = caller(&[WRITER_ROLE], &["500108"]);
        let two = caller(&[WRITER_ROLE], &["500108", "500103"]);
        let admin = caller(&["city_admin"], &[]);
        assert_eq!(event_district(&one, None), Ok(Some(district("500108"))));
        assert_eq!(
            event_district(&one, Some(district("500103"))),
            Err(Refusal::OtherDistrict("500103".into()))
        );
        assert_eq!(event_district(&two, None), Err(Refusal::DistrictNeeded));
        assert_eq!(
            event_district(&two, Some(district("500103"))),
            Ok(Some(district("500103")))
        );
        assert_eq!(event_district(&admin, None), Ok(None));
    }
}
