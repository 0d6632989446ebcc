//! Group commit: concurrent appends share one transaction, so one WAL flush
//! (the commit's fsync, `synchronous_commit` stays on) serves many of them.
//!
//! Appends queue on a channel; one committer task takes every append waiting
//! and writes the group in one transaction:
//! 1. locks all their streams in one statement (sorted, so two groups in
//!    different processes lock in the same order) and reads their revisions;
//! 2. checks each append's expected revision against its stream as the
//!    earlier appends of the group leave it; appends that fail the check are
//!    left out of the group;
//! 3. takes the `$all` counter once for the whole group, last, as a single
//!    append does, and writes every event, every stream's revision and one
//!    notification in one statement; then commits.
//!
//! Positions stay gapless and in commit order (the counter is still held
//! until commit), and each append's events are contiguous and in the order
//! the appends were taken. Optimistic concurrency per stream is unchanged:
//! the stream row locks are held until commit.
//!
//! Anything unusual is not handled here but by the single-append path of
//! `append.rs`, which has the full rules: an append whose expected revision
//! fails (it may be the retry of an append that succeeded), and every append
//! of a group whose transaction fails (an event id already stored, a
//! deadlock with another process, a lost connection) run one by one after
//! the group, exactly as they would have without grouping.

use super::NOTIFY_CHANNEL;
use super::append::append as append_one;
use super::errors::map_pg_error;
use crate::append_rules::{check_expected, to_stored};
use crate::record::metadata_json;
use crate::{AppendResult, EventData, ExpectedRevision, StoreError, StreamName};
use sqlx::{PgPool, Row};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{Mutex, mpsc, oneshot};

/// Most appends in one group; more wait for the next group.
const MAX_GROUP: usize = 256;

const LOCK_STREAMS: &str = "INSERT INTO eventstore.streams (stream_name, category, revision) \
     SELECT s.stream_name, s.category, -1 FROM UNNEST($1::text[], $2::text[]) AS s(stream_name, category) \
     ORDER BY s.stream_name \
     ON CONFLICT (stream_name) DO UPDATE SET revision = eventstore.streams.revision \
     RETURNING stream_name, revision";

const WRITE_GROUP: &str = "WITH head AS ( \
         UPDATE eventstore.all_head SET position = position + $1 RETURNING position \
     ), stream_update AS ( \
         UPDATE eventstore.streams AS s SET revision = u.revision \
         FROM UNNEST($2::text[], $3::bigint[]) AS u(stream_name, revision) \
         WHERE s.stream_name = u.stream_name \
     ), inserted AS ( \
         INSERT INTO eventstore.events \
             (position, event_id, stream_name, revision, category, event_type, district, payload, metadata) \
         SELECT head.position - $1 + e.ord, e.event_id, e.stream_name, e.revision, e.category, \
                e.event_type, e.district, e.payload, e.metadata::jsonb \
         FROM head, UNNEST($4::uuid[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[], \
                           $10::bytea[], $11::text[]) \
              WITH ORDINALITY AS e(event_id, stream_name, revision, category, event_type, district, \
                                   payload, metadata, ord) \
         RETURNING position \
     ) \
     SELECT head.position AS last_position FROM head, \
         LATERAL (SELECT pg_notify($12, (SELECT max(position) FROM inserted)::text)) AS notified";

/// Streams the group locked but left without events go back to not
/// existing, as a rolled-back single append leaves them.
const FORGET_EMPTY: &str =
    "DELETE FROM eventstore.streams WHERE stream_name = ANY($1) AND revision = -1";

#[derive(Debug)]
pub(super) struct Request {
    pub stream: StreamName,
    pub expected: ExpectedRevision,
    pub events: Vec<EventData>,
    pub reply: oneshot::Sender<Result<AppendResult, StoreError>>,
}

/// The sending side; the committer task ends when the last sender drops.
#[derive(Debug)]
pub(super) struct GroupCommitter {
    queue: mpsc::UnboundedSender<Request>,
    pool: PgPool,
    max_event_bytes: usize,
}

impl GroupCommitter {
    pub fn start(pool: PgPool, max_event_bytes: usize) -> Self {
        let (queue, requests) = mpsc::unbounded_channel();
        tokio::spawn(run(pool.clone(), max_event_bytes, requests));
        Self {
            queue,
            pool,
            max_event_bytes,
        }
    }

    pub async fn append(
        &self,
        stream: &StreamName,
        expected: ExpectedRevision,
        events: Vec<EventData>,
    ) -> Result<AppendResult, StoreError> {
        let (reply, answer) = oneshot::channel();
        let request = Request {
            stream: stream.clone(),
            expected,
            events,
            reply,
        };
        if let Err(unsent) = self.queue.send(request) {
            // The committer's runtime is gone (a store outliving the runtime
            // that first used it): append without grouping.
            let request = unsent.0;
            return append_one(
                &self.pool,
                self.max_event_bytes,
                &request.stream,
                request.expected,
                request.events,
            )
            .await;
        }
        answer
            .await
            .map_err(|_| StoreError::Unavailable(sqlx::Error::PoolClosed))?
    }
}

/// Committers taking groups from the one queue. More than one, so a group
/// locks its streams and waits for the `$all` counter while the group ahead
/// of it is still flushing its commit: the counter is then held only for a
/// write and a commit, back to back. Deadlock-free: every group locks its
/// streams in name order in one statement and only then the counter, and
/// whoever holds the counter only commits.
const COMMITTERS: usize = 3;

async fn run(pool: PgPool, max_event_bytes: usize, requests: mpsc::UnboundedReceiver<Request>) {
    let requests = Arc::new(Mutex::new(requests));
    let committers = (0..COMMITTERS).map(|_| {
        let (pool, requests) = (pool.clone(), requests.clone());
        tokio::spawn(async move {
            let mut group = Vec::with_capacity(MAX_GROUP);
            loop {
                let taken = requests.lock().await.recv_many(&mut group, MAX_GROUP).await;
                if taken == 0 {
                    return;
                }
                let taken = std::mem::take(&mut group);
                commit_group(&pool, max_event_bytes, taken).await;
            }
        })
    });
    futures::future::join_all(committers).await;
}

async fn commit_group(pool: &PgPool, max_event_bytes: usize, group: Vec<Request>) {
    if group.len() == 1 {
        for request in group {
            one_by_one(pool, max_event_bytes, request).await;
        }
        return;
    }
    match write_group(pool, &group).await {
        Ok(outcomes) => {
            for (request, outcome) in group.into_iter().zip(outcomes) {
                match outcome {
                    Some(result) => {
                        let _ = request.reply.send(Ok(result));
                    }
                    None => one_by_one(pool, max_event_bytes, request).await,
                }
            }
        }
        Err(error) => {
            tracing::debug!(%error, appends = group.len(), "group append failed, appending one by one");
            for request in group {
                one_by_one(pool, max_event_bytes, request).await;
            }
        }
    }
}

async fn one_by_one(pool: &PgPool, max_event_bytes: usize, request: Request) {
    let result = append_one(
        pool,
        max_event_bytes,
        &request.stream,
        request.expected,
        request.events,
    )
    .await;
    // The caller may have gone (cancelled); the append stands regardless.
    let _ = request.reply.send(result);
}

/// Writes the group in one transaction. Returns, per request, its result,
/// or `None` for one left to the single-append path.
async fn write_group(
    pool: &PgPool,
    group: &[Request],
) -> Result<Vec<Option<AppendResult>>, StoreError> {
    let mut tx = pool.begin().await.map_err(map_pg_error)?;
    let mut names: Vec<&str> = group.iter().map(|r| r.stream.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let categories: Vec<&str> = names
        .iter()
        .map(|name| {
            group
                .iter()
                .find(|r| r.stream.as_str() == *name)
                .map_or("", |r| r.stream.category())
        })
        .collect();
    let rows = sqlx::query(LOCK_STREAMS)
        .bind(&names)
        .bind(&categories)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_pg_error)?;
    let mut revisions: HashMap<String, Option<u64>> = HashMap::with_capacity(rows.len());
    for row in rows {
        let name: String = row.try_get("stream_name").map_err(map_pg_error)?;
        let revision: i64 = row.try_get("revision").map_err(map_pg_error)?;
        revisions.insert(name, u64::try_from(revision).ok());
    }

    let mut batch = Batch::default();
    let mut taken = Vec::with_capacity(group.len());
    for request in group {
        let current = revisions.get(request.stream.as_str()).copied().flatten();
        if check_expected(&request.stream, request.expected, current).is_err() {
            taken.push(None);
            continue;
        }
        let first_revision = current.map_or(0, |r| r + 1);
        batch.push(request, first_revision)?;
        let last_revision = first_revision + request.events.len() as u64 - 1;
        revisions.insert(request.stream.as_str().to_owned(), Some(last_revision));
        taken.push(Some((first_revision, batch.ids.len() as u64)));
    }
    let empty: Vec<&str> = revisions
        .iter()
        .filter(|(_, revision)| revision.is_none())
        .map(|(name, _)| name.as_str())
        .collect();
    if !empty.is_empty() {
        sqlx::query(FORGET_EMPTY)
            .bind(&empty)
            .execute(&mut *tx)
            .await
            .map_err(map_pg_error)?;
    }
    if batch.ids.is_empty() {
        tx.commit().await.map_err(map_pg_error)?;
        return Ok(vec![None; group.len()]);
    }
    let (updated_names, updated_revisions): (Vec<&str>, Vec<i64>) = revisions
        .iter()
        .filter_map(|(name, revision)| revision.map(|r| (name.as_str(), to_stored(r))))
        .filter(|(name, _)| batch.streams.iter().any(|s| s == name))
        .unzip();
    let total = batch.ids.len() as i64;
    let last_position: i64 = sqlx::query_scalar(WRITE_GROUP)
        .bind(total)
        .bind(&updated_names)
        .bind(&updated_revisions)
        .bind(&batch.ids)
        .bind(&batch.streams)
        .bind(&batch.revisions)
        .bind(&batch.categories)
        .bind(&batch.types)
        .bind(&batch.districts)
        .bind(&batch.payloads)
        .bind(&batch.metadata)
        .bind(NOTIFY_CHANNEL)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_pg_error)?;
    tx.commit().await.map_err(map_pg_error)?;
    let last_position = u64::try_from(last_position)
        .map_err(|_| StoreError::Corrupt(format!("negative position {last_position}")))?;
    let first_position = last_position + 1 - batch.ids.len() as u64;
    Ok(group
        .iter()
        .zip(taken)
        .map(|(request, taken)| {
            taken.map(|(first_revision, events_so_far)| AppendResult {
                next_expected_revision: first_revision + request.events.len() as u64 - 1,
                position: first_position + events_so_far - 1,
            })
        })
        .collect())
}

/// The group's rows as the columns `WRITE_GROUP` unnests.
#[derive(Default)]
struct Batch {
    ids: Vec<uuid::Uuid>,
    streams: Vec<String>,
    revisions: Vec<i64>,
    categories: Vec<String>,
    types: Vec<String>,
    districts: Vec<Option<String>>,
    payloads: Vec<Vec<u8>>,
    metadata: Vec<String>,
}

impl Batch {
    fn push(&mut self, request: &Request, first_revision: u64) -> Result<(), StoreError> {
        for (event, revision) in request.events.iter().zip(to_stored(first_revision)..) {
            self.ids.push(event.event_id);
            self.streams.push(request.stream.as_str().to_owned());
            self.revisions.push(revision);
            self.categories.push(request.stream.category().to_owned());
            self.types.push(event.event_type.clone());
            self.districts.push(
                event
                    .metadata
                    .district
                    .as_ref()
                    .map(|d| d.as_str().to_owned()),
            );
            self.payloads.push(event.payload.clone());
            self.metadata.push(metadata_json(&event.metadata)?);
        }
        Ok(())
    }
}
