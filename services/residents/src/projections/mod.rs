//! Read models of the residents context.

mod elections;
mod households;
mod meetings;
mod ratings;
mod residents;

pub use elections::{ELECTED, ElectionsProjection, NOT_ELECTED, RUNOFF};
pub use households::HouseholdsProjection;
pub use meetings::MeetingsProjection;
pub use ratings::RatingsProjection;
pub use residents::ResidentsProjection;
