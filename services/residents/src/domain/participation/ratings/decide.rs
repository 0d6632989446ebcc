//! The rating decider: validates one rating and records it once.

use super::{RatingError, RatingEvent, RatingSubjectKind};
use chrono::{DateTime, SecondsFormat, Utc};
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::residents::v1 as pb;

/// Longest comment, in characters.
pub const COMMENT_MAX_CHARS: usize = 500;
/// The stars a rating may give.
pub const STARS: std::ops::RangeInclusive<u32> = 1..=5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RatingCommand {
    Rate {
        /// UUID; the stream is `rating-<rating_id>`.
        rating_id: String,
        district: DistrictCode,
        /// 12-digit community code of the rater within the district, or empty.
        community: String,
        subject_kind: RatingSubjectKind,
        subject_id: String,
        /// Resident id.
        rater: String,
        stars: u32,
        comment: String,
        rated_at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RatingState {
    #[default]
    Absent,
    Given,
}

pub struct Rating;

fn required(field: &'static str, value: &str) -> Result<(), RatingError> {
    if value.trim().is_empty() {
        return Err(RatingError::Required { field });
    }
    Ok(())
}

impl Decider for Rating {
    type State = RatingState;
    type Command = RatingCommand;
    type Event = RatingEvent;
    type Error = RatingError;

    fn decide(
        state: &RatingState,
        command: RatingCommand,
    ) -> Result<Vec<RatingEvent>, RatingError> {
        let RatingCommand::Rate {
            rating_id,
            district,
            community,
            subject_kind,
            subject_id,
            rater,
            stars,
            comment,
            rated_at,
        } = command;
        if *state != RatingState::Absent {
            return Err(RatingError::AlreadyRated);
        }
        if subject_kind == RatingSubjectKind::Unspecified {
            return Err(RatingError::Required {
                field: "subject_kind",
            });
        }
        required("subject_id", &subject_id)?;
        required("rater", &rater)?;
        if !STARS.contains(&stars) {
            return Err(RatingError::StarsOutOfRange { stars });
        }
        let chars = comment.chars().count();
        if chars > COMMENT_MAX_CHARS {
            return Err(RatingError::CommentTooLong {
                chars,
                max: COMMENT_MAX_CHARS,
            });
        }
        if !community.is_empty() && !community.starts_with(district.as_str()) {
            return Err(RatingError::CommunityOutsideDistrict {
                community,
                district: district.to_string(),
            });
        }
        Ok(vec![RatingEvent::Given(pb::RatingGiven {
            rating_id,
            district: district.to_string(),
            community,
            subject_kind: subject_kind.into(),
            subject_id,
            rater,
            stars,
            comment,
            rated_at: rated_at.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        })])
    }

    fn evolve(_state: RatingState, event: &RatingEvent) -> RatingState {
        match event {
            RatingEvent::Given(_) => RatingState::Given,
        }
    }
}
