//! Given events, when a command, then events or an error.

use super::*;
use chrono::{TimeZone, Utc};
use gongzhi_kernel::{Decider, DistrictCode, EventCodec};
use gongzhi_proto::gongzhi::residents::v1 as pb;

const DISTRICT: &str = "500108";

fn rate_with(stars: u32, edit: impl FnOnce(&mut RatingCommand)) -> RatingCommand {
    let mut command = RatingCommand::Rate {
        rating_id: "g1".into(),
        district: DistrictCode::parse(DISTRICT).expect("valid test district"),
        community: "500108001001".into(),
        subject_kind: RatingSubjectKind::PropertyCompany,
        subject_id: "91500108MA5U000001".into(),
        rater: "r-1".into(),
        stars,
        comment: "quick repairs, friendly staff".into(),
        rated_at: Utc
            .with_ymd_and_hms(2026, 3, 1, 8, 0, 0)
            .single()
            .expect("valid test time"),
    };
    edit(&mut command);
    command
}

fn rate(stars: u32) -> RatingCommand {
    rate_with(stars, |_| {})
}

fn when(command: RatingCommand) -> Result<Vec<RatingEvent>, RatingError> {
    Rating::decide(&RatingState::Absent, command)
}

#[test]
fn a_rating_is_given_with_everything_consumers_need() {
    assert_eq!(
        when(rate(4)),
        Ok(vec![RatingEvent::Given(pb::RatingGiven {
            rating_id: "g1".into(),
            district: DISTRICT.into(),
            community: "500108001001".into(),
            subject_kind: RatingSubjectKind::PropertyCompany.into(),
            subject_id: "91500108MA5U000001".into(),
            rater: "r-1".into(),
            stars: 4,
            comment: "quick repairs, friendly staff".into(),
            rated_at: "2026-03-01T08:00:00Z".into(),
        })])
    );
}

#[test]
fn every_star_from_one_to_five_is_accepted() {
    for stars in 1..=5 {
        assert!(when(rate(stars)).is_ok(), "{stars} stars");
    }
}

#[test]
fn stars_out_of_range_are_refused() {
    for stars in [0, 6, u32::MAX] {
        let refused = when(rate(stars));
        assert_eq!(refused, Err(RatingError::StarsOutOfRange { stars }));
        assert_eq!(
            refused.map_err(|e| e.reason()),
            Err("RATING_STARS_OUT_OF_RANGE")
        );
    }
}

#[test]
fn empty_ids_and_an_unspecified_subject_are_refused() {
    let no_subject = rate_with(3, |RatingCommand::Rate { subject_id, .. }| {
        subject_id.clear();
    });
    assert_eq!(
        when(no_subject),
        Err(RatingError::Required {
            field: "subject_id"
        })
    );
    let no_rater = rate_with(3, |RatingCommand::Rate { rater, .. }| *rater = " ".into());
    assert_eq!(
        when(no_rater),
        Err(RatingError::Required { field: "rater" })
    );
    let no_kind = rate_with(3, |RatingCommand::Rate { subject_kind, .. }| {
        *subject_kind = RatingSubjectKind::Unspecified;
    });
    assert_eq!(
        when(no_kind),
        Err(RatingError::Required {
            field: "subject_kind"
        })
    );
}

#[test]
fn a_comment_of_500_characters_is_accepted_and_501_refused() {
    let longest = rate_with(5, |RatingCommand::Rate { comment, .. }| {
        *comment = "好".repeat(500);
    });
    assert!(when(longest).is_ok());
    let too_long = rate_with(5, |RatingCommand::Rate { comment, .. }| {
        *comment = "好".repeat(501);
    });
    assert_eq!(
        when(too_long),
        Err(RatingError::CommentTooLong {
            chars: 501,
            max: 500
        })
    );
}

#[test]
fn an_empty_comment_and_community_are_accepted() {
    let bare = rate_with(
        2,
        |RatingCommand::Rate {
             comment, community, ..
         }| {
            comment.clear();
            community.clear();
        },
    );
    assert!(when(bare).is_ok());
}

#[test]
fn a_community_outside_the_district_is_refused() {
    let elsewhere = rate_with(2, |RatingCommand::Rate { community, .. }| {
        *community = "110105001001".into();
    });
    assert_eq!(
        when(elsewhere).map_err(|e| e.reason()),
        Err("COMMUNITY_OUTSIDE_DISTRICT")
    );
}

#[test]
fn rating_the_same_stream_twice_is_refused() {
    let events = when(rate(4)).expect("rate");
    let state = Rating::fold(&events);
    assert_eq!(state, RatingState::Given);
    assert_eq!(
        Rating::decide(&state, rate(5)),
        Err(RatingError::AlreadyRated)
    );
}

#[test]
fn the_event_round_trips_through_the_codec() {
    for event in when(rate(3)).expect("rate") {
        let decoded = RatingEvent::decode(event.event_type(), &event.encode());
        assert_eq!(decoded.as_ref(), Ok(&event));
    }
}
