//! Read models of the procurement context.

mod procurement;
mod venture;

pub use procurement::{PROCUREMENT_PROJECTION, ProcurementProjection};
