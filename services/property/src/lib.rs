//! The property context (物业与业主自治): estates and their exclusive units,
//! owners' assemblies whose every decision is counted under Civil Code
//! art. 278, owners' committees, property service contracts and the
//! maintenance fund, disputes.

pub mod domain;
