//! `gongzhi bench store`: append throughput and latency of the PostgreSQL
//! event store, side by side in the same run with the physical baseline, the
//! same rows written by the simplest plain SQL insert.

mod baseline;
mod database;
mod report;
mod runner;

pub use runner::{BenchConfig, run_store_bench};
