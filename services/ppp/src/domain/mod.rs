//! Pure rules of the PPP context: no I/O, times passed in.

pub mod model;
pub mod money;
pub mod payment;
pub mod performance;
pub mod portfolio;
pub mod project;
