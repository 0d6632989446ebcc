//! The project's open data: one OCDS release (PPP profile) per published
//! step of its life, merged by `ocid` into the project's record.
//!
//! Contract: [`releases`] is pure over the project's events in stream
//! order. Each release carries only what its step adds (OCDS releases are
//! deltas); the record's compiled release is their merge. The ocid is
//! `ocds-gongzhi-<project id>`, release ids `<ocid>-<stream revision>`, so
//! a release is the same every time it is exported. Published: the project
//! (planning.project, budget), parties (district government as buyer,
//! bidders, partner, project company), milestones (value for money,
//! affordability, consultation, approval, evaluations, performance test,
//! asset transfer), risk allocation and KPIs (agreed metrics), financing,
//! each settled period's KPI observations and payment, and performance
//! failures. Amounts are in yuan (JSON numbers, from fen). A withdrawal
//! is a `tenderCancellation` (tender `cancelled`) once the tender was
//! published in procurement, before that a `planningUpdate` (tender
//! `withdrawn`), with the reason in a `withdrawal` milestone.

mod build;

pub use build::{PublishedEvent, releases};

pub const OCID_PREFIX: &str = "ocds-gongzhi";

#[cfg(test)]
mod tests;
