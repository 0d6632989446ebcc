//! Satisfaction ratings (1 to 5 stars with a comment) of a case, a service, a
//! facility or a property company: a pure decider over stream
//! `rating-<uuid>`, one `RatingGiven` event per stream, consumed by grids,
//! property, ppp and procurement for their satisfaction scores.
//!
//! Contract: the decider refuses stars outside 1..=5, empty subject or rater
//! ids, an unspecified subject kind, a comment over 500 characters, a
//! community outside the district, and a second rating on the same stream.
//! One rating per rater per subject is the application's job (a unique key in
//! its read model, checked before deciding), because it spans streams.

mod codec;
mod decide;
mod error;

pub use codec::RatingEvent;
pub use decide::{Rating, RatingCommand, RatingState};
pub use error::RatingError;
pub use gongzhi_proto::gongzhi::residents::v1::RatingSubjectKind;

#[cfg(test)]
mod decide_tests;
