//! `append` on PostgreSQL: stream check under the stream's row lock, then
//! positions from the `$all` counter as the last step before commit.

use super::NOTIFY_CHANNEL;
use super::errors::{UniqueViolation, map_pg_error, unique_violation};
use crate::append_rules::{
    StoredLocation, check_events, check_expected, judge_retry, stored_u64, to_stored,
    wrong_expected,
};
use crate::record::metadata_json;
use crate::{AppendResult, EventData, ExpectedRevision, StoreError, StreamName};
use sqlx::{PgConnection, PgExecutor, PgPool, Row};
use uuid::Uuid;

/// Takes (creating if needed) the stream's row lock and returns its last
/// revision, `None` when it has no events. Concurrent appends to the same
/// stream queue here, before they touch the `$all` counter.
const LOCK_STREAM: &str = "INSERT INTO eventstore.streams (stream_name, category, revision) VALUES ($1, $2, -1) \
     ON CONFLICT (stream_name) DO UPDATE SET revision = eventstore.streams.revision \
     RETURNING revision";

// Why the `$all` counter is taken here, last, and held until commit: a
// sequence hands out numbers at call time, so with concurrent writers
// position 10 may commit after 11 is visible, and a reader that has moved
// past 11 would skip 10 forever. Taking the single `all_head` row lock inside
// the transaction makes the next writer wait until this one commits before it
// reads the counter, so positions are assigned in commit order and without
// gaps (a rollback returns its range). This serializes writers for the span
// of this one statement plus the commit, so it is the last step: stream
// checks and locks are done before it, and the insert, the stream's new
// revision and the notification (delivered by PostgreSQL at commit) ride in
// the same statement.
const WRITE_EVENTS: &str = "WITH head AS ( \
         UPDATE eventstore.all_head SET position = position + $3 RETURNING position \
     ), stream_update AS ( \
         UPDATE eventstore.streams SET revision = $4 WHERE stream_name = $1 \
     ), inserted AS ( \
         INSERT INTO eventstore.events \
             (position, event_id, stream_name, revision, category, event_type, district, payload, metadata) \
         SELECT head.position - $3 + e.ord, e.event_id, $1, e.revision, $2, e.event_type, e.district, \
                e.payload, e.metadata::jsonb \
         FROM head, UNNEST($5::uuid[], $6::bigint[], $7::text[], $8::text[], $9::bytea[], $10::text[]) \
              WITH ORDINALITY AS e(event_id, revision, event_type, district, payload, metadata, ord) \
         RETURNING position \
     ) \
     SELECT head.position AS last_position FROM head, \
         LATERAL (SELECT pg_notify($11, (SELECT max(position) FROM inserted)::text)) AS notified";

pub(super) async fn append(
    pool: &PgPool,
    max_event_bytes: usize,
    stream: &StreamName,
    expected: ExpectedRevision,
    events: Vec<EventData>,
) -> Result<AppendResult, StoreError> {
    check_events(&events, max_event_bytes)?;
    let event_ids: Vec<Uuid> = events.iter().map(|e| e.event_id).collect();
    let mut tx = pool.begin().await.map_err(map_pg_error)?;
    let current = lock_stream(&mut tx, stream).await?;
    if let Err(mismatch) = check_expected(stream, expected, current) {
        // Maybe the retry of an append that succeeded: answer it the same.
        let found = stored_locations(&mut *tx, &event_ids).await?;
        return judge_retry(stream, expected, &event_ids, &found, current).unwrap_or(Err(mismatch));
    }
    let first_revision = current.map_or(0, |revision| revision + 1);
    let written = write_events(&mut tx, stream, first_revision, &events).await;
    let last_position = match written {
        Ok(last_position) => last_position,
        Err(error) => {
            // Rolls back; the explicit call just returns the connection sooner.
            let _ = tx.rollback().await;
            return after_unique_violation(pool, stream, expected, &event_ids, error).await;
        }
    };
    tx.commit().await.map_err(map_pg_error)?;
    Ok(AppendResult {
        next_expected_revision: first_revision + (events.len() as u64 - 1),
        position: last_position,
    })
}

async fn lock_stream(
    conn: &mut PgConnection,
    stream: &StreamName,
) -> Result<Option<u64>, StoreError> {
    let revision: i64 = sqlx::query_scalar(LOCK_STREAM)
        .bind(stream.as_str())
        .bind(stream.category())
        .fetch_one(conn)
        .await
        .map_err(map_pg_error)?;
    Ok(u64::try_from(revision).ok())
}

async fn write_events(
    conn: &mut PgConnection,
    stream: &StreamName,
    first_revision: u64,
    events: &[EventData],
) -> Result<u64, sqlx::Error> {
    let count = events.len() as i64;
    let last_revision = to_stored(first_revision) + count - 1;
    let mut ids = Vec::with_capacity(events.len());
    let mut revisions = Vec::with_capacity(events.len());
    let mut types = Vec::with_capacity(events.len());
    let mut districts = Vec::with_capacity(events.len());
    let mut payloads = Vec::with_capacity(events.len());
    let mut metadata = Vec::with_capacity(events.len());
    for (event, revision) in events.iter().zip(to_stored(first_revision)..) {
        ids.push(event.event_id);
        revisions.push(revision);
        types.push(event.event_type.as_str());
        districts.push(
            event
                .metadata
                .district
                .as_ref()
                .map(|d| d.as_str().to_owned()),
        );
        payloads.push(event.payload.as_slice());
        metadata
            .push(metadata_json(&event.metadata).map_err(|e| sqlx::Error::Encode(Box::new(e)))?);
    }
    let last_position: i64 = sqlx::query_scalar(WRITE_EVENTS)
        .bind(stream.as_str())
        .bind(stream.category())
        .bind(count)
        .bind(last_revision)
        .bind(&ids)
        .bind(&revisions)
        .bind(&types)
        .bind(&districts)
        .bind(&payloads)
        .bind(&metadata)
        .bind(NOTIFY_CHANNEL)
        .fetch_one(conn)
        .await?;
    u64::try_from(last_position).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// After the insert failed: an event id already stored is either a retry
/// (possibly one that raced us) or a conflict; a taken revision is a
/// concurrency conflict.
async fn after_unique_violation(
    pool: &PgPool,
    stream: &StreamName,
    expected: ExpectedRevision,
    event_ids: &[Uuid],
    error: sqlx::Error,
) -> Result<AppendResult, StoreError> {
    match unique_violation(&error) {
        Some(UniqueViolation::EventId) => {
            let found = stored_locations(pool, event_ids).await?;
            let current = stream_revision(pool, stream).await?;
            judge_retry(stream, expected, event_ids, &found, current)
                .unwrap_or(Err(map_pg_error(error)))
        }
        Some(UniqueViolation::StreamRevision) => {
            let current = stream_revision(pool, stream).await?;
            Err(wrong_expected(stream, expected, current))
        }
        None => Err(map_pg_error(error)),
    }
}

async fn stream_revision<'e>(
    executor: impl PgExecutor<'e>,
    stream: &StreamName,
) -> Result<Option<u64>, StoreError> {
    let revision: Option<i64> =
        sqlx::query_scalar("SELECT revision FROM eventstore.streams WHERE stream_name = $1")
            .bind(stream.as_str())
            .fetch_optional(executor)
            .await
            .map_err(map_pg_error)?;
    Ok(revision.and_then(|r| u64::try_from(r).ok()))
}

async fn stored_locations<'e>(
    executor: impl PgExecutor<'e>,
    event_ids: &[Uuid],
) -> Result<Vec<StoredLocation>, StoreError> {
    let rows = sqlx::query(
        "SELECT event_id, stream_name, revision, position FROM eventstore.events \
         WHERE event_id = ANY($1) ORDER BY position",
    )
    .bind(event_ids)
    .fetch_all(executor)
    .await
    .map_err(map_pg_error)?;
    rows.iter()
        .map(|row| {
            Ok(StoredLocation {
                event_id: row.try_get("event_id").map_err(map_pg_error)?,
                stream: row.try_get("stream_name").map_err(map_pg_error)?,
                revision: stored_u64(row.try_get("revision").map_err(map_pg_error)?, "revision")?,
                position: stored_u64(row.try_get("position").map_err(map_pg_error)?, "position")?,
            })
        })
        .collect()
}
