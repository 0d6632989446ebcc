//! Thin tonic adapters of the grids context.

pub mod access;
pub mod cases;
pub mod grid_map;
pub mod metrics;
