//! What the numbers were taken on, printed with every run.

use anyhow::Context;
use sqlx::postgres::PgPoolOptions;

pub async fn describe(database_url: &str, nats_url: &str) -> anyhow::Result<String> {
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| m.lines().next().map(str::to_owned))
        .unwrap_or_default();
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect(database_url)
        .await
        .context("failed to connect to postgres")?;
    let postgres: String = sqlx::query_scalar("SELECT version()")
        .fetch_one(&pool)
        .await?;
    let synchronous_commit: String = sqlx::query_scalar("SHOW synchronous_commit")
        .fetch_one(&pool)
        .await?;
    let fsync: String = sqlx::query_scalar("SHOW fsync").fetch_one(&pool).await?;
    pool.close().await;
    let nats = async_nats::connect(nats_url)
        .await
        .with_context(|| format!("failed to connect to nats at {nats_url}"))?;
    let nats_version = nats.server_info().version;
    Ok(format!(
        "cores: {cores}; {memory}\npostgres: {postgres} (synchronous_commit={synchronous_commit}, fsync={fsync})\nnats-server: {nats_version}\nload average: {}",
        load_average()
    ))
}

pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}
