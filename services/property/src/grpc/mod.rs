//! Thin tonic adapters: roles and tenancy, proto -> application types with
//! every field violation reported at once, error mapping.

mod access;
mod assemblies;
mod disputes;
mod errors;
mod estates;
mod lists;
mod management;
mod receipt;
mod validate;
mod views;

pub use access::{OWNER, STAFF_ROLES};
pub use assemblies::AssemblyGrpc;
pub use disputes::DisputeGrpc;
pub use estates::EstateGrpc;
pub use management::ManagementGrpc;
