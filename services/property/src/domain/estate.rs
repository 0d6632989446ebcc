//! An estate (小区) as a pure decider over stream `estate-<uuid>`.
//!
//! Contract: an estate is registered once in a district and community;
//! buildings and units are added with ids unique in the estate; every unit
//! has at least one known area and its effective area follows register >
//! surveyed > contract. A unit is delivered once, to its first buyer, and
//! transferred only after delivery and only to a different owner. The
//! preparatory group of the first assembly is formed once, only when the
//! estate is eligible (see [`crate::domain::first_assembly`]), with 5 to 9
//! members led by the street office. Owner ids are UUIDs; "developer" is the
//! roll's name for the unsold units and is never an owner id.

mod command;
mod decide;
mod error;
mod state;

pub use command::{EstateCommand, NewUnit};
pub use decide::{DEVELOPER_HEAD, Estate};
pub use error::EstateError;
pub use state::{EstateFacts, EstateState, UnitFacts};

#[cfg(test)]
mod tests;
