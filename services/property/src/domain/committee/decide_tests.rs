use super::*;
use crate::domain::CommitteeEvent;
use crate::domain::assembly::{Decision, Matter};
use gongzhi_kernel::{Decider, DistrictCode};

fn district() -> DistrictCode {
    DistrictCode::parse("500108").expect("district")
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("date")
}

fn decision(matter: Matter, passed: bool) -> Decision {
    Decision {
        assembly_id: "a1".into(),
        matter_id: "m1".into(),
        estate_id: "e1".into(),
        matter,
        passed,
    }
}

fn elect(decision: Decision, members: usize) -> CommitteeCommand {
    CommitteeCommand::Elect {
        committee_id: "c1".into(),
        district: district(),
        decision,
        members: (0..members).map(|i| format!("o{i}")).collect(),
        elected_on: day(1, 31),
    }
}

fn elected() -> CommitteeState {
    let events = Committee::decide(
        &CommitteeState::default(),
        elect(decision(Matter::ElectCommittee, true), 7),
    )
    .expect("elected");
    events
        .iter()
        .fold(CommitteeState::default(), Committee::evolve)
}

fn file(on: NaiveDate) -> CommitteeCommand {
    CommitteeCommand::File {
        district: district(),
        housing_authority_ref: "渝北住建备〔2026〕12号".into(),
        street_office_ref: "街道备2026-3".into(),
        filed_on: on,
    }
}

#[test]
fn only_a_passed_election_with_an_odd_five_to_eleven_elects() {
    let absent = CommitteeState::default();
    assert_eq!(
        Committee::decide(&absent, elect(decision(Matter::ElectCommittee, true), 6)),
        Err(CommitteeError::Size(CommitteeSizeError::Even(6)))
    );
    assert_eq!(
        Committee::decide(&absent, elect(decision(Matter::ElectCommittee, false), 7)),
        Err(CommitteeError::NotPassed)
    );
    assert_eq!(
        Committee::decide(&absent, elect(decision(Matter::OtherMajor, true), 7)),
        Err(CommitteeError::WrongMatter)
    );
    let mut twice = elect(decision(Matter::ElectCommittee, true), 5);
    if let CommitteeCommand::Elect { members, .. } = &mut twice {
        members[4] = "o0".into();
    }
    assert_eq!(
        Committee::decide(&absent, twice),
        Err(CommitteeError::DuplicateMember("o0".into()))
    );
    assert_eq!(
        Committee::decide(&elected(), elect(decision(Matter::ElectCommittee, true), 7)),
        Err(CommitteeError::AlreadyExists)
    );
}

#[test]
fn filing_on_day_thirty_is_on_time_day_thirty_one_is_late() {
    let on_time = Committee::decide(&elected(), file(day(3, 2))).expect("filed");
    assert!(matches!(&on_time[..], [CommitteeEvent::Filed(e)] if !e.late));
    let late = Committee::decide(&elected(), file(day(3, 3))).expect("filed");
    assert!(matches!(&late[..], [CommitteeEvent::Filed(e)] if e.late));
}

#[test]
fn an_unfiled_committee_is_flagged_once_from_day_thirty_one() {
    let flag = |today| CommitteeCommand::FlagLate {
        district: district(),
        today,
    };
    assert_eq!(
        Committee::decide(&elected(), flag(day(3, 2))),
        Err(CommitteeError::NotLate)
    );
    let events = Committee::decide(&elected(), flag(day(3, 3))).expect("flagged");
    let flagged = events.iter().fold(elected(), Committee::evolve);
    assert_eq!(
        Committee::decide(&flagged, flag(day(3, 4))),
        Err(CommitteeError::AlreadyFlagged)
    );
    // Filing late after the flag is still possible, and marked late.
    let filed = Committee::decide(&flagged, file(day(3, 5))).expect("filed");
    assert!(matches!(&filed[..], [CommitteeEvent::Filed(e)] if e.late));
}
