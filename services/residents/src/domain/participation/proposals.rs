//! Proposals and complaints (居民提事, "residents raise it, someone owns it"),
//! a pure decider over stream `proposal-<uuid>`.
//!
//! Contract: an item is raised by a resident; it gets one owner (a unit,
//! worker or committee) with a deadline after it was raised; residents support
//! it, each at most once, and the event carries the count of distinct
//! supporters; the owner (or an administrator, flagged on the command) gives
//! one public answer; an answered item may be closed, after which nothing
//! changes. An assigned, unanswered item past its deadline is flagged overdue
//! once. A complaint about a street problem says `becomes_grid_case` on its
//! raised event so the grids service opens a case from the bus. Every command
//! acts only in the item's own district. Owners are assigned once: a new owner
//! is a new decision the application records as a new item.

mod codec;
mod command;
mod decide;
mod error;
mod state;
mod time;

pub use codec::ProposalEvent;
pub use command::{ProposalCommand, ProposalRaise, StreetProblem};
pub use decide::Proposal;
pub use error::ProposalError;
pub use gongzhi_proto::gongzhi::residents::v1::{ProposalKind, ProposalOwnerKind};
pub use state::{Owner, ProposalFacts, ProposalState};

#[cfg(test)]
mod decide_tests;
#[cfg(test)]
mod support_proptests;
