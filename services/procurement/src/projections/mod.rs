//! Read models of the procurement context.

mod procurement;

pub use procurement::{PROCUREMENT_PROJECTION, ProcurementProjection};
