//! Pure domain of the grids context: no I/O, no async.

pub mod calendar;
pub mod case;
pub mod geo;
pub mod metrics;
