//! Read models of the residents context.

mod households;
mod residents;
pub(crate) mod volunteering;
pub(crate) mod wishes;

pub use households::HouseholdsProjection;
pub use residents::ResidentsProjection;
pub use volunteering::VolunteeringProjection;
pub use wishes::WishesProjection;
