//! Read models of the residents context.

mod households;
mod residents;

pub use households::HouseholdsProjection;
pub use residents::ResidentsProjection;
