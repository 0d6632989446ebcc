//! The closed loop, transition by transition: given events, when a command,
//! then the exact event and the state it leads to.

use super::given::*;
use super::*;

fn base() -> Vec<CaseAction> {
    vec![report()]
}

fn with(mut history: Vec<CaseAction>, more: &[CaseAction]) -> Vec<CaseAction> {
    history.extend_from_slice(more);
    history
}

#[test]
fn a_report_opens_the_case() {
    let event = then_event(&[], report());
    assert_eq!(
        event,
        CaseEvent::Reported(pb::CaseReported {
            case_id: CASE_ID.into(),
            district: DISTRICT.into(),
            grid: GRID.into(),
            category: "component/01/02".into(),
            source: CaseSource::Patrol.into(),
            urgency: CaseUrgency::Urgent.into(),
            description: "井盖缺失".into(),
            location: Some(pb::CaseLocation {
                latitude: 29.5630,
                longitude: 106.5516,
            }),
            reported_by: "worker-7".into(),
            reported_at: "2026-11-25T01:00:00Z".into(),
            register_deadline: "2026-11-25T01:30:00Z".into(),
            origin: String::new(),
        })
    );
    let facts = facts(&base());
    assert_eq!(facts.status, CaseStatus::Reported);
    assert_eq!(facts.deadlines.register, Some(t(30)));
    assert_eq!(facts.source, CaseSource::Patrol);
}

#[test]
fn registering_sets_the_deadlines() {
    let event = then_event(&base(), register());
    assert_eq!(
        event,
        CaseEvent::Registered(pb::CaseRegistered {
            case_id: CASE_ID.into(),
            district: DISTRICT.into(),
            registered_at: "2026-11-25T01:10:00Z".into(),
            dispatch_deadline: "2026-11-25T02:00:00Z".into(),
            handle_deadline: "2026-11-25T11:00:00Z".into(),
            close_deadline: "2026-11-26T01:00:00Z".into(),
        })
    );
    let facts = facts(&with(base(), &[register()]));
    assert_eq!(facts.status, CaseStatus::Registered);
    assert_eq!(facts.deadlines.dispatch, Some(t(60)));
    assert_eq!(facts.deadlines.handle, Some(t(600)));
    assert_eq!(facts.deadlines.close, Some(t(1440)));
}

#[test]
fn rejecting_ends_the_case() {
    let event = then_event(&base(), reject());
    assert_eq!(
        event,
        CaseEvent::Rejected(pb::CaseRejected {
            case_id: CASE_ID.into(),
            district: DISTRICT.into(),
            reason: "not a city management matter".into(),
            rejected_at: "2026-11-25T01:10:00Z".into(),
        })
    );
    assert_eq!(
        facts(&with(base(), &[reject()])).status,
        CaseStatus::Rejected
    );
}

#[test]
fn a_duplicate_merges_and_its_target_records_it() {
    let event = then_event(&base(), merge());
    assert_eq!(
        event,
        CaseEvent::Merged(pb::CaseMerged {
            case_id: CASE_ID.into(),
            district: DISTRICT.into(),
            into_case_id: OTHER_CASE_ID.into(),
            merged_at: "2026-11-25T01:10:00Z".into(),
        })
    );
    let merged = facts(&with(base(), &[merge()]));
    assert_eq!(merged.status, CaseStatus::Merged);
    assert_eq!(merged.merged_into.as_deref(), Some(OTHER_CASE_ID));

    let target = with(base(), &[register()]);
    let event = then_event(&target, absorb());
    assert_eq!(
        event,
        CaseEvent::DuplicateMerged(pb::DuplicateMerged {
            case_id: CASE_ID.into(),
            district: DISTRICT.into(),
            duplicate_case_id: OTHER_CASE_ID.into(),
            merged_at: "2026-11-25T01:12:00Z".into(),
        })
    );
    let target = facts(&with(target, &[absorb()]));
    assert_eq!(target.merged_duplicates, vec![OTHER_CASE_ID.to_owned()]);
    assert_eq!(target.status, CaseStatus::Registered, "the target goes on");
}

#[test]
fn the_full_loop_runs_to_evaluation() {
    let steps = [
        report(),
        register(),
        dispatch(UNIT),
        feedback(UNIT),
        verify(true),
        close(),
        evaluate(5),
    ];
    let (state, events) = given(&steps);
    let types: Vec<_> = events
        .iter()
        .map(gongzhi_kernel::EventCodec::event_type)
        .collect();
    assert_eq!(
        types,
        [
            "gongzhi.grids.v1.CaseReported",
            "gongzhi.grids.v1.CaseRegistered",
            "gongzhi.grids.v1.CaseDispatched",
            "gongzhi.grids.v1.CaseFeedbackGiven",
            "gongzhi.grids.v1.CaseVerified",
            "gongzhi.grids.v1.CaseClosed",
            "gongzhi.grids.v1.CaseEvaluated",
        ]
    );
    assert_eq!(
        events[2],
        CaseEvent::Dispatched(pb::CaseDispatched {
            case_id: CASE_ID.into(),
            district: DISTRICT.into(),
            unit_id: UNIT.into(),
            dispatched_at: "2026-11-25T01:20:00Z".into(),
        })
    );
    assert_eq!(
        events[3],
        CaseEvent::FeedbackGiven(pb::CaseFeedbackGiven {
            case_id: CASE_ID.into(),
            district: DISTRICT.into(),
            unit_id: UNIT.into(),
            result: "cover replaced".into(),
            feedback_at: "2026-11-25T02:40:00Z".into(),
            feedback_number: 1,
            verify_deadline: "2026-11-25T06:00:00Z".into(),
        })
    );
    assert_eq!(
        events[4],
        CaseEvent::Verified(pb::CaseVerified {
            case_id: CASE_ID.into(),
            district: DISTRICT.into(),
            verifier: "worker-7".into(),
            note: String::new(),
            verified_at: "2026-11-25T04:20:00Z".into(),
            feedback_number: 1,
        })
    );
    assert_eq!(
        events[5],
        CaseEvent::Closed(pb::CaseClosed {
            case_id: CASE_ID.into(),
            district: DISTRICT.into(),
            closed_at: "2026-11-25T05:10:00Z".into(),
            feedback_number: 1,
            close_deadline: "2026-11-26T01:00:00Z".into(),
            on_time: true,
            return_count: 0,
            rework_count: 0,
            summoned_units: vec![],
        })
    );
    assert_eq!(
        events[6],
        CaseEvent::Evaluated(pb::CaseEvaluated {
            case_id: CASE_ID.into(),
            district: DISTRICT.into(),
            rating: 5,
            comment: "quick".into(),
            evaluated_at: "2026-11-25T06:00:00Z".into(),
        })
    );
    let CaseState::Present(facts) = state else {
        panic!("case expected");
    };
    assert_eq!(facts.status, CaseStatus::Evaluated);
    assert_eq!(facts.rating, Some(5));
    assert_eq!(facts.verified_feedback, Some(1));
}

#[test]
fn a_late_close_is_not_on_time() {
    let history = with(
        base(),
        &[register(), dispatch(UNIT), feedback(UNIT), verify(true)],
    );
    let late = CaseAction::Close { closed_at: t(1441) };
    let CaseEvent::Closed(closed) = then_event(&history, late) else {
        panic!("closed event expected");
    };
    assert!(!closed.on_time);
}

#[test]
fn a_return_sends_the_case_back_for_re_dispatch_and_counts() {
    let history = with(base(), &[register(), dispatch(OTHER_UNIT)]);
    let event = then_event(&history, return_by(OTHER_UNIT));
    assert_eq!(
        event,
        CaseEvent::Returned(pb::CaseReturned {
            case_id: CASE_ID.into(),
            district: DISTRICT.into(),
            unit_id: OTHER_UNIT.into(),
            reason: "manholes belong to the water company".into(),
            returned_at: "2026-11-25T01:40:00Z".into(),
            return_count: 1,
        })
    );
    let returned = with(history, &[return_by(OTHER_UNIT)]);
    let after_return = facts(&returned);
    assert_eq!(after_return.status, CaseStatus::Registered);
    assert_eq!(after_return.dispatched_unit, None);
    assert_eq!(after_return.return_count, 1);

    let finished = with(
        returned,
        &[dispatch(UNIT), feedback(UNIT), verify(true), close()],
    );
    let (_, events) = given(&finished);
    let Some(CaseEvent::Closed(closed)) = events.last() else {
        panic!("closed event expected");
    };
    assert_eq!(closed.return_count, 1);
}

#[test]
fn a_failed_verification_sends_the_case_to_rework_and_counts() {
    let history = with(base(), &[register(), dispatch(UNIT), feedback(UNIT)]);
    let event = then_event(&history, verify(false));
    assert_eq!(
        event,
        CaseEvent::SentToRework(pb::CaseSentToRework {
            case_id: CASE_ID.into(),
            district: DISTRICT.into(),
            unit_id: UNIT.into(),
            verifier: "worker-7".into(),
            note: "cover loose".into(),
            verified_at: "2026-11-25T04:20:00Z".into(),
            feedback_number: 1,
            rework_count: 1,
        })
    );
    let twice = with(
        history,
        &[verify(false), feedback(UNIT), verify(false), feedback(UNIT)],
    );
    let after = facts(&twice);
    assert_eq!(after.rework_count, 2);
    assert_eq!(after.feedback_count, 3);
    assert_eq!(after.dispatched_unit.as_deref(), Some(UNIT));

    let (_, events) = given(&with(twice, &[verify(true), close()]));
    let Some(CaseEvent::Closed(closed)) = events.last() else {
        panic!("closed event expected");
    };
    assert_eq!((closed.rework_count, closed.feedback_number), (2, 3));
}

#[test]
fn deferring_parks_the_case_and_resuming_awaits_dispatch() {
    let history = with(base(), &[register(), dispatch(UNIT)]);
    let event = then_event(&history, defer());
    assert_eq!(
        event,
        CaseEvent::Deferred(pb::CaseDeferred {
            case_id: CASE_ID.into(),
            district: DISTRICT.into(),
            reason: "needs a budget decision".into(),
            deferred_at: "2026-11-25T01:30:00Z".into(),
            released_unit_id: UNIT.into(),
        })
    );
    let deferred = with(history, &[defer()]);
    assert_eq!(facts(&deferred).dispatched_unit, None);
    let event = then_event(&deferred, resume());
    assert_eq!(
        event,
        CaseEvent::Resumed(pb::CaseResumed {
            case_id: CASE_ID.into(),
            district: DISTRICT.into(),
            resumed_at: "2026-11-26T10:20:00Z".into(),
            retimed: false,
            dispatch_deadline: String::new(),
            handle_deadline: String::new(),
            close_deadline: String::new(),
        })
    );
    let resumed = facts(&with(deferred, &[resume()]));
    assert_eq!(resumed.status, CaseStatus::Registered);
}

#[test]
fn a_rework_case_may_be_deferred() {
    let history = history(CaseStatus::Rework);
    let event = then_event(&history, defer());
    assert!(matches!(event, CaseEvent::Deferred(d) if d.released_unit_id == UNIT));
}
