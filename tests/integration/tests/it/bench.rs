//! `gongzhi bench all` at tiny sizes, so the bench code keeps running as the
//! platform changes. Nothing about speed is asserted: numbers on a shared
//! test machine mean nothing; the bench's own run does that.

use crate::support::nats::{connect, shared_nats_url};
use crate::support::pg::server_url;
use gongzhi_cli::bench::{BenchConfig, run_all};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bench_workload_runs_at_tiny_sizes() -> anyhow::Result<()> {
    connect(&shared_nats_url()).await?;
    run_all(&BenchConfig::tiny(server_url(), shared_nats_url())).await
}
