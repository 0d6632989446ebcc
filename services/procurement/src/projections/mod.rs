//! Read models of the procurement context.

mod grid_cases;
mod procurement;
mod venture;

pub use procurement::{PROCUREMENT_PROJECTION, ProcurementProjection};
