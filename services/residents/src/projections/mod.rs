//! Read models of the residents context.

mod households;
mod proposals;
mod residents;

pub use households::HouseholdsProjection;
pub use proposals::{PROPOSAL_ORIGIN_PREFIX, PROPOSALS_PROJECTION, ProposalsProjection};
pub use residents::ResidentsProjection;
