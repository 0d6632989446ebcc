//! One integration test binary against real PostgreSQL and real NATS
//! JetStream. Every test gets its own database and its own stream prefix, so
//! they run in parallel.

mod support;

mod bench;
mod consumer;
mod dead_letters;
mod esdb;
mod federation;
mod grids;
mod metrics;
mod platform;
mod ppp;
mod privacy;
mod procurement;
mod projections;
mod property;
mod relay;
mod residents;
mod server;
mod store_concurrency;
mod store_contract;
mod store_group_commit;
mod telemetry;
mod upcasting;
