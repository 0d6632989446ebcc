//! The residents context: the registry of actual population (实有人口) of a
//! district, with personal data sealed per person so that erasing the
//! person's key erases it from the whole history.
//!
//! Built in steps (issue 3): the pure domain first; the application layer,
//! gRPC adapters and projections follow the platform service's layout.

pub mod domain;
