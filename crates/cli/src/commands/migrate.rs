//! `gongzhi migrate`: event store tables, the projection registry, and every
//! read model's live generation. Safe to run again.

use crate::args::DatabaseArgs;
use crate::services::{ServiceDeps, all_projections};
use anyhow::Context;
use gongzhi_eventstore::{PostgresEventStore, SharedEventStore};
use gongzhi_projections::ReadModelDb;
use std::sync::Arc;
use std::time::Duration;

pub async fn run(args: DatabaseArgs) -> anyhow::Result<()> {
    let store = PostgresEventStore::connect(&args.database_url)
        .await
        .context("failed to connect to postgres")?;
    store
        .migrate()
        .await
        .context("failed to migrate the event store")?;
    let store: SharedEventStore = Arc::new(store);
    let read_models = ReadModelDb::postgres(&args.database_url)
        .await
        .context("failed to migrate the projection registry")?;
    let vault = match args.master_key.as_deref() {
        Some(key) => Some(crate::runtime::postgres_vault(&args.database_url, Some(key)).await?),
        None => None,
    };
    let deps = ServiceDeps {
        store,
        read_models,
        vault,
        max_wait: Duration::from_secs(1),
        auth: gongzhi_server::AuthConfig::new(Vec::new()),
        grids_config: crate::runtime::grids_config()?,
        residents_config: crate::runtime::residents_config()?,
        clock: crate::runtime::system_clock(),
    };
    let projections = all_projections(&deps).await?;
    println!(
        "migrated: event store, projection registry, {} read model(s)",
        projections.len()
    );
    Ok(())
}
