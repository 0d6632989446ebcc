//! Read models of the residents context.

mod households;
mod ratings;
mod residents;

pub use households::HouseholdsProjection;
pub use ratings::RatingsProjection;
pub use residents::ResidentsProjection;
