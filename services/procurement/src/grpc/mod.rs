//! Thin tonic adapters: roles and tenancy, proto <-> application types with
//! every field violation reported at once, error mapping.

mod access;
mod errors;
mod providers;
mod purchases;
mod receipt;
mod ventures;

pub use access::{BUYER_ROLES, CITY_READER, DISTRICT_ADMIN, STREET_OFFICER};
pub use providers::{CatalogueGrpc, ProviderGrpc};
pub use purchases::PurchaseGrpc;
pub use ventures::VentureGrpc;
