//! Feeds projections: in-process from the store in `gongzhi dev`, durable
//! JetStream consumers in production. Each (projection, source context) pair
//! is one delivery loop with its own checkpoint or durable consumer.

use gongzhi_bus::{BusTopology, Consumer, ConsumerConfig, ConsumerStats, InProcessDelivery};
use gongzhi_eventstore::SharedEventStore;
use gongzhi_projections::{ProjectionHandle, ProjectionHandler};
use std::sync::Arc;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// Counters of one delivery loop, named for metrics.
pub type NamedStats = Vec<(String, ConsumerStats)>;

pub fn spawn_in_process(
    tasks: &mut JoinSet<()>,
    store: &SharedEventStore,
    projections: &[ProjectionHandle],
    shutdown: &CancellationToken,
) -> NamedStats {
    let mut stats = Vec::new();
    for projection in projections {
        for source in projection.sources() {
            let handler = Arc::new(ProjectionHandler::new(projection.clone()));
            let name = format!("{}-{}", projection.name(), source.context);
            let delivery =
                InProcessDelivery::new(store.clone(), handler, name.clone(), source.filter());
            stats.push((name, delivery.stats()));
            // Ends when shutdown is cancelled; errors are retried inside from
            // the checkpoint, so nothing escapes to here.
            tasks.spawn(delivery.run(shutdown.clone()));
        }
    }
    stats
}

pub fn spawn_consumers(
    tasks: &mut JoinSet<()>,
    jetstream: &async_nats::jetstream::Context,
    topology: &BusTopology,
    service: &str,
    projections: &[ProjectionHandle],
    shutdown: &CancellationToken,
) -> NamedStats {
    let mut stats = Vec::new();
    for projection in projections {
        for source in projection.sources() {
            let handler = Arc::new(ProjectionHandler::new(projection.clone()));
            let durable = format!("{service}-{}-{}", projection.name(), source.context);
            let mut config =
                ConsumerConfig::for_context(topology, &source.context, durable.clone());
            // A whole pull in flight, so a busy stream is applied in batches
            // (one transaction each) instead of one event per ack round trip.
            // Replicas sharing the consumer may then each hold part of the
            // stream; the projection applies in store order regardless (it
            // fills what its batch lacks from the store, see
            // `ProjectionHandle::apply_batch`).
            config.max_ack_pending = i64::try_from(config.fetch_batch).unwrap_or(1);
            let consumer = Consumer::new(jetstream.clone(), config, handler);
            stats.push((durable.clone(), consumer.stats()));
            let shutdown = shutdown.clone();
            tasks.spawn(async move {
                // Transient NATS trouble is retried inside; what returns here
                // is a configuration error, which no retry fixes: stop the
                // process so the orchestrator shows it.
                if let Err(error) = consumer.run(shutdown.clone()).await {
                    tracing::error!(consumer = %durable, %error, "consumer stopped, shutting down");
                    shutdown.cancel();
                }
            });
        }
    }
    stats
}
