//! The relay workload: events per second from the store's `$all` to
//! JetStream, against the physical baseline of the same messages (subject,
//! CloudEvents headers, payload) published raw with async-nats, acks in
//! flight over a sliding window as deep as the relay's batch.

use super::BenchConfig;
use super::database::BenchDatabase;
use super::seed;
use anyhow::Context;
use futures::StreamExt;
use futures::stream::FuturesOrdered;
use gongzhi_bus::cloudevents::Encoder;
use gongzhi_bus::topology::DEFAULT_SOURCE_BASE;
use gongzhi_bus::{BusTopology, Relay, RelayConfig};
use gongzhi_eventstore::{AllFilter, PostgresEventStore, SharedEventStore};
use std::future::IntoFuture;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

const CONTEXT: &str = "bench";
const READ_PAGE: usize = 1_000;

#[derive(Debug, Clone, Copy)]
pub struct RelayResult {
    pub events: u64,
    pub relay: Duration,
    pub raw: Duration,
}

impl RelayResult {
    pub fn relay_rate(&self) -> f64 {
        self.events as f64 / self.relay.as_secs_f64().max(f64::EPSILON)
    }
    pub fn raw_rate(&self) -> f64 {
        self.events as f64 / self.raw.as_secs_f64().max(f64::EPSILON)
    }
}

pub async fn run(config: &BenchConfig) -> anyhow::Result<RelayResult> {
    let database = BenchDatabase::create(&config.database_url).await?;
    let result = measure(config, &database).await;
    database.drop_database().await?;
    let result = result?;
    print_table(&result);
    Ok(result)
}

async fn measure(config: &BenchConfig, database: &BenchDatabase) -> anyhow::Result<RelayResult> {
    let pool = database.pool(8).await?;
    let store = PostgresEventStore::new(pool.clone());
    store.migrate().await?;
    seed::seed(&pool, config.relay_events).await?;
    let store: SharedEventStore = Arc::new(store);
    let head = store.head_position().await?;
    let nats = async_nats::connect(&config.nats_url)
        .await
        .with_context(|| format!("failed to connect to nats at {}", config.nats_url))?;
    let jetstream = async_nats::jetstream::new(nats);
    let prefix = format!("b{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
    let relay_topology = BusTopology::with_prefix(&format!("{prefix}r"));
    let raw_topology = BusTopology::with_prefix(&format!("{prefix}p"));

    let relay_time = run_relay(&store, &jetstream, &relay_topology, head).await;
    let raw_time = raw_publish(&store, &jetstream, &raw_topology, head).await;
    for topology in [&relay_topology, &raw_topology] {
        // Best effort: a leftover stream only costs the NATS server disk.
        let _ = jetstream
            .delete_stream(topology.context_stream_name(CONTEXT))
            .await;
        let _ = jetstream.delete_stream(topology.dlq_stream_name()).await;
    }
    pool.close().await;
    Ok(RelayResult {
        events: head,
        relay: relay_time?,
        raw: raw_time?,
    })
}

/// The relay as `gongzhi serve` runs it, timed from start until its
/// progress (acked and checkpointed) reaches the store head.
async fn run_relay(
    store: &SharedEventStore,
    jetstream: &async_nats::jetstream::Context,
    topology: &BusTopology,
    head: u64,
) -> anyhow::Result<Duration> {
    let mut relay_config = RelayConfig::for_context(CONTEXT);
    relay_config.topology = topology.clone();
    let relay = Relay::new(store.clone(), jetstream.clone(), relay_config);
    let mut progress = relay.progress();
    let shutdown = CancellationToken::new();
    let started = Instant::now();
    let task = tokio::spawn(relay.run(shutdown.clone()));
    let reached = progress.wait_for(|position| *position >= head).await;
    let elapsed = started.elapsed();
    shutdown.cancel();
    task.await??;
    reached.context("relay stopped before reaching the head")?;
    Ok(elapsed)
}

/// The same messages, read from the store beforehand (reading is not what
/// the baseline measures), published raw with a sliding window of acks.
async fn raw_publish(
    store: &SharedEventStore,
    jetstream: &async_nats::jetstream::Context,
    topology: &BusTopology,
    head: u64,
) -> anyhow::Result<Duration> {
    topology.ensure_context_stream(jetstream, CONTEXT).await?;
    let encoder = Encoder {
        topology: topology.clone(),
        source_base: DEFAULT_SOURCE_BASE.to_owned(),
    };
    let mut messages = Vec::new();
    let mut after = 0;
    while after < head {
        let page = store
            .read_all(after, &AllFilter::everything(), READ_PAGE)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.position;
        messages.extend(page.iter().map(|event| encoder.encode(event)));
    }
    let window = RelayConfig::for_context(CONTEXT).batch_size;
    let started = Instant::now();
    let mut in_flight = FuturesOrdered::new();
    for (subject, headers, payload) in messages {
        if in_flight.len() >= window
            && let Some(ack) = in_flight.next().await
        {
            ack?;
        }
        let ack = jetstream
            .publish_with_headers(subject, headers, payload)
            .await?;
        in_flight.push_back(ack.into_future());
    }
    while let Some(ack) = in_flight.next().await {
        ack?;
    }
    Ok(started.elapsed())
}

pub fn print_table(result: &RelayResult) {
    println!("\n### Relay: store -> JetStream\n");
    println!("| events | gongzhi relay ev/s | raw async-nats ev/s | ratio |");
    println!("|---:|---:|---:|---:|");
    println!(
        "| {} | {:.0} | {:.0} | {:.2} |",
        result.events,
        result.relay_rate(),
        result.raw_rate(),
        result.relay_rate() / result.raw_rate().max(f64::EPSILON)
    );
    println!("ratio = relay / raw publishing (target >= 0.50).");
}
