//! Application layer of the grids context: runs commands against the store,
//! computes deadlines on the district's working calendar, answers queries
//! from the read models. No gRPC or HTTP types here.

pub mod case_ratings;
pub mod cases;
pub mod config;
pub mod grid_map;
pub mod overdue;
