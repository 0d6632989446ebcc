//! Runs the city read model: the city stream ensured, `city_metrics`
//! registered, and a durable consumer of the city stream feeding it through
//! the same [`ProjectionHandler`] every service projection uses.

use super::metrics::CityMetricsProjection;
use super::stream::CityStream;
use anyhow::Context;
use async_nats::jetstream;
use gongzhi_bus::{BusTopology, Consumer, ConsumerConfig, ConsumerStats};
use gongzhi_eventstore::SharedEventStore;
use gongzhi_projections::{ProjectionHandle, ProjectionHandler, ReadModelDb};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub const DEFAULT_CITY_DURABLE: &str = "city-metrics";
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

/// Where the city consumer's dead letters go: a topology of its own
/// (`<prefix>-city`), so the city's dead-letter stream never captures the
/// districts' `<prefix>.dlq.>` subjects that cross the leaf node links.
pub fn city_dlq_topology(district_topology: &BusTopology) -> BusTopology {
    // Named as `BusTopology::with_prefix` names it, so `gongzhi dlq list
    // --subject-prefix <prefix>-city` finds the stream.
    let named = BusTopology::with_prefix(&format!("{}-city", district_topology.subject_prefix));
    BusTopology {
        subject_prefix: named.subject_prefix,
        stream_prefix: named.stream_prefix,
        ..district_topology.clone()
    }
}

pub struct CityProjection {
    pub handle: ProjectionHandle,
    pub stats: ConsumerStats,
    shutdown: CancellationToken,
    task: JoinHandle<Result<(), gongzhi_bus::ConsumerError>>,
}

impl CityProjection {
    /// `store` is the city's own (empty) event store: the runtime wants one
    /// for status reports; the city's events come from its stream.
    pub async fn start(
        jetstream: jetstream::Context,
        stream: &CityStream,
        read_models: &ReadModelDb,
        store: SharedEventStore,
        durable: &str,
    ) -> anyhow::Result<Self> {
        stream.ensure(&jetstream).await?;
        let dlq = city_dlq_topology(&stream.district_topology);
        dlq.ensure_dlq_stream(&jetstream)
            .await
            .context("failed to create the city dead-letter stream")?;
        let handle = read_models
            .register(Arc::new(CityMetricsProjection), store)
            .await
            .context("failed to register the city read model")?;
        let config =
            ConsumerConfig::new(stream.name.clone(), durable, "", dlq.dlq_subject_prefix());
        let consumer = Consumer::new(
            jetstream,
            config,
            Arc::new(ProjectionHandler::new(handle.clone())),
        );
        let stats = consumer.stats();
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(consumer.run(shutdown.clone()));
        Ok(Self {
            handle,
            stats,
            shutdown,
            task,
        })
    }

    /// Stops consuming after the event in flight.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        tokio::time::timeout(STOP_TIMEOUT, self.task)
            .await
            .context("the city consumer did not stop in time")?
            .context("the city consumer panicked")?
            .context("the city consumer failed")
    }
}
