//! Group commit: concurrent appends share one statement and one commit, so
//! one WAL flush (the commit's fsync, `synchronous_commit` stays on) and one
//! round trip serve many of them.
//!
//! Appends queue on a channel; committer tasks each take every append
//! waiting and write the group with ONE statement in its own implicit
//! transaction (`WRITE_GROUP`), which:
//! 1. locks the group's existing streams in name order (`FOR UPDATE`), so two
//!    groups lock in the same order, and reads their current revisions;
//! 2. checks each append's expected revision against its stream, in SQL;
//!    appends that fail are left out of the statement;
//! 3. moves the passing streams' revisions (creating new streams, which a
//!    concurrent creator makes us skip rather than wait for a conflict);
//! 4. takes the `$all` counter once for the whole group, last, as a single
//!    append does, and writes every event and one notification.
//!
//! Positions stay gapless and in commit order (the counter row is held
//! until commit), and each append's events are contiguous and in the order
//! the appends were taken. Optimistic concurrency per stream is unchanged:
//! the stream row locks are held until commit. A group holds each stream at
//! most once; a second append to the same stream goes in the next statement,
//! checked against what the first left.
//!
//! Anything unusual is not handled here but by the single-append path of
//! `append.rs`, which has the full rules: an append whose expected revision
//! fails (it may be the retry of an append that succeeded), an append whose
//! new stream another transaction was creating at the same time, and every
//! append of a group whose statement fails (an event id already stored, a
//! deadlock with another process, a lost connection) run one by one after
//! the group, exactly as they would have without grouping.

use super::NOTIFY_CHANNEL;
use super::append::append as append_one;
use super::errors::map_pg_error;
use crate::append_rules::{stored_u64, to_stored};
use crate::record::metadata_json;
use crate::{AppendResult, EventData, ExpectedRevision, StoreError, StreamName};
use sqlx::{PgPool, Row};
use std::sync::Arc;
use tokio::sync::{Mutex, mpsc, oneshot};

/// Most appends in one group; more wait for the next group.
const MAX_GROUP: usize = 256;

/// Expected revision kinds as `WRITE_GROUP` checks them.
const ANY: i32 = 0;
const NO_STREAM: i32 = 1;
const STREAM_EXISTS: i32 = 2;
const EXACT: i32 = 3;

/// Parameters: per append `$1` stream, `$2` category, `$3` event count,
/// `$4` expected kind, `$5` expected revision (for `EXACT`); per event `$6`
/// its append's index (1-based), `$7` its index within the append
/// (1-based), `$8`..`$12` its columns; `$13` the notification channel.
/// Returns one row per append written: its index, last revision and last
/// position. Appends not returned were left out and wrote nothing.
const WRITE_GROUP: &str = "WITH req AS ( \
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::int[], $5::bigint[]) \
             WITH ORDINALITY AS r(stream_name, category, n, kind, expected, idx) \
     ), locked AS ( \
         SELECT s.stream_name, s.revision FROM eventstore.streams s \
         WHERE s.stream_name = ANY($1::text[]) ORDER BY s.stream_name FOR UPDATE \
     ), checked AS ( \
         SELECT r.stream_name, r.category, r.n, l.stream_name IS NOT NULL AS present \
         FROM req r LEFT JOIN locked l USING (stream_name) \
         WHERE CASE r.kind \
             WHEN 0 THEN true \
             WHEN 1 THEN l.revision IS NULL OR l.revision < 0 \
             WHEN 2 THEN l.revision >= 0 \
             ELSE l.revision = r.expected END \
     ), updated AS ( \
         UPDATE eventstore.streams s SET revision = s.revision + c.n \
         FROM checked c WHERE c.present AND s.stream_name = c.stream_name \
         RETURNING s.stream_name, s.revision \
     ), created AS ( \
         INSERT INTO eventstore.streams (stream_name, category, revision) \
         SELECT c.stream_name, c.category, c.n - 1 FROM checked c WHERE NOT c.present \
         ORDER BY c.stream_name \
         ON CONFLICT (stream_name) DO NOTHING \
         RETURNING stream_name, revision \
     ), taken AS ( \
         SELECT r.idx, r.n, r.stream_name, r.category, w.revision AS last_revision, \
                sum(r.n) OVER (ORDER BY r.idx) AS through, sum(r.n) OVER () AS total \
         FROM req r JOIN (SELECT * FROM updated UNION ALL SELECT * FROM created) w USING (stream_name) \
     ), head AS ( \
         UPDATE eventstore.all_head SET position = position + (SELECT max(total) FROM taken) \
         WHERE EXISTS (SELECT 1 FROM taken) \
         RETURNING position \
     ), inserted AS ( \
         INSERT INTO eventstore.events \
             (position, event_id, stream_name, revision, category, event_type, district, payload, metadata) \
         SELECT head.position - t.total + t.through - t.n + e.k, e.event_id, t.stream_name, \
                t.last_revision - t.n + e.k, t.category, e.event_type, e.district, e.payload, \
                e.metadata::jsonb \
         FROM head, taken t \
         JOIN UNNEST($6::bigint[], $7::bigint[], $8::uuid[], $9::text[], $10::text[], $11::bytea[], \
                     $12::text[]) AS e(idx, k, event_id, event_type, district, payload, metadata) \
             ON e.idx = t.idx \
         RETURNING position \
     ) \
     SELECT t.idx, t.last_revision, head.position - t.total + t.through AS last_position \
     FROM taken t, head, \
         LATERAL (SELECT pg_notify($13, (SELECT max(position) FROM inserted)::text)) AS notified";

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
    let mut pending = group;
    while !pending.is_empty() {
        // One append per stream in a statement; the others follow, checked
        // against what this one leaves.
        let (round, later): (Vec<Request>, Vec<Request>) = {
            let mut seen = std::collections::HashSet::new();
            pending
                .into_iter()
                .partition(|r| seen.insert(r.stream.as_str().to_owned()))
        };
        pending = later;
        match write_group(pool, &round).await {
            Ok(outcomes) => {
                for (request, outcome) in round.into_iter().zip(outcomes) {
                    match outcome {
                        Some(result) => {
                            let _ = request.reply.send(Ok(result));
                        }
                        None => one_by_one(pool, max_event_bytes, request).await,
                    }
                }
            }
            Err(error) => {
                tracing::debug!(%error, appends = round.len(), "group append failed, appending one by one");
                for request in round {
                    one_by_one(pool, max_event_bytes, request).await;
                }
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

/// Writes the group (each stream at most once) with one statement in its
/// own transaction. Returns, per request, its result, or `None` for one left
/// to the single-append path.
async fn write_group(
    pool: &PgPool,
    group: &[Request],
) -> Result<Vec<Option<AppendResult>>, StoreError> {
    let mut batch = Batch::default();
    for (index, request) in (1i64..).zip(group) {
        batch.push(index, request)?;
    }
    let rows = sqlx::query(WRITE_GROUP)
        .bind(&batch.stream_names)
        .bind(&batch.stream_categories)
        .bind(&batch.counts)
        .bind(&batch.kinds)
        .bind(&batch.expected)
        .bind(&batch.owners)
        .bind(&batch.ordinals)
        .bind(&batch.ids)
        .bind(&batch.types)
        .bind(&batch.districts)
        .bind(&batch.payloads)
        .bind(&batch.metadata)
        .bind(NOTIFY_CHANNEL)
        .fetch_all(pool)
        .await
        .map_err(map_pg_error)?;
    let mut outcomes: Vec<Option<AppendResult>> = vec![None; group.len()];
    for row in rows {
        let index: i64 = row.try_get("idx").map_err(map_pg_error)?;
        let last_revision: i64 = row.try_get("last_revision").map_err(map_pg_error)?;
        let last_position: i64 = row.try_get("last_position").map_err(map_pg_error)?;
        let slot = usize::try_from(index - 1)
            .ok()
            .and_then(|i| outcomes.get_mut(i))
            .ok_or_else(|| StoreError::Corrupt(format!("group answered unknown append {index}")))?;
        *slot = Some(AppendResult {
            next_expected_revision: stored_u64(last_revision, "revision")?,
            position: stored_u64(last_position, "position")?,
        });
    }
    Ok(outcomes)
}

/// The group's appends and events as the columns `WRITE_GROUP` unnests.
#[derive(Default)]
struct Batch {
    stream_names: Vec<String>,
    stream_categories: Vec<String>,
    counts: Vec<i64>,
    kinds: Vec<i32>,
    expected: Vec<i64>,
    owners: Vec<i64>,
    ordinals: Vec<i64>,
    ids: Vec<uuid::Uuid>,
    types: Vec<String>,
    districts: Vec<Option<String>>,
    payloads: Vec<Vec<u8>>,
    metadata: Vec<String>,
}

impl Batch {
    fn push(&mut self, index: i64, request: &Request) -> Result<(), StoreError> {
        let (kind, expected) = match request.expected {
            ExpectedRevision::Any => (ANY, 0),
            ExpectedRevision::NoStream => (NO_STREAM, 0),
            ExpectedRevision::StreamExists => (STREAM_EXISTS, 0),
            ExpectedRevision::Exact(revision) => (EXACT, to_stored(revision)),
        };
        self.stream_names.push(request.stream.as_str().to_owned());
        self.stream_categories
            .push(request.stream.category().to_owned());
        self.counts.push(request.events.len() as i64);
        self.kinds.push(kind);
        self.expected.push(expected);
        for (event, ordinal) in request.events.iter().zip(1i64..) {
            self.owners.push(index);
            self.ordinals.push(ordinal);
            self.ids.push(event.event_id);
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
