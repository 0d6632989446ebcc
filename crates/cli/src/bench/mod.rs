//! `gongzhi bench`: every workload of the write and read path, each side by
//! side in the same run with its physical baseline, printed as ratios.
//!
//! - [`run_store_bench`]: appends against plain SQL inserts of the same rows;
//! - [`relay`]: store -> JetStream against raw publishing of the same messages;
//! - [`command`]: a residents command through gRPC until its read model
//!   answers, open-loop at fixed offered loads, and the saturation rate;
//! - [`rebuild`]: replaying a read model against a plain ordered scan;
//! - [`scale`]: append latency and rebuild time as the store grows.
//!
//! Every workload creates its own database on the server and drops it.

mod all;
mod baseline;
pub mod command;
mod config;
mod database;
mod machine;
mod plot;
pub mod rebuild;
pub mod relay;
mod report;
mod runner;
pub mod scale;
mod seed;

pub use all::run_all;
pub use config::BenchConfig;
pub use runner::run_store_bench;
