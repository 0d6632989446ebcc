//! Owners' assembly (业主大会) decisions under Civil Code art. 278.
//!
//! Contract:
//! - The roll ([`Roll`]) has one head per owner: one unit, one owner; the
//!   units one buyer holds count as one head with their summed area; all
//!   units the developer has not sold count as one head together.
//! - A vote is valid only if the heads who take part hold at least 2/3 of
//!   the roll's exclusive area AND are at least 2/3 of its heads.
//! - Raising the maintenance fund, rebuilding, and changing the use of (or
//!   earning from) common parts pass with at least 3/4 of the participating
//!   area AND heads voting for; every other matter with strictly more than
//!   half of both.
//! - One ballot per head per matter; abstaining takes part and does not
//!   agree. Every comparison is exact (areas in 0.01 m², integer
//!   cross-multiplication).
//! - The [`Assembly`] decider (stream `assembly-<uuid>`) freezes the roll
//!   when the assembly is convened (at least 15 days' notice), takes one
//!   ballot per head per matter, written or online, while it is open, and
//!   on closing writes a `MatterDecided` for every matter with its tally
//!   and the reason it passed or failed.

mod command;
mod decide;
mod error;
mod matter;
mod roll;
mod state;
mod tally;
mod wire;

pub use command::{AssemblyCommand, MatterSpec};
pub use decide::Assembly;
pub use error::AssemblyError;
pub use matter::{Matter, Threshold};
pub use roll::{Head, Roll, RollError, RollUnit};
pub use state::{AssemblyFacts, AssemblyState, Decision, MatterFacts};
pub use tally::{Ballot, Choice, Outcome, OutcomeReason, Tally, TallyError, count};

#[cfg(test)]
mod boundary_tests;
#[cfg(test)]
mod decide_tests;
#[cfg(test)]
mod properties;
