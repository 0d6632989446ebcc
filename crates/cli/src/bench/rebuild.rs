//! The rebuild workload: replaying a read model from the store into a new
//! generation, against the physical baseline of one plain ordered scan of
//! the events table reading the same columns.
//!
//! The read model is the bench's own (`bench_streams`: a count and the last
//! position per stream, one upsert per event) so the rebuild machinery is
//! measured, not one service's decoding.

use super::BenchConfig;
use super::database::BenchDatabase;
use super::seed;
use futures::TryStreamExt;
use gongzhi_eventstore::{PostgresEventStore, RecordedEvent, SharedEventStore};
use gongzhi_projections::{
    Backend, Projection, ProjectionError, ProjectionHandle, ReadModelDb, Source,
};
use sqlx::migrate::Migrator;
use sqlx::{AnyConnection, PgPool, Row};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct RebuildResult {
    pub events: u64,
    pub rebuild: Duration,
    pub scan: Duration,
}

impl RebuildResult {
    pub fn rebuild_rate(&self) -> f64 {
        self.events as f64 / self.rebuild.as_secs_f64().max(f64::EPSILON)
    }
    pub fn scan_rate(&self) -> f64 {
        self.events as f64 / self.scan.as_secs_f64().max(f64::EPSILON)
    }
}

pub async fn run(config: &BenchConfig) -> anyhow::Result<RebuildResult> {
    let database = BenchDatabase::create(&config.database_url).await?;
    let result = async {
        let pool = database.pool(8).await?;
        let store = PostgresEventStore::new(pool.clone());
        store.migrate().await?;
        seed::seed(&pool, config.rebuild_events).await?;
        let handle = register(&database.url, Arc::new(store)).await?;
        let result = measure(&pool, &handle).await;
        pool.close().await;
        result
    }
    .await;
    database.drop_database().await?;
    let result = result?;
    print_table(&[result]);
    Ok(result)
}

/// Registers the bench read model on the database at `url`.
pub(super) async fn register(
    url: &str,
    store: SharedEventStore,
) -> anyhow::Result<ProjectionHandle> {
    let read_models = ReadModelDb::postgres(url).await?;
    Ok(read_models.register(Arc::new(BenchStreams), store).await?)
}

/// Times one full rebuild, then the plain scan, over the same events.
pub(super) async fn measure(
    pool: &PgPool,
    handle: &ProjectionHandle,
) -> anyhow::Result<RebuildResult> {
    let started = Instant::now();
    handle.rebuild(|_| {}).await?;
    let rebuild = started.elapsed();
    let started = Instant::now();
    let events = scan(pool).await?;
    let scan = started.elapsed();
    Ok(RebuildResult {
        events,
        rebuild,
        scan,
    })
}

/// Every event in position order, every column decoded, as a replay reads.
async fn scan(pool: &PgPool) -> anyhow::Result<u64> {
    let mut rows = sqlx::query(
        "SELECT position, event_id, stream_name, revision, event_type, payload, \
         metadata::text AS metadata, recorded_at FROM eventstore.events ORDER BY position",
    )
    .fetch(pool);
    let mut count = 0u64;
    let mut bytes = 0usize;
    while let Some(row) = rows.try_next().await? {
        let _: i64 = row.try_get("position")?;
        let _: uuid::Uuid = row.try_get("event_id")?;
        let stream: String = row.try_get("stream_name")?;
        let _: i64 = row.try_get("revision")?;
        let event_type: String = row.try_get("event_type")?;
        let payload: Vec<u8> = row.try_get("payload")?;
        let metadata: String = row.try_get("metadata")?;
        let _: chrono::DateTime<chrono::Utc> = row.try_get("recorded_at")?;
        bytes += stream.len() + event_type.len() + payload.len() + metadata.len();
        count += 1;
    }
    std::hint::black_box(bytes);
    Ok(count)
}

pub fn print_table(results: &[RebuildResult]) {
    println!("\n### Rebuild: read model from the store\n");
    println!("| events | rebuild s | rebuild ev/s | plain scan ev/s | ratio |");
    println!("|---:|---:|---:|---:|---:|");
    for result in results {
        println!(
            "| {} | {:.2} | {:.0} | {:.0} | {:.2} |",
            result.events,
            result.rebuild.as_secs_f64(),
            result.rebuild_rate(),
            result.scan_rate(),
            result.rebuild_rate() / result.scan_rate().max(f64::EPSILON)
        );
    }
    println!("ratio = rebuild / ordered scan of the events table (target >= 0.40).");
}

/// Events and last position per stream of the bench events.
struct BenchStreams;

#[gongzhi_bus::async_trait]
impl Projection for BenchStreams {
    fn name(&self) -> &'static str {
        "bench_streams"
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new("bench", &[])]
    }

    fn migrator(&self, _backend: Backend) -> Migrator {
        sqlx::migrate!("./migrations/bench")
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let position = i64::try_from(event.position)
            .map_err(|e| ProjectionError::apply(self.name(), event.event_id, e))?;
        sqlx::query(
            "INSERT INTO bench_streams (stream_name, events, last_position) VALUES ($1, 1, $2) \
             ON CONFLICT (stream_name) DO UPDATE SET events = bench_streams.events + 1, \
             last_position = excluded.last_position",
        )
        .bind(event.stream.as_str())
        .bind(position)
        .execute(connection)
        .await?;
        Ok(())
    }

    /// Folds the page per stream in memory, then writes it with one
    /// multi-row upsert: what a rebuild of a keyed read model can do.
    async fn apply_page(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        events: &[RecordedEvent],
    ) -> Result<(), ProjectionError> {
        let mut streams: Vec<(&str, i64, i64)> = Vec::new();
        for event in events {
            let position = i64::try_from(event.position)
                .map_err(|e| ProjectionError::apply(self.name(), event.event_id, e))?;
            match streams
                .iter_mut()
                .find(|(name, _, _)| *name == event.stream.as_str())
            {
                Some(entry) => {
                    entry.1 += 1;
                    entry.2 = position;
                }
                None => streams.push((event.stream.as_str(), 1, position)),
            }
        }
        for chunk in streams.chunks(UPSERT_ROWS) {
            let rows: Vec<String> = (0..chunk.len())
                .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
                .collect();
            let sql = format!(
                "INSERT INTO bench_streams (stream_name, events, last_position) VALUES {} \
                 ON CONFLICT (stream_name) DO UPDATE SET \
                 events = bench_streams.events + excluded.events, \
                 last_position = excluded.last_position",
                rows.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for (name, events, last_position) in chunk {
                query = query.bind(*name).bind(*events).bind(*last_position);
            }
            query.execute(&mut *connection).await?;
        }
        Ok(())
    }
}

/// Rows per upsert statement, well under PostgreSQL's 65535 parameters.
const UPSERT_ROWS: usize = 1_000;
