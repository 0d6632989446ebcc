//! The physical baseline: the rows an append writes, inserted by one plain
//! multi-row INSERT per append into a table with only a primary key and the
//! unique event id. No expected-revision check, no stream row, no global
//! counter, no notification: what PostgreSQL itself costs.

use sqlx::{Executor, PgPool};
use uuid::Uuid;

pub async fn create_table(pool: &PgPool) -> anyhow::Result<()> {
    pool.execute(
        "CREATE TABLE IF NOT EXISTS plain_events (
            id BIGSERIAL PRIMARY KEY,
            event_id UUID NOT NULL UNIQUE,
            stream_name TEXT NOT NULL,
            event_type TEXT NOT NULL,
            payload BYTEA NOT NULL,
            metadata JSONB NOT NULL,
            recorded_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )",
    )
    .await?;
    Ok(())
}

pub async fn insert(
    pool: &PgPool,
    stream: &str,
    events: &[(Uuid, Vec<u8>)],
    metadata: &serde_json::Value,
) -> anyhow::Result<()> {
    let mut builder = sqlx::QueryBuilder::<sqlx::Postgres>::new(
        "INSERT INTO plain_events (event_id, stream_name, event_type, payload, metadata) ",
    );
    builder.push_values(events, |mut row, (event_id, payload)| {
        row.push_bind(*event_id)
            .push_bind(stream)
            .push_bind("gongzhi.bench.v1.Appended")
            .push_bind(payload.as_slice())
            .push_bind(metadata);
    });
    builder.build().execute(pool).await?;
    Ok(())
}
