//! The grids context (网格化管理): the grid map, cases that run a closed
//! loop until verified and evaluated, whistle summons, metrics and Open311.
//!
//! Built in steps (issue 4): the pure domain first; the application layer,
//! gRPC and HTTP adapters and projections follow the residents service's
//! layout.

pub mod app;
pub mod domain;
pub mod grpc;
pub mod open311;
pub mod projections;
