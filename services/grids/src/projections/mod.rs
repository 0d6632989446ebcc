//! Read models of the grids context.

mod grid_population;

pub use grid_population::{GridCount, GridPopulationProjection, grid_counts};
