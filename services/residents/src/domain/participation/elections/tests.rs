//! Given events, when a command, then events or an error.

use super::*;
use chrono::TimeZone;
use gongzhi_proto::gongzhi::residents::v1 as pb;

const DISTRICT: &str = "500108";
const COMMUNITY: &str = "500108001001";

pub(super) fn district(code: &str) -> DistrictCode {
    DistrictCode::parse(code).expect("valid test district")
}

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 1, 9, 0, 0)
        .single()
        .expect("valid test time")
}

pub(super) fn open_with(groups: Vec<AgeGroup>, eligible_voters: u32) -> ElectionCommand {
    ElectionCommand::Open {
        election_id: "e1".into(),
        district: district(DISTRICT),
        community: COMMUNITY.into(),
        title: "representatives 2026".into(),
        groups,
        eligible_voters,
        opened_at: at(),
    }
}

/// Standard groups with 2, 2 and 1 seats; 100 eligible voters.
fn open() -> ElectionCommand {
    open_with(AgeGroup::standard(2, 2, 1), 100)
}

pub(super) fn nominate(candidate: &str, group: &str) -> ElectionCommand {
    ElectionCommand::Nominate {
        district: district(DISTRICT),
        candidate_id: candidate.into(),
        group_id: group.into(),
    }
}

pub(super) fn ballot(voter: &str, choices: &[&str]) -> ElectionCommand {
    ElectionCommand::CastBallot {
        district: district(DISTRICT),
        voter_id: voter.into(),
        candidate_ids: choices.iter().map(|c| (*c).to_owned()).collect(),
    }
}

pub(super) fn close() -> ElectionCommand {
    ElectionCommand::Close {
        district: district(DISTRICT),
        closed_at: at(),
    }
}

pub(super) fn given(history: &[ElectionCommand]) -> ElectionState {
    let mut state = ElectionState::Absent;
    for command in history {
        for event in Election::decide(&state, command.clone()).expect("history must be valid") {
            state = Election::evolve(state, &event);
        }
    }
    state
}

fn when(
    history: &[ElectionCommand],
    command: ElectionCommand,
) -> Result<Vec<ElectionEvent>, ElectionError> {
    Election::decide(&given(history), command)
}

/// Young: y1 y2 y3; middle: m1; senior: s1 s2.
fn slate() -> Vec<ElectionCommand> {
    vec![
        open(),
        nominate("y1", "18-35"),
        nominate("y2", "18-35"),
        nominate("y3", "18-35"),
        nominate("m1", "36-59"),
        nominate("s1", "60+"),
        nominate("s2", "60+"),
    ]
}

pub(super) fn counted(events: Vec<ElectionEvent>) -> pb::ElectionCounted {
    match events.as_slice() {
        [ElectionEvent::Counted(counted)] => counted.clone(),
        other => panic!("expected one Counted, got {other:?}"),
    }
}

fn group<'a>(counted: &'a pb::ElectionCounted, id: &str) -> &'a pb::ElectionGroupResult {
    counted
        .results
        .iter()
        .find(|r| r.group_id == id)
        .expect("group in results")
}

#[test]
fn opening_records_groups_and_eligible_voters() {
    let events = when(&[], open()).expect("opened");
    let [ElectionEvent::Opened(e)] = events.as_slice() else {
        panic!("expected Opened, got {events:?}");
    };
    assert_eq!(e.groups.len(), 3);
    assert_eq!(e.groups[2].max_age, 0, "60+ has no upper bound");
    assert_eq!(e.eligible_voters, 100);
    assert_eq!(e.title, "representatives 2026");
    let ElectionState::Present(facts) = given(&[open()]) else {
        panic!("opened");
    };
    assert_eq!(facts.community, COMMUNITY);
    assert_eq!(facts.opened_at, Some(at()));
}

#[test]
fn opening_twice_or_outside_the_district_is_refused() {
    assert_eq!(when(&[open()], open()), Err(ElectionError::AlreadyExists));
    let mut outside = open();
    if let ElectionCommand::Open { community, .. } = &mut outside {
        *community = "500109001001".into();
    }
    assert_eq!(
        when(&[], outside).map_err(|e| e.reason()),
        Err("COMMUNITY_OUTSIDE_DISTRICT")
    );
}

#[test]
fn groups_must_be_present_seated_and_disjoint() {
    assert_eq!(
        when(&[], open_with(vec![], 10)),
        Err(ElectionError::NoGroups)
    );
    assert_eq!(
        when(&[], open_with(AgeGroup::standard(1, 0, 1), 10)).map_err(|e| e.reason()),
        Err("ELECTION_INVALID_GROUP")
    );
    let mut overlapping = AgeGroup::standard(1, 1, 1);
    overlapping[1].min_age = 35;
    assert_eq!(
        when(&[], open_with(overlapping, 10)),
        Err(ElectionError::GroupsOverlap {
            first: "18-35".into(),
            second: "36-59".into()
        })
    );
    assert_eq!(
        when(&[], open_with(AgeGroup::standard(1, 1, 1), 0)),
        Err(ElectionError::NoEligibleVoters)
    );
}

#[test]
fn a_candidate_is_nominated_once_into_a_known_group() {
    assert_eq!(
        when(&slate(), nominate("y1", "36-59")),
        Err(ElectionError::AlreadyNominated {
            candidate_id: "y1".into()
        })
    );
    assert_eq!(
        when(&slate(), nominate("x", "90+")),
        Err(ElectionError::GroupNotFound {
            group_id: "90+".into()
        })
    );
}

#[test]
fn nominations_close_with_the_first_ballot() {
    let mut history = slate();
    history.push(ballot("v1", &["y1"]));
    assert_eq!(
        when(&history, nominate("y4", "18-35")),
        Err(ElectionError::NominationsClosed)
    );
}

#[test]
fn one_ballot_per_voter() {
    let mut history = slate();
    history.push(ballot("v1", &["y1"]));
    assert_eq!(
        when(&history, ballot("v1", &["y2"])),
        Err(ElectionError::VotedTwice {
            voter_id: "v1".into()
        })
    );
}

#[test]
fn a_ballot_names_only_nominated_candidates_each_once_within_the_seats() {
    assert_eq!(
        when(&slate(), ballot("v1", &["nobody"])),
        Err(ElectionError::NotNominated {
            candidate_id: "nobody".into()
        })
    );
    assert_eq!(
        when(&slate(), ballot("v1", &["y1", "y1"])),
        Err(ElectionError::CandidateRepeated {
            candidate_id: "y1".into()
        })
    );
    assert_eq!(
        when(&slate(), ballot("v1", &["s1", "s2"])),
        Err(ElectionError::TooManyChoices {
            group_id: "60+".into(),
            chosen: 2,
            seats: 1
        })
    );
    assert!(when(&slate(), ballot("v1", &["y1", "y2", "m1", "s1"])).is_ok());
}

#[test]
fn ballots_never_exceed_the_eligible_voters() {
    let history = vec![
        open_with(AgeGroup::standard(1, 1, 1), 1),
        nominate("y1", "18-35"),
        ballot("v1", &["y1"]),
    ];
    assert_eq!(
        when(&history, ballot("v2", &["y1"])),
        Err(ElectionError::MoreBallotsThanVoters { eligible: 1 })
    );
}

#[test]
fn top_seats_win_and_short_groups_report_vacancies() {
    let mut history = slate();
    history.push(ballot("v1", &["y1", "y2", "s1"]));
    history.push(ballot("v2", &["y1", "y3", "s1"]));
    history.push(ballot("v3", &["y1", "y2", "m1", "s2"]));
    let result = counted(when(&history, close()).expect("counted"));
    assert_eq!(result.ballots_cast, 3);
    let young = group(&result, "18-35");
    assert_eq!(young.elected, vec!["y1".to_owned(), "y2".to_owned()]);
    assert!(young.runoff_candidates.is_empty());
    let middle = group(&result, "36-59");
    assert_eq!(
        (middle.elected.clone(), middle.vacant_seats),
        (vec!["m1".to_owned()], 1)
    );
    assert_eq!(group(&result, "60+").elected, vec!["s1".to_owned()]);
}

#[test]
fn a_tie_at_the_cut_off_needs_a_run_off() {
    let mut history = slate();
    history.push(ballot("v1", &["y1", "y2", "s1"]));
    history.push(ballot("v2", &["y1", "y3", "s2"]));
    let result = counted(when(&history, close()).expect("counted"));
    let young = group(&result, "18-35");
    assert_eq!(young.elected, vec!["y1".to_owned()]);
    assert_eq!(
        young.runoff_candidates,
        vec!["y2".to_owned(), "y3".to_owned()]
    );
    assert_eq!(young.runoff_seats, 1);
    let senior = group(&result, "60+");
    assert!(senior.elected.is_empty());
    assert_eq!(
        (senior.runoff_candidates.len(), senior.runoff_seats),
        (2, 1)
    );
}

#[test]
fn a_closed_election_takes_nothing_more() {
    let mut history = slate();
    history.push(close());
    assert_eq!(
        when(&history, ballot("v1", &["y1"])),
        Err(ElectionError::Closed)
    );
    assert_eq!(when(&history, close()), Err(ElectionError::Closed));
}

#[test]
fn commands_need_the_election_and_its_district() {
    assert_eq!(when(&[], close()), Err(ElectionError::NotFound));
    let foreign = ElectionCommand::Close {
        district: district("500109"),
        closed_at: at(),
    };
    assert_eq!(
        when(&slate(), foreign),
        Err(ElectionError::WrongDistrict {
            given: "500109".into(),
            actual: DISTRICT.into()
        })
    );
}

#[test]
fn every_event_survives_the_codec() {
    use gongzhi_kernel::EventCodec;
    let mut history = slate();
    history.push(ballot("v1", &["y1"]));
    history.push(close());
    let mut state = ElectionState::Absent;
    for command in history {
        for event in Election::decide(&state, command).expect("valid history") {
            let decoded = ElectionEvent::decode(event.event_type(), &event.encode());
            assert_eq!(decoded.as_ref(), Ok(&event));
            state = Election::evolve(state, &event);
        }
    }
}
