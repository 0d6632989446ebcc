//! Fills the event store quickly for the workloads that need history
//! (relay, rebuild, scale). Seeding is not what is measured, so it writes the
//! store's tables with one set-based INSERT per chunk instead of appending:
//! the rows are exactly what appends would have written (streams of 100
//! events, revisions 0..99, gapless positions after the current head).

use gongzhi_eventstore::EventMetadata;
use gongzhi_kernel::DistrictCode;
use sqlx::PgPool;

/// Event type of every bench event: context `bench`.
pub const EVENT_TYPE: &str = "gongzhi.bench.v1.Appended";
pub const CATEGORY: &str = "benchseed";
const EVENTS_PER_STREAM: u64 = 100;
const CHUNK: u64 = 100_000;

pub fn metadata() -> anyhow::Result<EventMetadata> {
    Ok(EventMetadata::new(
        Some(DistrictCode::parse("500108")?),
        "bench",
    ))
}

/// Adds `count` events (rounded up to whole streams) after the head.
pub async fn seed(pool: &PgPool, count: u64) -> anyhow::Result<()> {
    let metadata = serde_json::to_string(&metadata()?)?;
    let run = uuid::Uuid::new_v4().simple().to_string();
    let streams = count.div_ceil(EVENTS_PER_STREAM);
    let streams_per_chunk = CHUNK / EVENTS_PER_STREAM;
    let mut first_stream = 0;
    while first_stream < streams {
        let chunk_streams = streams_per_chunk.min(streams - first_stream);
        let events = i64::try_from(chunk_streams * EVENTS_PER_STREAM)?;
        let mut tx = pool.begin().await?;
        sqlx::query(
            "INSERT INTO eventstore.streams (stream_name, category, revision) \
             SELECT $1 || '-' || $2 || s, $1, $4 - 1 FROM generate_series($3, $3 + $5 - 1) s",
        )
        .bind(CATEGORY)
        .bind(&run)
        .bind(i64::try_from(first_stream)?)
        .bind(i64::try_from(EVENTS_PER_STREAM)?)
        .bind(i64::try_from(chunk_streams)?)
        .execute(&mut *tx)
        .await?;
        let head: i64 = sqlx::query_scalar(
            "UPDATE eventstore.all_head SET position = position + $1 RETURNING position - $1",
        )
        .bind(events)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO eventstore.events \
                 (position, event_id, stream_name, revision, category, event_type, district, payload, metadata) \
             SELECT $1 + g, gen_random_uuid(), $2 || '-' || $3 || ($4 + (g - 1) / $5), (g - 1) % $5, \
                    $2, $6, '500108', decode(repeat('61', 300), 'hex'), $7::jsonb \
             FROM generate_series(1, $8) g",
        )
        .bind(head)
        .bind(CATEGORY)
        .bind(&run)
        .bind(i64::try_from(first_stream)?)
        .bind(i64::try_from(EVENTS_PER_STREAM)?)
        .bind(EVENT_TYPE)
        .bind(&metadata)
        .bind(events)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        first_stream += chunk_streams;
    }
    sqlx::query("ANALYZE eventstore.events")
        .execute(pool)
        .await?;
    Ok(())
}
