//! `gongzhi migrate`: event store tables, the projection registry, and every
//! read model's live generation. Safe to run again.

use crate::args::DatabaseArgs;
use crate::services::all_projections;
use anyhow::Context;
use gongzhi_eventstore::{PostgresEventStore, SharedEventStore};
use gongzhi_projections::ReadModelDb;
use std::sync::Arc;

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
    let projections = all_projections(&store, &read_models).await?;
    println!(
        "migrated: event store, projection registry, {} read model(s)",
        projections.len()
    );
    Ok(())
}
