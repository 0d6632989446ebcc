//! Thin tonic adapters: roles and tenancy, proto <-> application types with
//! every field violation reported at once, error mapping.

mod access;
mod elections;
mod errors;
mod households;
mod meetings;
mod proposals;
mod ratings;
mod receipt;
mod residents;
mod validate;
mod volunteering;
mod wishes;

pub use access::{CITY_READER, COMMUNITY_WORKER, DISTRICT_ADMIN, RESIDENT, STREET_OFFICER};
pub use elections::ElectionGrpc;
pub use households::HouseholdGrpc;
pub use meetings::MeetingGrpc;
pub use proposals::ProposalGrpc;
pub use ratings::RatingGrpc;
pub use residents::ResidentGrpc;
pub use volunteering::VolunteeringGrpc;
pub use wishes::WishGrpc;
