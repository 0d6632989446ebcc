//! Given events, when a command, then events or an error.

use super::*;
use chrono::{Duration, TimeZone};

const DISTRICT: &str = "500108";
const COMMUNITY: &str = "500108001001";

pub(super) fn district(code: &str) -> DistrictCode {
    DistrictCode::parse(code).expect("valid test district")
}

fn at(days: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0)
        .single()
        .expect("valid test time")
        + Duration::days(days)
}

pub(super) fn convene_with(
    convener: MeetingConvener,
    signatures: u32,
    eligible: u32,
    notice: Duration,
) -> MeetingCommand {
    MeetingCommand::Convene {
        meeting_id: "m1".into(),
        district: district(DISTRICT),
        community: COMMUNITY.into(),
        kind: MeetingKind::ResidentsCouncil,
        title: "stairwell repairs".into(),
        convener,
        convened_by: "worker-1".into(),
        petition_signatures: signatures,
        eligible_count: eligible,
        scheduled_at: at(10),
        notice_given_at: at(10) - notice,
        rules: MeetingRules::default(),
    }
}

pub(super) fn convene(eligible: u32) -> MeetingCommand {
    convene_with(
        MeetingConvener::ResidentsCommittee,
        0,
        eligible,
        Duration::days(7),
    )
}

pub(super) fn attend(ids: &[&str]) -> MeetingCommand {
    MeetingCommand::RegisterAttendance {
        district: district(DISTRICT),
        voter_ids: ids.iter().map(|id| (*id).to_owned()).collect(),
    }
}

pub(super) fn open() -> MeetingCommand {
    MeetingCommand::Open {
        district: district(DISTRICT),
        opened_at: at(10),
    }
}

pub(super) fn table(motion_id: &str) -> MeetingCommand {
    MeetingCommand::TableMotion {
        district: district(DISTRICT),
        motion_id: motion_id.into(),
        title: "repaint the stairwells".into(),
    }
}

pub(super) fn vote(motion_id: &str, voter: &str, choice: MotionChoice) -> MeetingCommand {
    MeetingCommand::CastVote {
        district: district(DISTRICT),
        motion_id: motion_id.into(),
        voter_id: voter.into(),
        choice,
    }
}

pub(super) fn close_motion(motion_id: &str) -> MeetingCommand {
    MeetingCommand::CloseMotion {
        district: district(DISTRICT),
        motion_id: motion_id.into(),
    }
}

fn close() -> MeetingCommand {
    MeetingCommand::Close {
        district: district(DISTRICT),
        closed_at: at(10),
    }
}

pub(super) fn given(history: &[MeetingCommand]) -> MeetingState {
    let mut state = MeetingState::Absent;
    for command in history {
        for event in Meeting::decide(&state, command.clone()).expect("history must be valid") {
            state = Meeting::evolve(state, &event);
        }
    }
    state
}

fn when(
    history: &[MeetingCommand],
    command: MeetingCommand,
) -> Result<Vec<MeetingEvent>, MeetingError> {
    Meeting::decide(&given(history), command)
}

/// Five eligible, three present, motion "a" tabled.
fn sitting() -> Vec<MeetingCommand> {
    vec![convene(5), attend(&["v1", "v2", "v3"]), open(), table("a")]
}

fn closed_motion(events: Vec<MeetingEvent>) -> pb::MotionClosed {
    match events.as_slice() {
        [MeetingEvent::MotionClosed(closed)] => closed.clone(),
        other => panic!("expected one MotionClosed, got {other:?}"),
    }
}

#[test]
fn convening_records_the_rules_in_force() {
    let events = when(&[], convene(5)).expect("convened");
    let [MeetingEvent::Convened(e)] = events.as_slice() else {
        panic!("expected Convened, got {events:?}");
    };
    assert_eq!(e.eligible_count, 5);
    assert_eq!(e.quorum_share, Some(Share::HALF.to_proto()));
    assert_eq!(e.passing_share, Some(Share::HALF.to_proto()));
    assert_eq!(e.kind, i32::from(MeetingKind::ResidentsCouncil));
    assert_eq!(e.title, "stairwell repairs");
    let MeetingState::Present(facts) = given(&[convene(5)]) else {
        panic!("convened");
    };
    assert_eq!(facts.community, COMMUNITY);
    assert_eq!(facts.scheduled_at, Some(at(10)));
}

#[test]
fn convening_twice_is_refused() {
    assert_eq!(
        when(&[convene(5)], convene(5)),
        Err(MeetingError::AlreadyExists)
    );
}

#[test]
fn notice_shorter_than_seven_days_is_refused_and_exactly_seven_is_enough() {
    let short = convene_with(
        MeetingConvener::ResidentsCommittee,
        0,
        5,
        Duration::days(7) - Duration::minutes(1),
    );
    assert_eq!(
        when(&[], short),
        Err(MeetingError::NoticeTooShort {
            given_minutes: 7 * 24 * 60 - 1,
            required_minutes: 7 * 24 * 60,
        })
    );
    assert!(when(&[], convene(5)).is_ok());
}

#[test]
fn petition_needs_one_fifth_of_the_eligible() {
    let four_of_twenty_one =
        convene_with(MeetingConvener::ResidentsPetition, 4, 21, Duration::days(7));
    assert_eq!(
        when(&[], four_of_twenty_one).map_err(|e| e.reason()),
        Err("MEETING_NOT_ENOUGH_SIGNATURES")
    );
    let four_of_twenty = convene_with(MeetingConvener::ResidentsPetition, 4, 20, Duration::days(7));
    assert!(when(&[], four_of_twenty).is_ok());
}

#[test]
fn a_convener_the_district_does_not_accept_is_refused() {
    let mut command = convene_with(MeetingConvener::StreetOffice, 0, 5, Duration::days(7));
    if let MeetingCommand::Convene { rules, .. } = &mut command {
        rules.convening.allowed_conveners = vec![MeetingConvener::ResidentsCommittee];
    }
    assert_eq!(
        when(&[], command).map_err(|e| e.reason()),
        Err("MEETING_CONVENER_NOT_ALLOWED")
    );
}

#[test]
fn convening_outside_the_district_or_without_kind_or_eligible_is_refused() {
    let mut outside = convene(5);
    let mut no_kind = convene(5);
    if let MeetingCommand::Convene { community, .. } = &mut outside {
        *community = "500109001001".into();
    }
    if let MeetingCommand::Convene { kind, .. } = &mut no_kind {
        *kind = MeetingKind::Unspecified;
    }
    assert_eq!(
        when(&[], outside).map_err(|e| e.reason()),
        Err("COMMUNITY_OUTSIDE_DISTRICT")
    );
    assert_eq!(when(&[], no_kind), Err(MeetingError::KindRequired));
    assert_eq!(when(&[], convene(0)), Err(MeetingError::NoEligible));
}

#[test]
fn commands_from_another_district_are_refused() {
    let command = MeetingCommand::RegisterAttendance {
        district: district("500109"),
        voter_ids: vec!["v1".into()],
    };
    assert_eq!(
        when(&[convene(5)], command),
        Err(MeetingError::WrongDistrict {
            given: "500109".into(),
            actual: DISTRICT.into(),
        })
    );
}

#[test]
fn each_attendee_registers_once() {
    assert_eq!(
        when(&[convene(5), attend(&["v1"])], attend(&["v2", "v1"])),
        Err(MeetingError::AlreadyPresent {
            voter_id: "v1".into()
        })
    );
    assert_eq!(
        when(&[convene(5)], attend(&["v2", "v2"])),
        Err(MeetingError::AlreadyPresent {
            voter_id: "v2".into()
        })
    );
}

#[test]
fn attendance_cannot_exceed_the_eligible_nor_follow_the_opening() {
    assert_eq!(
        when(&[convene(2)], attend(&["v1", "v2", "v3"])),
        Err(MeetingError::MoreAttendeesThanEligible {
            attending: 3,
            eligible: 2
        })
    );
    assert_eq!(
        when(
            &[convene(3), attend(&["v1", "v2"]), open()],
            attend(&["v3"])
        ),
        Err(MeetingError::AttendanceClosed)
    );
}

#[test]
fn exactly_half_present_is_no_quorum_and_one_more_is() {
    assert_eq!(
        when(&[convene(6), attend(&["v1", "v2", "v3"])], open()),
        Err(MeetingError::QuorumNotReached {
            present: 3,
            eligible: 6
        })
    );
    assert!(when(&[convene(6), attend(&["v1", "v2", "v3", "v4"])], open()).is_ok());
}

#[test]
fn the_meeting_opens_at_the_announced_time_not_before() {
    let early = MeetingCommand::Open {
        district: district(DISTRICT),
        opened_at: at(10) - Duration::seconds(1),
    };
    assert_eq!(
        when(&[convene(1), attend(&["v1"])], early),
        Err(MeetingError::NotYetDue {
            scheduled_at: "2026-03-11T09:00:00.000Z".into()
        })
    );
    assert!(when(&[convene(1), attend(&["v1"])], open()).is_ok());
}

#[test]
fn opening_twice_is_refused() {
    assert_eq!(
        when(&[convene(1), attend(&["v1"]), open()], open()),
        Err(MeetingError::AlreadyOpen)
    );
}

#[test]
fn motions_need_an_open_meeting_and_a_fresh_id() {
    assert_eq!(when(&[convene(5)], table("a")), Err(MeetingError::NotOpen));
    assert_eq!(
        when(&sitting(), table("a")),
        Err(MeetingError::MotionAlreadyTabled {
            motion_id: "a".into()
        })
    );
}

#[test]
fn voting_twice_is_refused() {
    let mut history = sitting();
    history.push(vote("a", "v1", MotionChoice::For));
    let refused = when(&history, vote("a", "v1", MotionChoice::Against));
    assert_eq!(
        refused,
        Err(MeetingError::VotedTwice {
            voter_id: "v1".into(),
            motion_id: "a".into()
        })
    );
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("vote twice"), "{message}");
}

#[test]
fn only_those_present_vote_and_with_a_choice() {
    assert_eq!(
        when(&sitting(), vote("a", "v9", MotionChoice::For)),
        Err(MeetingError::NotPresent {
            voter_id: "v9".into()
        })
    );
    assert_eq!(
        when(&sitting(), vote("a", "v1", MotionChoice::Unspecified)),
        Err(MeetingError::ChoiceRequired)
    );
    assert_eq!(
        when(&sitting(), vote("b", "v1", MotionChoice::For)),
        Err(MeetingError::MotionNotFound {
            motion_id: "b".into()
        })
    );
}

#[test]
fn a_closed_motion_takes_no_votes_and_closes_once() {
    let mut history = sitting();
    history.push(close_motion("a"));
    assert_eq!(
        when(&history, vote("a", "v1", MotionChoice::For)),
        Err(MeetingError::MotionClosed {
            motion_id: "a".into()
        })
    );
    assert_eq!(
        when(&history, close_motion("a")),
        Err(MeetingError::MotionClosed {
            motion_id: "a".into()
        })
    );
}

#[test]
fn more_than_half_of_those_present_for_passes() {
    let mut history = sitting();
    history.push(vote("a", "v1", MotionChoice::For));
    history.push(vote("a", "v2", MotionChoice::For));
    history.push(vote("a", "v3", MotionChoice::Against));
    let closed = closed_motion(when(&history, close_motion("a")).expect("closed"));
    assert_eq!(
        (closed.votes_for, closed.votes_against, closed.abstentions),
        (2, 1, 0)
    );
    assert_eq!((closed.present_count, closed.eligible_count), (3, 5));
    assert!(closed.passed);
    assert_eq!(closed.reason, i32::from(MotionOutcomeReason::MajorityFor));
}

#[test]
fn exactly_half_for_fails_and_abstentions_and_silence_count_as_present() {
    let mut history = vec![
        convene(5),
        attend(&["v1", "v2", "v3", "v4"]),
        open(),
        table("a"),
    ];
    history.push(vote("a", "v1", MotionChoice::For));
    history.push(vote("a", "v2", MotionChoice::For));
    history.push(vote("a", "v3", MotionChoice::Abstain));
    let closed = closed_motion(when(&history, close_motion("a")).expect("closed"));
    assert_eq!(
        (closed.votes_for, closed.abstentions, closed.present_count),
        (2, 1, 4)
    );
    assert!(!closed.passed);
    assert_eq!(closed.reason, i32::from(MotionOutcomeReason::NoMajorityFor));
}

#[test]
fn the_meeting_closes_only_without_open_motions_and_then_takes_nothing() {
    assert_eq!(
        when(&sitting(), close()),
        Err(MeetingError::MotionsStillOpen {
            motion_ids: vec!["a".into()]
        })
    );
    let mut history = sitting();
    history.push(close_motion("a"));
    history.push(close());
    assert_eq!(when(&history, table("b")), Err(MeetingError::Closed));
    assert_eq!(when(&history, close()), Err(MeetingError::Closed));
}

#[test]
fn commands_before_convening_find_no_meeting() {
    assert_eq!(when(&[], open()), Err(MeetingError::NotFound));
}

#[test]
fn every_event_survives_the_codec() {
    use gongzhi_kernel::EventCodec;
    let mut history = sitting();
    history.push(vote("a", "v1", MotionChoice::For));
    history.push(close_motion("a"));
    history.push(close());
    let mut state = MeetingState::Absent;
    for command in history {
        for event in Meeting::decide(&state, command).expect("valid history") {
            let decoded = MeetingEvent::decode(event.event_type(), &event.encode());
            assert_eq!(decoded.as_ref(), Ok(&event));
            state = Meeting::evolve(state, &event);
        }
    }
    assert!(MeetingEvent::decode("gongzhi.residents.v1.Nope", &[]).is_err());
}
