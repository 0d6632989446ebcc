//! The resident aggregate as a pure decider. It never sees personal data in
//! clear: the application layer seals it per person before deciding, so
//! events can only ever carry ciphertext.

mod codec;
mod household;
mod household_codec;
pub mod participation;
mod resident;

pub use codec::ResidentEvent;
pub use household::{
    Household, HouseholdCommand, HouseholdError, HouseholdFacts, HouseholdMember, HouseholdState,
    Relation,
};
pub use household_codec::HouseholdEvent;
pub use resident::{Placement, Resident, ResidentCommand, ResidentError, ResidentState, Sealed};
