//! Thin tonic adapters: roles and tenancy, proto <-> application types with
//! every field violation reported at once, error mapping.

mod access;
mod convert;
mod errors;
mod portfolio;
mod projects;
mod steps;
mod targets;
mod validate;

pub use access::{DISTRICT_ADMIN, PPP_OFFICER};
pub use portfolio::PortfolioGrpc;
pub use projects::ProjectGrpc;
