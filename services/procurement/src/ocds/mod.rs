//! The open data of purchases: one OCDS 1.1 release per published step of a
//! purchase, merged by `ocid` into the purchase's record.
//!
//! Contract: [`releases`] is pure over the purchase's events in stream
//! order and the providers it names. Each release carries only what its
//! step adds (OCDS releases are deltas); the record's compiled release is
//! their merge. The ocid is `ocds-gongzhi-pu-<purchase id>`, release ids
//! `<ocid>-<stream revision>`, so a release is the same on every export.
//! Published: the plan (`planning`: budget, rationale, the planned tender
//! with its method), the tender (`tender`: tender period), the award
//! (`award`: tenderers of the scored bids, the supplier, the standstill),
//! an annulled award (`awardUpdate`), the contract (`contract`: value,
//! period, payment milestones), and its implementation (`implementation`:
//! monitoring, delivered milestones, the evaluation, payments as
//! transactions; the last payment also `contractTermination`). Bids stay
//! unpublished until the award. Parties: the district's finance bureau as
//! buyer, providers as tenderer and supplier, identified by their unified
//! social credit code under scheme [`USCC_SCHEME`]. Amounts are in CNY
//! (JSON numbers, from fen).

mod build;

pub use build::{Organisation, PublishedEvent, releases};

/// Prefix of the purchases' ocids (the ppp service uses `ocds-gongzhi`
/// with project ids; `pu` keeps the two apart).
pub const OCID_PREFIX: &str = "ocds-gongzhi-pu";

/// Identifier scheme of China's unified social credit code (统一社会信用代码,
/// GB 32100), as org-id.guide style prefixes name registers: country, then
/// the register.
pub const USCC_SCHEME: &str = "CN-USCC";

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is how a test fails"
)]
mod tests;
