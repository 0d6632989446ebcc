//! Read models of the residents context.

mod elections;
mod households;
mod meetings;
mod proposals;
mod ratings;
mod residents;
pub(crate) mod volunteering;
pub(crate) mod wishes;

pub use elections::{ELECTED, ElectionsProjection, NOT_ELECTED, RUNOFF};
pub use households::HouseholdsProjection;
pub use meetings::MeetingsProjection;
pub use proposals::{PROPOSAL_ORIGIN_PREFIX, PROPOSALS_PROJECTION, ProposalsProjection};
pub use ratings::RatingsProjection;
pub use residents::ResidentsProjection;
pub use volunteering::VolunteeringProjection;
pub use wishes::WishesProjection;
