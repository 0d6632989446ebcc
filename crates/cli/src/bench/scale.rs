//! The scale workload: append latency (16 writers, 1 event per append) and
//! full rebuild time as the store grows. The store is filled up to each size
//! (see [`super::seed`]), then measured; appends should stay flat because
//! every index they touch is a B-tree and the `$all` counter is one row.

use super::BenchConfig;
use super::database::BenchDatabase;
use super::rebuild::{RebuildResult, measure as measure_rebuild, register};
use super::report::Measurement;
use super::runner::measure_store;
use super::seed;
use gongzhi_eventstore::{EventStore, PostgresEventStore};
use std::sync::Arc;
use std::time::Instant;

const WRITERS: usize = 16;

#[derive(Debug, Clone)]
pub struct ScalePoint {
    pub stored: u64,
    pub append: Measurement,
    pub rebuild: RebuildResult,
}

pub async fn run(config: &BenchConfig) -> anyhow::Result<Vec<ScalePoint>> {
    let database = BenchDatabase::create(&config.database_url).await?;
    let result = measure(config, &database).await;
    database.drop_database().await?;
    let points = result?;
    print_table(&points);
    Ok(points)
}

async fn measure(
    config: &BenchConfig,
    database: &BenchDatabase,
) -> anyhow::Result<Vec<ScalePoint>> {
    let pool = database.pool(WRITERS as u32 + 4).await?;
    let store = Arc::new(PostgresEventStore::new(pool.clone()));
    store.migrate().await?;
    let handle = register(&database.url, store.clone()).await?;
    let metadata = seed::metadata()?;
    let mut sizes = config.scale_sizes.clone();
    sizes.sort_unstable();
    let per_writer = (config.appends / WRITERS).max(1);
    let mut points = Vec::new();
    for size in sizes {
        let head = store.head_position().await?;
        if size > head {
            let started = Instant::now();
            seed::seed(&pool, size - head).await?;
            eprintln!(
                "scale: filled to {size} events in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
        let stored = store.head_position().await?;
        let append = measure_store(&store, &metadata, WRITERS, per_writer, 1).await?;
        let rebuild = measure_rebuild(&pool, &handle).await?;
        eprintln!(
            "scale: {stored} events: append p99 {:.2} ms, rebuild {:.1} s",
            append.percentile_ms(99.0),
            rebuild.rebuild.as_secs_f64()
        );
        points.push(ScalePoint {
            stored,
            append,
            rebuild,
        });
    }
    pool.close().await;
    Ok(points)
}

pub fn print_table(points: &[ScalePoint]) {
    println!("\n### Scale with work: append latency (16 writers x 1 event) and rebuild time\n");
    println!(
        "| stored events | append ev/s | append p50 ms | append p99 ms | p99 vs smallest | rebuild events | rebuild s | rebuild ev/s | scan ev/s | rebuild/scan |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let first_p99 = points.first().map_or(1.0, |p| p.append.percentile_ms(99.0));
    for point in points {
        let p99 = point.append.percentile_ms(99.0);
        println!(
            "| {} | {:.0} | {:.2} | {:.2} | {:.2} | {} | {:.2} | {:.0} | {:.0} | {:.2} |",
            point.stored,
            point.append.events_per_second(),
            point.append.percentile_ms(50.0),
            p99,
            p99 / first_p99.max(f64::EPSILON),
            point.rebuild.events,
            point.rebuild.rebuild.as_secs_f64(),
            point.rebuild.rebuild_rate(),
            point.rebuild.scan_rate(),
            point.rebuild.rebuild_rate() / point.rebuild.scan_rate().max(f64::EPSILON),
        );
    }
    println!(
        "append latency is measured at each size before that size's rebuild; flat p99 = indexes keep appends O(log n)."
    );
}
