//! Given events, when a command, then events or an error.

use super::*;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::residents::v1 as pb;

pub(super) const DISTRICT: &str = "500108";

pub(super) fn district(code: &str) -> DistrictCode {
    DistrictCode::parse(code).expect("valid test district")
}

pub(super) fn at(hours: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0)
        .single()
        .expect("valid test time")
        + TimeDelta::hours(hours)
}

fn raise_of(kind: ProposalKind, street_problem: Option<StreetProblem>) -> ProposalCommand {
    ProposalCommand::Raise {
        district: district(DISTRICT),
        raise: ProposalRaise {
            proposal_id: "p1".into(),
            kind,
            title: "broken street light".into(),
            body: "the light at gate 3 is out".into(),
            community: "500108001001".into(),
            raised_by: "r-1".into(),
            raised_at: at(0),
            street_problem,
        },
    }
}

pub(super) fn raise() -> ProposalCommand {
    raise_of(ProposalKind::Proposal, None)
}

fn street_problem() -> StreetProblem {
    StreetProblem {
        grid: "500108001001001".into(),
        category: "street light".into(),
        address: "gate 3".into(),
        latitude: 29.5,
        longitude: 106.5,
    }
}

fn worker() -> Owner {
    Owner {
        kind: ProposalOwnerKind::Worker,
        id: "w-1".into(),
    }
}

fn assign() -> ProposalCommand {
    ProposalCommand::Assign {
        district: district(DISTRICT),
        owner: worker(),
        deadline: at(72),
        assigned_at: at(1),
    }
}

pub(super) fn support(resident_id: &str) -> ProposalCommand {
    ProposalCommand::Support {
        district: district(DISTRICT),
        resident_id: resident_id.into(),
        supported_at: at(2),
    }
}

fn answer_by(by: Owner, admin: bool) -> ProposalCommand {
    ProposalCommand::Answer {
        district: district(DISTRICT),
        answered_by: by,
        admin,
        answer: "fixed on monday".into(),
        answered_at: at(10),
    }
}

fn answer() -> ProposalCommand {
    answer_by(worker(), false)
}

fn close() -> ProposalCommand {
    ProposalCommand::Close {
        district: district(DISTRICT),
        closed_at: at(11),
    }
}

fn flag(now_hours: i64) -> ProposalCommand {
    ProposalCommand::FlagOverdue {
        district: district(DISTRICT),
        now: at(now_hours),
    }
}

pub(super) fn given(history: &[ProposalCommand]) -> ProposalState {
    let mut state = ProposalState::Absent;
    for command in history {
        for event in Proposal::decide(&state, command.clone()).expect("history must be valid") {
            state = Proposal::evolve(state, &event);
        }
    }
    state
}

fn when(
    history: &[ProposalCommand],
    command: ProposalCommand,
) -> Result<Vec<ProposalEvent>, ProposalError> {
    Proposal::decide(&given(history), command)
}

#[test]
fn raising_a_proposal_records_it_without_a_grid_case() {
    let events = when(&[], raise()).expect("raise");
    let [ProposalEvent::Raised(e)] = events.as_slice() else {
        panic!("one raised event expected, got {events:?}");
    };
    assert_eq!(e.district, DISTRICT);
    assert_eq!(e.raised_at, "2026-03-01T08:00:00Z");
    assert!(!e.becomes_grid_case);
    assert_eq!(e.street_problem, None);
}

#[test]
fn a_street_complaint_becomes_a_grid_case() {
    let events = when(
        &[],
        raise_of(ProposalKind::Complaint, Some(street_problem())),
    )
    .expect("raise complaint");
    let [ProposalEvent::Raised(e)] = events.as_slice() else {
        panic!("one raised event expected, got {events:?}");
    };
    assert!(e.becomes_grid_case);
    let problem = e.street_problem.as_ref().expect("street problem");
    assert_eq!(problem.grid, "500108001001001");
    assert_eq!(
        problem.location.as_ref().map(|l| l.address.as_str()),
        Some("gate 3")
    );
}

#[test]
fn a_proposal_cannot_be_a_street_problem() {
    assert_eq!(
        when(
            &[],
            raise_of(ProposalKind::Proposal, Some(street_problem()))
        ),
        Err(ProposalError::StreetProblemOnlyForComplaints)
    );
}

#[test]
fn a_street_problem_outside_the_district_is_refused() {
    let mut problem = street_problem();
    problem.grid = "110105001001001".into();
    let result = when(&[], raise_of(ProposalKind::Complaint, Some(problem)));
    assert_eq!(result.map_err(|e| e.reason()), Err("GRID_OUTSIDE_DISTRICT"));
}

#[test]
fn raising_with_bad_input_is_refused() {
    assert_eq!(
        when(&[], raise_of(ProposalKind::Unspecified, None)),
        Err(ProposalError::Required { field: "kind" })
    );
    let mut command = raise();
    if let ProposalCommand::Raise { raise, .. } = &mut command {
        raise.title = "  ".into();
    }
    assert_eq!(
        when(&[], command),
        Err(ProposalError::Required { field: "title" })
    );
    let mut command = raise();
    if let ProposalCommand::Raise { raise, .. } = &mut command {
        raise.community = "110105001001".into();
    }
    assert_eq!(
        when(&[], command).map_err(|e| e.reason()),
        Err("COMMUNITY_OUTSIDE_DISTRICT")
    );
    let mut command = raise();
    if let ProposalCommand::Raise { raise, .. } = &mut command {
        raise.body = "x".repeat(2001);
    }
    assert_eq!(
        when(&[], command),
        Err(ProposalError::TooLong {
            field: "body",
            chars: 2001,
            max: 2000
        })
    );
}

#[test]
fn raising_twice_is_refused() {
    assert_eq!(when(&[raise()], raise()), Err(ProposalError::AlreadyExists));
}

#[test]
fn commands_on_a_missing_item_are_refused() {
    assert_eq!(when(&[], assign()), Err(ProposalError::NotFound));
    assert_eq!(when(&[], support("r-2")), Err(ProposalError::NotFound));
}

#[test]
fn another_district_is_refused() {
    let command = ProposalCommand::Support {
        district: district("110105"),
        resident_id: "r-2".into(),
        supported_at: at(2),
    };
    assert_eq!(
        when(&[raise()], command).map_err(|e| e.reason()),
        Err("PROPOSAL_WRONG_DISTRICT")
    );
}

#[test]
fn assigning_records_owner_and_deadline() {
    let events = when(&[raise()], assign()).expect("assign");
    assert_eq!(
        events,
        vec![ProposalEvent::Assigned(pb::ProposalAssigned {
            proposal_id: "p1".into(),
            district: DISTRICT.into(),
            owner: Some(pb::ProposalOwner {
                kind: ProposalOwnerKind::Worker.into(),
                id: "w-1".into(),
            }),
            deadline: "2026-03-04T08:00:00Z".into(),
            assigned_at: "2026-03-01T09:00:00Z".into(),
        })]
    );
}

#[test]
fn a_deadline_not_after_raising_is_refused() {
    let command = ProposalCommand::Assign {
        district: district(DISTRICT),
        owner: worker(),
        deadline: at(0),
        assigned_at: at(0),
    };
    assert_eq!(
        when(&[raise()], command),
        Err(ProposalError::DeadlineNotAfterRaised)
    );
}

#[test]
fn assigning_twice_or_without_an_owner_is_refused() {
    assert_eq!(
        when(&[raise(), assign()], assign()),
        Err(ProposalError::AlreadyAssigned)
    );
    let command = ProposalCommand::Assign {
        district: district(DISTRICT),
        owner: Owner {
            kind: ProposalOwnerKind::Unit,
            id: String::new(),
        },
        deadline: at(72),
        assigned_at: at(1),
    };
    assert_eq!(
        when(&[raise()], command),
        Err(ProposalError::Required { field: "owner id" })
    );
}

#[test]
fn supporting_counts_distinct_residents() {
    let events = when(&[raise(), support("r-2")], support("r-3")).expect("support");
    let [ProposalEvent::Supported(e)] = events.as_slice() else {
        panic!("one supported event expected, got {events:?}");
    };
    assert_eq!(e.support_count, 2);
}

#[test]
fn supporting_twice_is_refused() {
    assert_eq!(
        when(&[raise(), support("r-2")], support("r-2")),
        Err(ProposalError::AlreadySupported {
            resident_id: "r-2".into()
        })
    );
}

#[test]
fn the_owner_answers_once() {
    let events = when(&[raise(), assign()], answer()).expect("answer");
    let [ProposalEvent::Answered(e)] = events.as_slice() else {
        panic!("one answered event expected, got {events:?}");
    };
    assert!(!e.by_admin);
    assert_eq!(e.answer, "fixed on monday");
    assert_eq!(
        when(&[raise(), assign(), answer()], answer()),
        Err(ProposalError::AlreadyAnswered)
    );
}

#[test]
fn an_admin_may_answer_in_the_owners_place() {
    let admin = Owner {
        kind: ProposalOwnerKind::Committee,
        id: "c-9".into(),
    };
    let events = when(&[raise(), assign()], answer_by(admin, true)).expect("answer");
    assert!(matches!(events.as_slice(), [ProposalEvent::Answered(e)] if e.by_admin));
}

#[test]
fn someone_else_cannot_answer() {
    let other = Owner {
        kind: ProposalOwnerKind::Worker,
        id: "w-2".into(),
    };
    assert_eq!(
        when(&[raise(), assign()], answer_by(other, false)),
        Err(ProposalError::NotOwner)
    );
}

#[test]
fn answering_before_assignment_or_with_no_text_is_refused() {
    assert_eq!(when(&[raise()], answer()), Err(ProposalError::NotAssigned));
    let command = ProposalCommand::Answer {
        district: district(DISTRICT),
        answered_by: worker(),
        admin: false,
        answer: String::new(),
        answered_at: at(10),
    };
    assert_eq!(
        when(&[raise(), assign()], command),
        Err(ProposalError::Required { field: "answer" })
    );
}

#[test]
fn an_answered_item_closes_and_then_takes_nothing() {
    let history = [raise(), assign(), answer()];
    let events = when(&history, close()).expect("close");
    assert!(matches!(events.as_slice(), [ProposalEvent::Closed(_)]));
    let closed = [raise(), assign(), answer(), close()];
    assert_eq!(when(&closed, close()), Err(ProposalError::Closed));
    assert_eq!(when(&closed, support("r-4")), Err(ProposalError::Closed));
}

#[test]
fn closing_without_an_answer_is_refused() {
    assert_eq!(
        when(&[raise(), assign()], close()),
        Err(ProposalError::NotAnswered)
    );
}

#[test]
fn an_unanswered_item_past_its_deadline_is_flagged_once() {
    let events = when(&[raise(), assign()], flag(73)).expect("flag");
    let [ProposalEvent::FlaggedOverdue(e)] = events.as_slice() else {
        panic!("one flagged event expected, got {events:?}");
    };
    assert_eq!(e.deadline, "2026-03-04T08:00:00Z");
    assert_eq!(e.flagged_at, "2026-03-04T09:00:00Z");
    assert_eq!(
        when(&[raise(), assign(), flag(73)], flag(74)),
        Err(ProposalError::AlreadyFlagged)
    );
}

#[test]
fn flagging_is_refused_unless_assigned_unanswered_and_late() {
    assert_eq!(when(&[raise()], flag(100)), Err(ProposalError::NotAssigned));
    assert_eq!(
        when(&[raise(), assign()], flag(72)),
        Err(ProposalError::NotOverdue)
    );
    assert_eq!(
        when(&[raise(), assign(), answer()], flag(100)),
        Err(ProposalError::AlreadyAnswered)
    );
}

#[test]
fn an_overdue_item_may_still_be_answered() {
    let events = when(&[raise(), assign(), flag(73)], answer()).expect("answer");
    assert!(matches!(events.as_slice(), [ProposalEvent::Answered(_)]));
}

#[test]
fn events_round_trip_through_the_codec() {
    use gongzhi_kernel::EventCodec;
    for event in when(
        &[],
        raise_of(ProposalKind::Complaint, Some(street_problem())),
    )
    .expect("raise")
    {
        let decoded = ProposalEvent::decode(event.event_type(), &event.encode());
        assert_eq!(decoded, Ok(event));
    }
}
