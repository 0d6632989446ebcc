//! Read models of the residents context.

mod residents;

pub use residents::ResidentsProjection;
