//! `gongzhi projections status|rebuild`.

use crate::args::DatabaseArgs;
use crate::services::{ServiceDeps, all_projections};
use anyhow::{Context, bail};
use gongzhi_eventstore::{PostgresEventStore, SharedEventStore};
use gongzhi_projections::{ProjectionHandle, ReadModelDb};
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::Arc;
use std::time::Duration;

pub(crate) async fn open(
    args: &DatabaseArgs,
) -> anyhow::Result<(SharedEventStore, Vec<ProjectionHandle>)> {
    let store: SharedEventStore = Arc::new(
        PostgresEventStore::connect(&args.database_url)
            .await
            .context("failed to connect to postgres")?
            .with_upcasters(gongzhi_contract::upcasters()),
    );
    let read_models = ReadModelDb::postgres(&args.database_url)
        .await
        .context("failed to open the read models")?;
    let vault = match args.master_key.as_deref() {
        Some(key) => Some(crate::runtime::postgres_vault(&args.database_url, Some(key)).await?),
        None => None,
    };
    let deps = ServiceDeps {
        store: store.clone(),
        read_models,
        vault,
        max_wait: Duration::from_secs(1),
        auth: gongzhi_server::AuthConfig::new(Vec::new()),
        grids_config: crate::runtime::grids_config()?,
        residents_config: crate::runtime::residents_config()?,
        clock: crate::runtime::system_clock(),
    };
    let projections = all_projections(&deps).await?;
    Ok((store, projections))
}

pub async fn status(args: DatabaseArgs) -> anyhow::Result<()> {
    let (store, projections) = open(&args).await?;
    println!("store head position: {}", store.head_position().await?);
    println!(
        "{:<24} {:>10} {:>12} {:>14} {:>14}",
        "projection", "generation", "position", "pending", "seconds behind"
    );
    for projection in projections {
        let status = projection.status().await?;
        println!(
            "{:<24} {:>10} {:>12} {:>14} {:>14.1}",
            status.name,
            status.generation,
            status.position,
            status.pending_events,
            status.seconds_behind
        );
    }
    Ok(())
}

pub async fn rebuild(name: &str, args: DatabaseArgs) -> anyhow::Result<()> {
    let (_store, projections) = open(&args).await?;
    let Some(projection) = projections.into_iter().find(|p| p.name() == name) else {
        bail!("no projection named {name:?}; `gongzhi projections status` lists them");
    };
    let generation = rebuild_with_progress(&projection).await?;
    println!("{name}: generation {generation} is live");
    Ok(())
}

/// Rebuilds one read model, drawing a progress bar; returns the new generation.
pub async fn rebuild_with_progress(projection: &ProjectionHandle) -> anyhow::Result<i64> {
    let name = projection.name();
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg} [{bar:40}] {pos}/{len} positions ({per_sec}, eta {eta})",
        )
        .context("bad progress template")?
        .progress_chars("=> "),
    );
    bar.set_message(format!("rebuilding {name}"));
    let generation = projection
        .rebuild(|progress| {
            bar.set_length(progress.head);
            bar.set_position(progress.position.min(progress.head));
        })
        .await
        .with_context(|| format!("failed to rebuild {name}"))?;
    bar.finish_with_message(format!("rebuilt {name}"));
    Ok(generation)
}
