//! The SQLite event store, the embedded default of `gongzhi dev`.
//!
//! One process owns the file. Writes are serialized by an in-process mutex
//! and run in `BEGIN IMMEDIATE` transactions, so `$all` positions (max + 1)
//! are assigned in commit order without gaps. Subscriptions wake up on an
//! in-process watch of the head position, bumped after each commit; a second
//! process writing the same file would not wake them (unsupported).

mod append;

use crate::append_rules::{stored_u64, to_stored};
use crate::record::StoredRow;
use crate::subscription::{NewEvents, catch_up};
use crate::{
    AllFilter, AppendResult, DEFAULT_MAX_EVENT_BYTES, Direction, EventData, EventStore,
    EventSubscription, ExpectedRevision, ReadFrom, RecordedEvent, StoreError, StreamName,
};
use gongzhi_kernel::Upcasters;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, SqliteConnection};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, watch};

const SELECT_EVENT: &str = "SELECT position, event_id, stream_name, revision, event_type, payload, metadata, recorded_at FROM events";

#[derive(Clone, Debug)]
pub struct SqliteEventStore {
    pool: SqlitePool,
    /// Serializes writers so positions follow commit order.
    write_lock: Arc<Mutex<()>>,
    /// The last committed position, bumped after each commit.
    head: Arc<watch::Sender<u64>>,
    max_event_bytes: usize,
    upcasters: Upcasters,
}

impl SqliteEventStore {
    /// Opens (creating if missing) the database file, in WAL mode with
    /// foreign keys on and a busy timeout.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(StoreError::from_sqlx)?;
        Ok(Self::new(pool))
    }

    /// A private in-memory store. Every in-memory connection is its own
    /// database, so the pool holds exactly one connection, forever.
    pub async fn open_in_memory() -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")
            .map_err(StoreError::from_sqlx)?
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(StoreError::from_sqlx)?;
        Ok(Self::new(pool))
    }

    fn new(pool: SqlitePool) -> Self {
        Self {
            pool,
            write_lock: Arc::new(Mutex::new(())),
            head: Arc::new(watch::channel(0).0),
            max_event_bytes: DEFAULT_MAX_EVENT_BYTES,
            upcasters: Upcasters::default(),
        }
    }

    /// Caps one event's stored size (payload + type + metadata JSON).
    pub fn with_max_event_bytes(mut self, max_event_bytes: usize) -> Self {
        self.max_event_bytes = max_event_bytes;
        self
    }

    /// Upcasters applied to every event read (see `gongzhi_kernel::upcast`).
    pub fn with_upcasters(mut self, upcasters: Upcasters) -> Self {
        self.upcasters = upcasters;
        self
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Applies the event store's migrations; other components keep theirs in
    /// the same table with other version ranges, hence `ignore_missing`.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let mut migrator = sqlx::migrate!("./migrations/sqlite");
        migrator.set_ignore_missing(true);
        migrator
            .run(&self.pool)
            .await
            .map_err(|error| match error {
                sqlx::migrate::MigrateError::Execute(inner) => StoreError::from_sqlx(inner),
                other => StoreError::Backend(sqlx::Error::Migrate(Box::new(other))),
            })?;
        let head = self.head_position().await?;
        self.head.send_replace(head);
        Ok(())
    }

    /// `$all` beyond `bound` (exclusive) in `direction`, filtered.
    async fn read_all_in(
        &self,
        direction: Direction,
        bound: u64,
        filter: &AllFilter,
        max_count: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let (condition, order) = match direction {
            Direction::Forward => ("position > ?1", "ORDER BY position ASC"),
            Direction::Backward => ("position < ?1", "ORDER BY position DESC"),
        };
        // substr/length compare characters, so the prefix test is exact
        // (LIKE would be case-insensitive and GLOB would need escaping).
        let sql = format!(
            "{SELECT_EVENT} WHERE {condition} \
             AND (json_array_length(?2) = 0 OR category IN (SELECT value FROM json_each(?2))) \
             AND (json_array_length(?3) = 0 OR EXISTS (SELECT 1 FROM json_each(?3) AS p \
                  WHERE substr(event_type, 1, length(p.value)) = p.value)) \
             {order} LIMIT ?4"
        );
        let rows = sqlx::query(&sql)
            .bind(to_stored(bound))
            .bind(json_list(&filter.categories)?)
            .bind(json_list(&filter.event_type_prefixes)?)
            .bind(limit(max_count))
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::from_sqlx)?;
        rows.iter()
            .map(|row| decode(row, &self.upcasters))
            .collect()
    }
}

fn decode(row: &SqliteRow, upcasters: &Upcasters) -> Result<RecordedEvent, StoreError> {
    let event_id: String = row.try_get("event_id").map_err(StoreError::from_sqlx)?;
    let event_id = uuid::Uuid::parse_str(&event_id)
        .map_err(|e| StoreError::Corrupt(format!("stored event id {event_id:?}: {e}")))?;
    let stored = StoredRow {
        position: row.try_get("position").map_err(StoreError::from_sqlx)?,
        event_id,
        stream_name: row.try_get("stream_name").map_err(StoreError::from_sqlx)?,
        revision: row.try_get("revision").map_err(StoreError::from_sqlx)?,
        event_type: row.try_get("event_type").map_err(StoreError::from_sqlx)?,
        payload: row.try_get("payload").map_err(StoreError::from_sqlx)?,
        metadata_json: row.try_get("metadata").map_err(StoreError::from_sqlx)?,
        recorded_at: row.try_get("recorded_at").map_err(StoreError::from_sqlx)?,
    };
    stored.into_recorded(upcasters)
}

fn json_list(items: &[String]) -> Result<String, StoreError> {
    serde_json::to_string(items)
        .map_err(|e| StoreError::Corrupt(format!("filter does not serialize: {e}")))
}

fn limit(max_count: usize) -> i64 {
    i64::try_from(max_count).unwrap_or(i64::MAX)
}

async fn head_of(conn: &mut SqliteConnection) -> Result<u64, StoreError> {
    let head: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) FROM events")
        .fetch_one(conn)
        .await
        .map_err(StoreError::from_sqlx)?;
    stored_u64(head, "head position")
}

/// Wakes subscriptions when the head moves. `arm` marks the current head as
/// seen, so `wait` returns for any commit after it.
struct HeadWatch(watch::Receiver<u64>);

#[async_trait::async_trait]
impl NewEvents for HeadWatch {
    async fn arm(&mut self) -> Result<(), StoreError> {
        self.0.borrow_and_update();
        Ok(())
    }

    async fn wait(&mut self) -> Result<(), StoreError> {
        // The sender lives in the store this subscription holds a clone of,
        // so it cannot be dropped while we wait; treat it as a wake-up anyway.
        let _ = self.0.changed().await;
        Ok(())
    }
}

#[async_trait::async_trait]
impl EventStore for SqliteEventStore {
    #[tracing::instrument(
        name = "eventstore.append",
        skip_all,
        fields(db.system = "sqlite", stream = %stream, expected = %expected, events = events.len())
    )]
    async fn append(
        &self,
        stream: &StreamName,
        expected: ExpectedRevision,
        events: Vec<EventData>,
    ) -> Result<AppendResult, StoreError> {
        let _writer = self.write_lock.lock().await;
        let result =
            append::append(&self.pool, self.max_event_bytes, stream, expected, events).await?;
        self.head.send_if_modified(|head| {
            let moved = result.position > *head;
            *head = (*head).max(result.position);
            moved
        });
        Ok(result)
    }

    #[tracing::instrument(name = "eventstore.read_stream", skip_all, fields(db.system = "sqlite", stream = %stream))]
    async fn read_stream(
        &self,
        stream: &StreamName,
        direction: Direction,
        from: ReadFrom,
        max_count: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let from = match from {
            ReadFrom::Start => 0,
            ReadFrom::End => i64::MAX,
            ReadFrom::Revision(revision) => to_stored(revision),
        };
        let condition = match direction {
            Direction::Forward => "revision >= ?2 ORDER BY revision ASC",
            Direction::Backward => "revision <= ?2 ORDER BY revision DESC",
        };
        let sql = format!("{SELECT_EVENT} WHERE stream_name = ?1 AND {condition} LIMIT ?3");
        let rows = sqlx::query(&sql)
            .bind(stream.as_str())
            .bind(from)
            .bind(limit(max_count))
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::from_sqlx)?;
        if rows.is_empty() {
            let exists: Option<i64> =
                sqlx::query_scalar("SELECT revision FROM streams WHERE stream_name = ?1")
                    .bind(stream.as_str())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(StoreError::from_sqlx)?;
            if exists.is_none() {
                return Err(StoreError::StreamNotFound {
                    stream: stream.clone(),
                });
            }
        }
        rows.iter()
            .map(|row| decode(row, &self.upcasters))
            .collect()
    }

    #[tracing::instrument(name = "eventstore.read_all", skip_all, fields(db.system = "sqlite", after))]
    async fn read_all(
        &self,
        after: u64,
        filter: &AllFilter,
        max_count: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        self.read_all_in(Direction::Forward, after, filter, max_count)
            .await
    }

    #[tracing::instrument(name = "eventstore.read_all_backward", skip_all, fields(db.system = "sqlite", before))]
    async fn read_all_backward(
        &self,
        before: u64,
        filter: &AllFilter,
        max_count: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        self.read_all_in(Direction::Backward, before, filter, max_count)
            .await
    }

    async fn last_position_between(
        &self,
        after: u64,
        at_or_below: u64,
        filter: &AllFilter,
    ) -> Result<Option<u64>, StoreError> {
        if at_or_below <= after {
            return Ok(None);
        }
        let last: Option<i64> = sqlx::query_scalar(
            "SELECT position FROM events WHERE position > ?1 AND position <= ?2 \
             AND (json_array_length(?3) = 0 OR category IN (SELECT value FROM json_each(?3))) \
             AND (json_array_length(?4) = 0 OR EXISTS (SELECT 1 FROM json_each(?4) AS p \
                  WHERE substr(event_type, 1, length(p.value)) = p.value)) \
             ORDER BY position DESC LIMIT 1",
        )
        .bind(to_stored(after))
        .bind(to_stored(at_or_below))
        .bind(json_list(&filter.categories)?)
        .bind(json_list(&filter.event_type_prefixes)?)
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::from_sqlx)?;
        last.map(|p| crate::append_rules::stored_u64(p, "position"))
            .transpose()
    }

    async fn count_between(
        &self,
        after: u64,
        at_or_below: u64,
        filter: &AllFilter,
    ) -> Result<u64, StoreError> {
        if at_or_below <= after {
            return Ok(0);
        }
        let count: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM events WHERE position > ?1 AND position <= ?2 \
             AND (json_array_length(?3) = 0 OR category IN (SELECT value FROM json_each(?3))) \
             AND (json_array_length(?4) = 0 OR EXISTS (SELECT 1 FROM json_each(?4) AS p \
                  WHERE substr(event_type, 1, length(p.value)) = p.value))",
        )
        .bind(to_stored(after))
        .bind(to_stored(at_or_below))
        .bind(json_list(&filter.categories)?)
        .bind(json_list(&filter.event_type_prefixes)?)
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::from_sqlx)?;
        crate::append_rules::stored_u64(count, "count")
    }

    async fn find_event(&self, event_id: uuid::Uuid) -> Result<Option<RecordedEvent>, StoreError> {
        let sql = format!("{SELECT_EVENT} WHERE event_id = ?1");
        let row = sqlx::query(&sql)
            .bind(event_id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::from_sqlx)?;
        row.as_ref()
            .map(|row| decode(row, &self.upcasters))
            .transpose()
    }

    async fn head_position(&self) -> Result<u64, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(StoreError::from_sqlx)?;
        head_of(&mut conn).await
    }

    fn subscribe_all(&self, after: u64, filter: AllFilter) -> EventSubscription {
        catch_up(
            self.clone(),
            HeadWatch(self.head.subscribe()),
            after,
            filter,
        )
    }

    async fn load_checkpoint(&self, name: &str) -> Result<u64, StoreError> {
        let position: Option<i64> =
            sqlx::query_scalar("SELECT position FROM checkpoints WHERE name = ?1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
        position.map_or(Ok(0), |p| stored_u64(p, "checkpoint"))
    }

    async fn save_checkpoint(&self, name: &str, position: u64) -> Result<(), StoreError> {
        let _writer = self.write_lock.lock().await;
        sqlx::query(
            "INSERT INTO checkpoints (name, position, updated_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at",
        )
        .bind(name)
        .bind(to_stored(position))
        .bind(chrono::Utc::now())
        .execute(&self.pool)
        .await
        .map_err(StoreError::from_sqlx)?;
        Ok(())
    }

    fn backend_name(&self) -> &'static str {
        "sqlite"
    }
}
