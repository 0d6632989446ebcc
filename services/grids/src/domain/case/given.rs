//! Test vocabulary: valid commands, histories that leave a case in each
//! status, and given/when helpers.

use super::*;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use gongzhi_kernel::DistrictCode;

pub const DISTRICT: &str = "500108";
pub const OTHER_DISTRICT: &str = "110105";
pub const GRID: &str = "500108001001003";
pub const CASE_ID: &str = "0193a4f2-0000-7000-8000-000000000001";
pub const OTHER_CASE_ID: &str = "0193a4f2-0000-7000-8000-000000000002";
pub const UNIT: &str = "dept-urban-management";
pub const OTHER_UNIT: &str = "dept-water";
/// Summoned in every status history, not yet acknowledged.
pub const SUMMONED_A: &str = "unit-police-station";
/// Summoned and acknowledged in every status history.
pub const SUMMONED_B: &str = "unit-property-company";
/// Summoned in every status history, never responding.
pub const SUMMONED_C: &str = "unit-power-supply";

pub const ALL_STATUSES: [CaseStatus; 11] = [
    CaseStatus::Reported,
    CaseStatus::Registered,
    CaseStatus::Rejected,
    CaseStatus::Merged,
    CaseStatus::Dispatched,
    CaseStatus::Rework,
    CaseStatus::FeedbackGiven,
    CaseStatus::Verified,
    CaseStatus::Closed,
    CaseStatus::Evaluated,
    CaseStatus::Deferred,
];

/// Minutes after 2026-11-25 09:00 China time.
pub fn t(minutes: i64) -> DateTime<Utc> {
    let start = Utc
        .with_ymd_and_hms(2026, 11, 25, 1, 0, 0)
        .single()
        .expect("a valid fixed start");
    start + TimeDelta::minutes(minutes)
}

pub fn district(code: &str) -> DistrictCode {
    DistrictCode::parse(code).expect("valid test district")
}

pub fn in_district(action: CaseAction) -> CaseCommand {
    CaseCommand {
        district: district(DISTRICT),
        action,
    }
}

pub fn case_report() -> CaseReport {
    CaseReport {
        case_id: CASE_ID.into(),
        grid: GRID.into(),
        category: "component/01/02".into(),
        source: CaseSource::Patrol,
        urgency: CaseUrgency::Urgent,
        description: "井盖缺失".into(),
        latitude: 29.5630,
        longitude: 106.5516,
        reported_by: "worker-7".into(),
        reported_at: t(0),
        register_deadline: Some(t(30)),
        origin: String::new(),
    }
}

pub fn report() -> CaseAction {
    CaseAction::Report(case_report())
}

pub fn register() -> CaseAction {
    CaseAction::Register {
        registered_at: t(10),
        deadlines: CaseDeadlines {
            dispatch_by: Some(t(60)),
            handle_by: t(600),
            close_by: Some(t(1440)),
        },
    }
}

pub fn reject() -> CaseAction {
    CaseAction::Reject {
        reason: "not a city management matter".into(),
        rejected_at: t(10),
    }
}

pub fn merge() -> CaseAction {
    CaseAction::MergeDuplicate {
        into_case_id: OTHER_CASE_ID.into(),
        merged_at: t(10),
    }
}

pub fn absorb() -> CaseAction {
    CaseAction::AbsorbDuplicate {
        duplicate_case_id: OTHER_CASE_ID.into(),
        merged_at: t(12),
    }
}

pub fn dispatch(unit_id: &str) -> CaseAction {
    CaseAction::Dispatch {
        unit_id: unit_id.into(),
        dispatched_at: t(20),
    }
}

pub fn return_by(unit_id: &str) -> CaseAction {
    CaseAction::ReturnByUnit {
        unit_id: unit_id.into(),
        reason: "manholes belong to the water company".into(),
        returned_at: t(40),
    }
}

pub fn feedback(unit_id: &str) -> CaseAction {
    CaseAction::Feedback {
        unit_id: unit_id.into(),
        result: "cover replaced".into(),
        feedback_at: t(100),
        verify_deadline: Some(t(300)),
    }
}

pub fn verify(passed: bool) -> CaseAction {
    CaseAction::Verify {
        passed,
        verifier: "worker-7".into(),
        note: if passed { "" } else { "cover loose" }.into(),
        verified_at: t(200),
    }
}

pub fn close() -> CaseAction {
    CaseAction::Close { closed_at: t(250) }
}

pub fn evaluate(rating: u32) -> CaseAction {
    CaseAction::Evaluate {
        rating,
        comment: "quick".into(),
        evaluated_at: t(300),
    }
}

pub fn defer() -> CaseAction {
    CaseAction::Defer {
        reason: "needs a budget decision".into(),
        deferred_at: t(30),
    }
}

pub fn resume() -> CaseAction {
    CaseAction::Resume {
        resumed_at: t(2000),
        deadlines: None,
    }
}

pub fn flag_overdue(stage: CaseStage, now: DateTime<Utc>) -> CaseAction {
    CaseAction::FlagOverdue { stage, now }
}

pub fn summon(summon_id: &str, unit_ids: &[&str], at: DateTime<Utc>) -> CaseAction {
    CaseAction::Summon {
        summon_id: summon_id.into(),
        unit_ids: unit_ids.iter().map(|u| (*u).to_owned()).collect(),
        summoned_by: "500108001".into(),
        summoned_at: at,
        respond_within: TimeDelta::minutes(30),
    }
}

pub fn acknowledge(unit_id: &str, at: DateTime<Utc>) -> CaseAction {
    CaseAction::Acknowledge {
        unit_id: unit_id.into(),
        at,
    }
}

pub fn arrive(unit_id: &str, at: DateTime<Utc>) -> CaseAction {
    CaseAction::ArriveOnSite {
        unit_id: unit_id.into(),
        at,
    }
}

pub fn flag_late(unit_id: &str, now: DateTime<Utc>) -> CaseAction {
    CaseAction::FlagLateSummons {
        unit_id: unit_id.into(),
        now,
    }
}

/// A history that leaves the case in `status`, with units A, B and C
/// summoned at t(1) (respond by t(31)) and B acknowledged.
pub fn history(status: CaseStatus) -> Vec<CaseAction> {
    let mut actions = vec![
        report(),
        summon("s1", &[SUMMONED_A, SUMMONED_B, SUMMONED_C], t(1)),
        acknowledge(SUMMONED_B, t(2)),
    ];
    let handled = [register(), dispatch(UNIT), feedback(UNIT)];
    let rest: Vec<CaseAction> = match status {
        CaseStatus::Reported => vec![],
        CaseStatus::Registered => vec![register()],
        CaseStatus::Rejected => vec![reject()],
        CaseStatus::Merged => vec![merge()],
        CaseStatus::Dispatched => vec![register(), dispatch(UNIT)],
        CaseStatus::FeedbackGiven => handled.to_vec(),
        CaseStatus::Rework => [&handled[..], &[verify(false)]].concat(),
        CaseStatus::Verified => [&handled[..], &[verify(true)]].concat(),
        CaseStatus::Closed => [&handled[..], &[verify(true), close()]].concat(),
        CaseStatus::Evaluated => [&handled[..], &[verify(true), close(), evaluate(5)]].concat(),
        CaseStatus::Deferred => vec![register(), defer()],
    };
    actions.extend(rest);
    actions
}

pub fn given(history: &[CaseAction]) -> (CaseState, Vec<CaseEvent>) {
    let mut state = CaseState::Absent;
    let mut events = Vec::new();
    for action in history {
        let decided = Case::decide(&state, in_district(action.clone()));
        for event in decided.unwrap_or_else(|e| panic!("history {action:?} refused: {e}")) {
            state = Case::evolve(state, &event);
            events.push(event);
        }
    }
    (state, events)
}

pub fn when(history: &[CaseAction], action: CaseAction) -> Result<Vec<CaseEvent>, CaseError> {
    Case::decide(&given(history).0, in_district(action))
}

/// The one event a command yields after `history`.
pub fn then_event(history: &[CaseAction], action: CaseAction) -> CaseEvent {
    let events = when(history, action.clone())
        .unwrap_or_else(|e| panic!("{action:?} refused after {history:?}: {e}"));
    assert_eq!(events.len(), 1, "one event per command");
    events.into_iter().next().expect("length checked above")
}

pub fn facts(history: &[CaseAction]) -> CaseFacts {
    match given(history).0 {
        CaseState::Present(facts) => *facts,
        CaseState::Absent => panic!("case expected after {history:?}"),
    }
}

pub fn refused(action: CaseActionKind, status: CaseStatus) -> Result<Vec<CaseEvent>, CaseError> {
    Err(CaseError::TransitionNotAllowed { action, status })
}
