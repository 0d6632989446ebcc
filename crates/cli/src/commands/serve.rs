//! `gongzhi serve <service>`: one service against PostgreSQL and NATS. The
//! relay publishes the service's events from the committed store; durable
//! consumers feed its projections. NATS being down at start or later delays
//! events, it never fails commands.

use super::{delivery, telemetry};
use crate::args::{ServeArgs, ServiceName};
use crate::services::host_services;
use anyhow::Context;
use gongzhi_bus::{BusTopology, Relay, RelayConfig};
use gongzhi_eventstore::{PostgresEventStore, SharedEventStore};
use gongzhi_projections::ReadModelDb;
use gongzhi_server::{AuthConfig, HostConfig, ServiceHost, shutdown_on_signals};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;

pub fn service_label(service: ServiceName) -> &'static str {
    match service {
        ServiceName::Platform => "platform",
    }
}

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let label = service_label(args.service);
    let telemetry = telemetry::init(&format!("gongzhi-{label}"), &args.telemetry)?;
    let store = PostgresEventStore::connect(&args.database.database_url)
        .await
        .context("failed to connect to the event store")?;
    store.migrate().await.context("failed to migrate the event store")?;
    let store: SharedEventStore = Arc::new(store);
    let read_models = ReadModelDb::postgres(&args.database.database_url)
        .await
        .context("failed to open the read models")?;

    let host = ServiceHost::new(HostConfig {
        listen_addr: args.listen,
        auth: AuthConfig::new(args.jwt_secret.into_bytes()),
        drain_timeout: Duration::from_secs(args.drain_seconds),
    });
    let hosted = host_services(host, &[args.service], &store, &read_models, Duration::from_millis(args.max_wait_ms)).await?;
    let mut host = hosted.host;
    let addr = host.bind().await.context("failed to listen")?;

    let nats = async_nats::ConnectOptions::new()
        .retry_on_initial_connect()
        .connect(&args.nats.nats_url)
        .await
        .context("failed to set up the nats connection")?;
    let jetstream = async_nats::jetstream::new(nats);
    let topology = BusTopology::with_prefix(&args.nats.subject_prefix);

    let shutdown = shutdown_on_signals();
    let mut tasks = JoinSet::new();
    for context in &hosted.contexts {
        let mut config = RelayConfig::for_context(context);
        config.topology = topology.clone();
        let relay = Relay::new(store.clone(), jetstream.clone(), config);
        let shutdown = shutdown.clone();
        tasks.spawn(async move {
            // Outages are retried inside the relay; only a bad configuration
            // returns, and no retry fixes that.
            if let Err(error) = relay.run(shutdown.clone()).await {
                tracing::error!(%error, "relay stopped, shutting down");
                shutdown.cancel();
            }
        });
    }
    delivery::spawn_consumers(&mut tasks, &jetstream, &topology, label, &hosted.projections, &shutdown);
    tracing::info!(%addr, service = label, "serving");
    let served = host.serve(shutdown.clone()).await;
    shutdown.cancel();
    while tasks.join_next().await.is_some() {}
    telemetry.shutdown().await;
    served.context("grpc server failed")
}
