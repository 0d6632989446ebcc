//! `gongzhi city run|totals`: the city's side of federation (see
//! `crate::city` and docs/operations.md, "City federation").

use crate::args::{CityRunArgs, DatabaseArgs};
use crate::city::metrics::city_totals;
use crate::city::{CityMetricsProjection, CityProjection, CityStream, DistrictSource};
use anyhow::Context;
use async_nats::jetstream;
use gongzhi_bus::BusTopology;
use gongzhi_eventstore::{PostgresEventStore, SharedEventStore};
use gongzhi_projections::{ProjectionHandle, ReadModelDb};
use gongzhi_server::shutdown_on_signals;
use std::sync::Arc;

/// The city's read models and the (empty) event store their runtime wants.
async fn open(database: &DatabaseArgs) -> anyhow::Result<(ReadModelDb, SharedEventStore)> {
    let store = PostgresEventStore::connect(&database.database_url)
        .await
        .context("failed to connect to postgres")?;
    store
        .migrate()
        .await
        .context("failed to migrate the city database")?;
    let read_models = ReadModelDb::postgres(&database.database_url)
        .await
        .context("failed to open the read models")?;
    Ok((read_models, Arc::new(store)))
}

pub async fn run(args: CityRunArgs) -> anyhow::Result<()> {
    let districts = args
        .districts
        .iter()
        .map(|raw| DistrictSource::parse(raw))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let topology = BusTopology::with_prefix(&args.nats.subject_prefix);
    topology.validate().context("--subject-prefix")?;
    let mut stream = CityStream::new(topology, districts);
    stream.name = args.stream;
    let (read_models, store) = open(&args.database).await?;
    let client = crate::commands::nats::connect_retrying(&args.nats.nats_url).await?;
    let shutdown = shutdown_on_signals();
    let city = CityProjection::start(
        jetstream::new(client),
        &stream,
        &read_models,
        store,
        &args.durable,
    )
    .await?;
    eprintln!(
        "city stream {} sources {} district(s); projecting city_metrics (durable {})",
        stream.name,
        stream.districts.len(),
        args.durable
    );
    shutdown.cancelled().await;
    city.stop().await
}

pub async fn totals(args: DatabaseArgs) -> anyhow::Result<()> {
    let (read_models, store) = open(&args).await?;
    let handle: ProjectionHandle = read_models
        .register(Arc::new(CityMetricsProjection), store)
        .await?;
    println!(
        "{:<10} {:>12} {:>10} {:>10} {:>10}",
        "district", "registered", "erased", "reported", "closed"
    );
    for row in city_totals(&handle).await? {
        println!(
            "{:<10} {:>12} {:>10} {:>10} {:>10}",
            row.district,
            row.residents_registered,
            row.residents_erased,
            row.cases_reported,
            row.cases_closed
        );
    }
    Ok(())
}
