//! The append workload: the store against plain SQL inserts of the same rows.

use super::BenchConfig;
use super::baseline;
use super::database::BenchDatabase;
use super::report::{Measurement, Row, print_table};
use futures::future::try_join_all;
use gongzhi_eventstore::{
    EventData, EventMetadata, EventStore, ExpectedRevision, PostgresEventStore, StreamName,
};
use gongzhi_kernel::DistrictCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

pub const PAYLOAD_BYTES: usize = 300;

/// Runs every (writers, batch) pair against both the store and the baseline,
/// alternating them so both see the same machine state, and prints the table.
pub async fn run_store_bench(config: &BenchConfig) -> anyhow::Result<Vec<Row>> {
    let database = BenchDatabase::create(&config.database_url).await?;
    let max_writers = config.writers.iter().copied().max().unwrap_or(1);
    let pool = database
        .pool(u32::try_from(max_writers)?.max(1) + 2)
        .await?;
    let store = Arc::new(PostgresEventStore::new(pool.clone()));
    store.migrate().await?;
    baseline::create_table(&pool).await?;
    let metadata = EventMetadata::new(Some(DistrictCode::parse("500108")?), "bench");
    let metadata_json = serde_json::to_value(&metadata)?;

    let mut rows = Vec::new();
    for &writers in &config.writers {
        for &batch in &config.batches {
            let per_writer = (config.appends / writers).max(1);
            let (baseline_pool, baseline_metadata) = (pool.clone(), metadata_json.clone());
            let baseline = measure(writers, per_writer, batch, move |writer, n| {
                let pool = baseline_pool.clone();
                let metadata_json = baseline_metadata.clone();
                async move {
                    let events = payloads(batch);
                    baseline::insert(
                        &pool,
                        &format!("bench-{writer}-{n}"),
                        &events,
                        &metadata_json,
                    )
                    .await
                }
            })
            .await?;
            let store_measurement =
                measure_store(&store, &metadata, writers, per_writer, batch).await?;
            eprintln!(
                "writers={writers} batch={batch}: gongzhi {:.0} ev/s, baseline {:.0} ev/s",
                store_measurement.events_per_second(),
                baseline.events_per_second()
            );
            rows.push(Row {
                writers,
                batch,
                store: store_measurement,
                baseline,
            });
        }
    }
    print_table(&rows);
    pool.close().await;
    database.drop_database().await?;
    Ok(rows)
}

/// `writers` tasks each appending `per_writer` times `batch` events to a
/// stream of their own, with the exact expected revision.
pub(super) async fn measure_store(
    store: &Arc<PostgresEventStore>,
    metadata: &EventMetadata,
    writers: usize,
    per_writer: usize,
    batch: usize,
) -> anyhow::Result<Measurement> {
    let run = Uuid::new_v4().simple().to_string();
    let (bench_store, bench_metadata) = (store.clone(), metadata.clone());
    measure(writers, per_writer, batch, move |writer, n| {
        let store = bench_store.clone();
        let metadata = bench_metadata.clone();
        let stream = StreamName::new("bench", format!("{run}{writer}"));
        async move {
            let stream = stream?;
            let expected = if n == 0 {
                ExpectedRevision::NoStream
            } else {
                ExpectedRevision::Exact((n * batch - 1) as u64)
            };
            let events = payloads(batch)
                .into_iter()
                .map(|(event_id, payload)| EventData {
                    event_id,
                    event_type: "gongzhi.bench.v1.Appended".to_owned(),
                    payload,
                    metadata: metadata.clone(),
                })
                .collect();
            store.append(&stream, expected, events).await?;
            Ok(())
        }
    })
    .await
}

pub(super) fn payloads(batch: usize) -> Vec<(Uuid, Vec<u8>)> {
    (0..batch)
        .map(|i| (Uuid::new_v4(), vec![b'a' + (i % 26) as u8; PAYLOAD_BYTES]))
        .collect()
}

pub(super) async fn measure<F, Fut>(
    writers: usize,
    appends_per_writer: usize,
    batch: usize,
    append: F,
) -> anyhow::Result<Measurement>
where
    F: Fn(usize, usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
{
    let started = Instant::now();
    let tasks = (0..writers).map(|writer| {
        let append = append.clone();
        tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(appends_per_writer);
            for n in 0..appends_per_writer {
                let t = Instant::now();
                append(writer, n).await?;
                latencies.push(t.elapsed());
            }
            Ok::<Vec<Duration>, anyhow::Error>(latencies)
        })
    });
    let results = try_join_all(tasks).await?;
    let elapsed = started.elapsed();
    let mut latencies = Vec::new();
    for result in results {
        latencies.extend(result?);
    }
    Ok(Measurement {
        events: (latencies.len() * batch) as u64,
        elapsed,
        latencies,
    })
}
