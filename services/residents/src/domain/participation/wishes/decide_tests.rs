//! Given events, when a command, then events or an error.

use super::*;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use gongzhi_kernel::{Decider, DistrictCode, EventCodec};
use gongzhi_proto::gongzhi::residents::v1 as pb;

const DISTRICT: &str = "500108";
const POSTER: &str = "r-1";

fn district(code: &str) -> DistrictCode {
    DistrictCode::parse(code).expect("valid test district")
}

fn at(hours: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0)
        .single()
        .expect("valid test time")
        + TimeDelta::hours(hours)
}

fn post() -> WishCommand {
    WishCommand::Post {
        wish_id: "w1".into(),
        district: district(DISTRICT),
        community: "500108001001".into(),
        resident_id: POSTER.into(),
        text: "a ride to the hospital on friday".into(),
        posted_at: at(0),
    }
}

fn volunteer(id: &str) -> Claimant {
    Claimant {
        kind: WishClaimantKind::Volunteer,
        id: id.into(),
    }
}

fn claim(id: &str) -> WishCommand {
    WishCommand::Claim {
        district: district(DISTRICT),
        claimant: volunteer(id),
        claimed_at: at(1),
    }
}

fn release(id: &str) -> WishCommand {
    WishCommand::Release {
        district: district(DISTRICT),
        claimant: volunteer(id),
        released_at: at(2),
    }
}

fn fulfil(id: &str) -> WishCommand {
    WishCommand::Fulfil {
        district: district(DISTRICT),
        claimant: volunteer(id),
        note: "drove there and back".into(),
        fulfilled_at: at(3),
    }
}

fn confirm(resident_id: &str) -> WishCommand {
    WishCommand::Confirm {
        district: district(DISTRICT),
        resident_id: resident_id.into(),
        confirmed_at: at(4),
    }
}

fn withdraw(resident_id: &str) -> WishCommand {
    WishCommand::Withdraw {
        district: district(DISTRICT),
        resident_id: resident_id.into(),
        withdrawn_at: at(5),
    }
}

fn given(history: &[WishCommand]) -> WishState {
    let mut state = WishState::Absent;
    for command in history {
        for event in Wish::decide(&state, command.clone()).expect("history must be valid") {
            state = Wish::evolve(state, &event);
        }
    }
    state
}

fn when(history: &[WishCommand], command: WishCommand) -> Result<Vec<WishEvent>, WishError> {
    Wish::decide(&given(history), command)
}

fn status(history: &[WishCommand]) -> Option<WishStatus> {
    match given(history) {
        WishState::Present(facts) => Some(facts.status),
        WishState::Absent => None,
    }
}

fn wrong(status: WishStatus, expected: WishStatus) -> Result<Vec<WishEvent>, WishError> {
    Err(WishError::WrongStatus { status, expected })
}

#[test]
fn posting_opens_a_wish() {
    assert_eq!(
        when(&[], post()),
        Ok(vec![WishEvent::Posted(pb::WishPosted {
            wish_id: "w1".into(),
            district: DISTRICT.into(),
            community: "500108001001".into(),
            posted_by: POSTER.into(),
            text: "a ride to the hospital on friday".into(),
            posted_at: "2026-03-01T08:00:00Z".into(),
        })])
    );
    assert_eq!(status(&[post()]), Some(WishStatus::Open));
}

#[test]
fn posting_twice_or_with_bad_input_is_refused() {
    assert_eq!(when(&[post()], post()), Err(WishError::AlreadyExists));
    let mut command = post();
    if let WishCommand::Post { text, .. } = &mut command {
        *text = " ".into();
    }
    assert_eq!(
        when(&[], command),
        Err(WishError::Required { field: "text" })
    );
    let mut command = post();
    if let WishCommand::Post { community, .. } = &mut command {
        *community = "110105001001".into();
    }
    assert_eq!(
        when(&[], command).map_err(|e| e.reason()),
        Err("COMMUNITY_OUTSIDE_DISTRICT")
    );
}

#[test]
fn commands_on_a_missing_wish_or_in_another_district_are_refused() {
    assert_eq!(when(&[], claim("v-1")), Err(WishError::NotFound));
    let command = WishCommand::Claim {
        district: district("110105"),
        claimant: volunteer("v-1"),
        claimed_at: at(1),
    };
    assert_eq!(
        when(&[post()], command).map_err(|e| e.reason()),
        Err("WISH_WRONG_DISTRICT")
    );
}

#[test]
fn an_open_wish_is_claimed() {
    let events = when(&[post()], claim("v-1")).expect("claim");
    assert!(
        matches!(events.as_slice(), [WishEvent::Claimed(e)] if e.claimant == Some(volunteer("v-1").to_pb()))
    );
    assert_eq!(status(&[post(), claim("v-1")]), Some(WishStatus::Claimed));
}

#[test]
fn claiming_a_claimed_wish_is_refused() {
    assert_eq!(
        when(&[post(), claim("v-1")], claim("v-2")),
        wrong(WishStatus::Claimed, WishStatus::Open)
    );
}

#[test]
fn claiming_ones_own_wish_or_without_a_kind_is_refused() {
    assert_eq!(when(&[post()], claim(POSTER)), Err(WishError::OwnWish));
    let command = WishCommand::Claim {
        district: district(DISTRICT),
        claimant: Claimant {
            kind: WishClaimantKind::Unspecified,
            id: "v-1".into(),
        },
        claimed_at: at(1),
    };
    assert_eq!(
        when(&[post()], command),
        Err(WishError::Required {
            field: "claimant kind"
        })
    );
}

#[test]
fn the_claimant_releases_it_back_to_open() {
    let history = [post(), claim("v-1")];
    assert!(matches!(
        when(&history, release("v-1")).as_deref(),
        Ok([WishEvent::Released(_)])
    ));
    let released = [post(), claim("v-1"), release("v-1")];
    assert_eq!(status(&released), Some(WishStatus::Open));
    assert!(when(&released, claim("v-2")).is_ok());
}

#[test]
fn someone_else_cannot_release_or_fulfil() {
    let history = [post(), claim("v-1")];
    assert_eq!(when(&history, release("v-2")), Err(WishError::NotClaimant));
    assert_eq!(when(&history, fulfil("v-2")), Err(WishError::NotClaimant));
    let party_member = WishCommand::Fulfil {
        district: district(DISTRICT),
        claimant: Claimant {
            kind: WishClaimantKind::PartyMember,
            id: "v-1".into(),
        },
        note: String::new(),
        fulfilled_at: at(3),
    };
    assert_eq!(when(&history, party_member), Err(WishError::NotClaimant));
}

#[test]
fn releasing_or_fulfilling_an_open_wish_is_refused() {
    assert_eq!(
        when(&[post()], release("v-1")),
        wrong(WishStatus::Open, WishStatus::Claimed)
    );
    assert_eq!(
        when(&[post()], fulfil("v-1")),
        wrong(WishStatus::Open, WishStatus::Claimed)
    );
}

#[test]
fn the_claimant_fulfils_it() {
    let events = when(&[post(), claim("v-1")], fulfil("v-1")).expect("fulfil");
    assert!(
        matches!(events.as_slice(), [WishEvent::Fulfilled(e)] if e.note == "drove there and back")
    );
    assert_eq!(
        status(&[post(), claim("v-1"), fulfil("v-1")]),
        Some(WishStatus::Fulfilled)
    );
}

#[test]
fn a_fulfilled_wish_cannot_be_released() {
    assert_eq!(
        when(&[post(), claim("v-1"), fulfil("v-1")], release("v-1")),
        wrong(WishStatus::Fulfilled, WishStatus::Claimed)
    );
}

#[test]
fn the_poster_confirms_a_fulfilled_wish() {
    let history = [post(), claim("v-1"), fulfil("v-1")];
    let events = when(&history, confirm(POSTER)).expect("confirm");
    assert!(matches!(events.as_slice(), [WishEvent::Confirmed(e)] if e.confirmed_by == POSTER));
    let confirmed = [post(), claim("v-1"), fulfil("v-1"), confirm(POSTER)];
    assert_eq!(status(&confirmed), Some(WishStatus::Confirmed));
    assert_eq!(
        when(&confirmed, confirm(POSTER)),
        wrong(WishStatus::Confirmed, WishStatus::Fulfilled)
    );
}

#[test]
fn confirming_someone_elses_wish_is_refused() {
    let history = [post(), claim("v-1"), fulfil("v-1")];
    let refused = when(&history, confirm("r-2"));
    assert_eq!(refused, Err(WishError::NotPoster));
    assert_eq!(refused.map_err(|e| e.reason()), Err("WISH_NOT_POSTER"));
    assert_eq!(when(&history, confirm("v-1")), Err(WishError::NotPoster));
}

#[test]
fn confirming_an_unfulfilled_wish_is_refused() {
    assert_eq!(
        when(&[post(), claim("v-1")], confirm(POSTER)),
        wrong(WishStatus::Claimed, WishStatus::Fulfilled)
    );
}

#[test]
fn the_poster_withdraws_an_open_wish_only() {
    let events = when(&[post()], withdraw(POSTER)).expect("withdraw");
    assert!(matches!(events.as_slice(), [WishEvent::Withdrawn(_)]));
    let withdrawn = [post(), withdraw(POSTER)];
    assert_eq!(status(&withdrawn), Some(WishStatus::Withdrawn));
    assert_eq!(
        when(&withdrawn, claim("v-1")),
        wrong(WishStatus::Withdrawn, WishStatus::Open)
    );
    assert_eq!(
        when(&[post(), claim("v-1")], withdraw(POSTER)),
        wrong(WishStatus::Claimed, WishStatus::Open)
    );
    assert_eq!(when(&[post()], withdraw("r-2")), Err(WishError::NotPoster));
}

#[test]
fn events_round_trip_through_the_codec() {
    let mut state = WishState::Absent;
    for command in [post(), claim("v-1"), fulfil("v-1"), confirm(POSTER)] {
        for event in Wish::decide(&state, command).expect("valid flow") {
            let decoded = WishEvent::decode(event.event_type(), &event.encode());
            assert_eq!(decoded.as_ref(), Ok(&event));
            state = Wish::evolve(state, &event);
        }
    }
}
