//! The maintenance fund ledger (专项维修资金) of an estate as a pure decider
//! over stream `fund-<estate uuid>`.
//!
//! Contract: deposits add to the balance; a use is approved only on a passed
//! `USE_MAINTENANCE_FUND` decision of the estate's assembly, each decision
//! once; spending draws on one approval, never more than the approval has
//! left and never more than the balance, so the balance never goes negative.
//! Amounts are whole fen above zero; ids are unique in the ledger.

mod decide;

pub use decide::{Fund, FundCommand, FundError, FundState};

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
