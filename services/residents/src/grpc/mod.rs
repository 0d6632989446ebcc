//! Thin tonic adapters: roles and tenancy, proto <-> application types with
//! every field violation reported at once, error mapping.

mod access;
mod errors;
mod households;
mod proposals;
mod receipt;
mod residents;
mod validate;

pub use access::{CITY_READER, COMMUNITY_WORKER, DISTRICT_ADMIN, RESIDENT, STREET_OFFICER};
pub use households::HouseholdGrpc;
pub use proposals::ProposalGrpc;
pub use residents::ResidentGrpc;
