//! Property management of an estate as a pure decider over stream
//! `management-<estate uuid>`.
//!
//! Contract: the developer's preliminary contract is signed at most once and
//! only before any owners' contract. A company is hired only on a passed
//! `HIRE_OR_DISMISS_MANAGER` decision of the estate's assembly, never while
//! another owners' contract runs; signing it ends a running preliminary
//! contract in the same decision. A company is dismissed only on another
//! such passed decision. Each decision is relied on once. Terms need a scope,
//! a quality standard, a fee above zero and a start before the end.

mod decide;

pub use decide::{
    Contract, Management, ManagementCommand, ManagementError, ManagementState, Terms,
};

#[cfg(test)]
mod tests;
