//! Every case event survives encode -> decode under its full type name, and
//! replaying decoded events rebuilds the same state.

use super::given::*;
use super::*;
use gongzhi_kernel::{DecodeError, EventCodec};

/// A history that writes every one of the nineteen event types.
fn every_event() -> Vec<CaseEvent> {
    let mut events = given(&[
        report(),
        summon("s1", &[SUMMONED_A, SUMMONED_B], t(1)),
        acknowledge(SUMMONED_A, t(2)),
        arrive(SUMMONED_A, t(3)),
        flag_late(SUMMONED_B, t(40)),
        flag_overdue(CaseStage::Register, t(31)),
        register(),
        absorb(),
        dispatch(OTHER_UNIT),
        return_by(OTHER_UNIT),
        defer(),
        resume(),
        dispatch(UNIT),
        feedback(UNIT),
        verify(false),
        feedback(UNIT),
        verify(true),
        close(),
        evaluate(3),
    ])
    .1;
    events.extend(given(&[report(), reject()]).1.into_iter().skip(1));
    events.extend(given(&[report(), merge()]).1.into_iter().skip(1));
    events
}

#[test]
fn every_event_type_round_trips() {
    let events = every_event();
    let mut types: Vec<_> = events.iter().map(EventCodec::event_type).collect();
    types.sort_unstable();
    types.dedup();
    let mut expected = CASE_EVENT_TYPES.to_vec();
    expected.sort_unstable();
    assert_eq!(types, expected, "the history writes every event type");
    assert_eq!(CASE_EVENT_TYPES.len(), 19);

    for event in &events {
        let decoded = CaseEvent::decode(event.event_type(), &event.encode());
        assert_eq!(decoded.as_ref(), Ok(event));
    }
}

#[test]
fn replaying_decoded_events_rebuilds_the_state() {
    let history = history(CaseStatus::Evaluated);
    let (state, events) = given(&history);
    let decoded: Vec<CaseEvent> = events
        .iter()
        .map(|e| CaseEvent::decode(e.event_type(), &e.encode()).expect("round trip"))
        .collect();
    assert_eq!(Case::fold(&decoded), state);
}

#[test]
fn unknown_and_malformed_payloads_are_refused() {
    assert_eq!(
        CaseEvent::decode("gongzhi.grids.v1.GridDefined", &[]),
        Err(DecodeError::UnknownType(
            "gongzhi.grids.v1.GridDefined".into()
        ))
    );
    let malformed = CaseEvent::decode("gongzhi.grids.v1.CaseReported", &[0xff, 0xff]);
    assert!(matches!(malformed, Err(DecodeError::Malformed { .. })));
}

#[test]
fn event_types_are_full_proto_names() {
    let event = given(&[report()]).1.remove(0);
    assert_eq!(event.event_type(), "gongzhi.grids.v1.CaseReported");
}
