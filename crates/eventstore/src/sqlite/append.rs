//! `append` on SQLite. The caller holds the store's write mutex, so this is
//! the only writer: the idempotency check, the expected-revision check and
//! the position (max + 1) cannot race another append.

use super::head_of;
use crate::append_rules::{
    StoredLocation, check_events, check_expected, judge_retry, stored_u64, to_stored,
};
use crate::record::metadata_json;
use crate::{AppendResult, EventData, ExpectedRevision, StoreError, StreamName};
use sqlx::{Row, SqliteConnection, SqlitePool};

pub(super) async fn append(
    pool: &SqlitePool,
    max_event_bytes: usize,
    stream: &StreamName,
    expected: ExpectedRevision,
    events: Vec<EventData>,
) -> Result<AppendResult, StoreError> {
    check_events(&events, max_event_bytes)?;
    let event_ids: Vec<uuid::Uuid> = events.iter().map(|e| e.event_id).collect();
    // IMMEDIATE takes the write lock at BEGIN, so the reads below see the
    // state this transaction writes over.
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(StoreError::from_sqlx)?;
    let current = stream_revision(&mut tx, stream).await?;
    let found = stored_locations(&mut tx, &event_ids).await?;
    if let Some(retry) = judge_retry(stream, expected, &event_ids, &found, current) {
        return retry;
    }
    check_expected(stream, expected, current)?;

    let first_revision = current.map_or(0, |revision| revision + 1);
    let last_revision = first_revision + (events.len() as u64 - 1);
    let head = head_of(&mut tx).await?;
    sqlx::query(
        "INSERT INTO streams (stream_name, category, revision) VALUES (?1, ?2, ?3) \
         ON CONFLICT (stream_name) DO UPDATE SET revision = excluded.revision",
    )
    .bind(stream.as_str())
    .bind(stream.category())
    .bind(to_stored(last_revision))
    .execute(&mut *tx)
    .await
    .map_err(StoreError::from_sqlx)?;

    let recorded_at = chrono::Utc::now();
    let mut position = head;
    for (event, revision) in events.iter().zip(first_revision..) {
        position += 1;
        sqlx::query(
            "INSERT INTO events (position, event_id, stream_name, revision, category, event_type, district, \
             payload, metadata, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )
        .bind(to_stored(position))
        .bind(event.event_id.to_string())
        .bind(stream.as_str())
        .bind(to_stored(revision))
        .bind(stream.category())
        .bind(&event.event_type)
        .bind(event.metadata.district.as_ref().map(|d| d.as_str()))
        .bind(&event.payload)
        .bind(metadata_json(&event.metadata)?)
        .bind(recorded_at)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from_sqlx)?;
    }
    tx.commit().await.map_err(StoreError::from_sqlx)?;
    Ok(AppendResult {
        next_expected_revision: last_revision,
        position,
    })
}

async fn stream_revision(
    conn: &mut SqliteConnection,
    stream: &StreamName,
) -> Result<Option<u64>, StoreError> {
    let revision: Option<i64> =
        sqlx::query_scalar("SELECT revision FROM streams WHERE stream_name = ?1")
            .bind(stream.as_str())
            .fetch_optional(conn)
            .await
            .map_err(StoreError::from_sqlx)?;
    Ok(revision.and_then(|r| u64::try_from(r).ok()))
}

async fn stored_locations(
    conn: &mut SqliteConnection,
    event_ids: &[uuid::Uuid],
) -> Result<Vec<StoredLocation>, StoreError> {
    let ids: Vec<String> = event_ids.iter().map(uuid::Uuid::to_string).collect();
    let ids =
        serde_json::to_string(&ids).map_err(|e| StoreError::Corrupt(format!("event ids: {e}")))?;
    let rows = sqlx::query(
        "SELECT event_id, stream_name, revision, position FROM events \
         WHERE event_id IN (SELECT value FROM json_each(?1)) ORDER BY position",
    )
    .bind(ids)
    .fetch_all(conn)
    .await
    .map_err(StoreError::from_sqlx)?;
    rows.iter()
        .map(|row| {
            let event_id: String = row.try_get("event_id").map_err(StoreError::from_sqlx)?;
            Ok(StoredLocation {
                event_id: uuid::Uuid::parse_str(&event_id).map_err(|e| {
                    StoreError::Corrupt(format!("stored event id {event_id:?}: {e}"))
                })?,
                stream: row.try_get("stream_name").map_err(StoreError::from_sqlx)?,
                revision: stored_u64(
                    row.try_get("revision").map_err(StoreError::from_sqlx)?,
                    "revision",
                )?,
                position: stored_u64(
                    row.try_get("position").map_err(StoreError::from_sqlx)?,
                    "position",
                )?,
            })
        })
        .collect()
}
