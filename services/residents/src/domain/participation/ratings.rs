//! Satisfaction ratings (1 to 5 stars with a comment) of a case, a service, a
//! facility or a property company: a pure decider over stream
//! `rating-<uuid>`, one `RatingGiven` event per stream, consumed by grids,
//! property, ppp and procurement for their satisfaction scores.
//!
//! Contract: the decider refuses stars outside 1..=5, empty subject or rater
//! ids, an unspecified subject kind, a comment over 500 characters, a
//! community outside the district, and a second rating on the same stream.
//! One rating per rater per subject follows from the stream name: the rating
//! id is UUID v5 over (rater, subject kind, canonical subject id)
//! ([`RatingSubject::rating_id`]), so a second rating of the same subject by
//! the same resident lands on the first one's stream and the decider refuses
//! it, also when both race (the loser's append fails on the expected
//! revision, decides again and is refused). No read model is consulted.

mod codec;
mod decide;
mod error;
mod subject;

pub use codec::{RATING_GIVEN, RatingEvent};
pub use decide::{COMMENT_MAX_CHARS, Rating, RatingCommand, RatingState, STARS};
pub use error::RatingError;
pub use gongzhi_proto::gongzhi::residents::v1::RatingSubjectKind;
pub use subject::{RATING_NAMESPACE, RatingSubject, SubjectIdError};

#[cfg(test)]
mod decide_tests;
