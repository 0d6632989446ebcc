//! The PostgreSQL event store, for production.
//!
//! Tables live in the `eventstore` schema (migrations `1001..` in
//! `migrations/postgres`), so services keep their read models in their own
//! schemas of the same database. `$all` positions come from the single
//! `eventstore.all_head` row, taken as the last step of each append and held
//! until commit: positions are gapless and in commit order (the reasoning is
//! written where the lock is taken, in `postgres/append.rs`). Subscriptions
//! wake up on `LISTEN/NOTIFY`.
//! PostgreSQL errors are mapped to [`StoreError`] here, at the boundary.

mod append;
mod errors;
mod group;
mod listener;

use crate::append_rules::check_events;
use crate::append_rules::to_stored;
use crate::record::StoredRow;
use crate::subscription::catch_up;
use crate::{
    AllFilter, AppendResult, DEFAULT_MAX_EVENT_BYTES, Direction, EventData, EventStore,
    EventSubscription, ExpectedRevision, ReadFrom, RecordedEvent, StoreError, StreamName,
};
use errors::map_pg_error;
use gongzhi_kernel::Upcasters;
use group::GroupCommitter;
use sqlx::Row;
use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};
use std::sync::{Arc, OnceLock};

/// The channel `append` notifies, with the last position written as payload.
pub const NOTIFY_CHANNEL: &str = "gongzhi_eventstore_all";

const SELECT_EVENT: &str = "SELECT position, event_id, stream_name, revision, event_type, payload, \
     metadata::text AS metadata, recorded_at FROM eventstore.events";

#[derive(Clone, Debug)]
pub struct PostgresEventStore {
    pool: PgPool,
    max_event_bytes: usize,
    upcasters: Upcasters,
    /// Started on the first append (it needs the runtime); shared by clones.
    committer: Arc<OnceLock<GroupCommitter>>,
}

impl PostgresEventStore {
    /// Connects a pool to `url`. Each live subscription holds one of its
    /// connections for `LISTEN`.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect(url)
            .await
            .map_err(map_pg_error)?;
        Ok(Self::new(pool))
    }

    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            max_event_bytes: DEFAULT_MAX_EVENT_BYTES,
            upcasters: Upcasters::default(),
            committer: Arc::new(OnceLock::new()),
        }
    }

    /// Caps one event's stored size (payload + type + metadata JSON).
    pub fn with_max_event_bytes(mut self, max_event_bytes: usize) -> Self {
        self.max_event_bytes = max_event_bytes;
        self.committer = Arc::new(OnceLock::new());
        self
    }

    /// Upcasters applied to every event read (see `gongzhi_kernel::upcast`).
    pub fn with_upcasters(mut self, upcasters: Upcasters) -> Self {
        self.upcasters = upcasters;
        self
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Applies the event store's migrations. Other components keep their own
    /// migrations (other version ranges) in the same `_sqlx_migrations`
    /// table, hence `ignore_missing`.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let mut migrator = sqlx::migrate!("./migrations/postgres");
        migrator.set_ignore_missing(true);
        migrator.run(&self.pool).await.map_err(|error| match error {
            sqlx::migrate::MigrateError::Execute(inner) => map_pg_error(inner),
            other => StoreError::Backend(sqlx::Error::Migrate(Box::new(other))),
        })
    }

    /// `$all` beyond `bound` (exclusive) in `direction`, filtered.
    async fn read_all_in(
        &self,
        direction: Direction,
        bound: u64,
        filter: &AllFilter,
        max_count: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let patterns: Vec<String> = filter
            .event_type_prefixes
            .iter()
            .map(|p| like_prefix_pattern(p))
            .collect();
        let (condition, order) = match direction {
            Direction::Forward => ("position > $1", "ORDER BY position ASC"),
            Direction::Backward => ("position < $1", "ORDER BY position DESC"),
        };
        let sql = format!(
            "{SELECT_EVENT} WHERE {condition} \
             AND (cardinality($2::text[]) = 0 OR category = ANY($2)) \
             AND (cardinality($3::text[]) = 0 OR event_type LIKE ANY($3)) \
             {order} LIMIT $4"
        );
        let rows = sqlx::query(&sql)
            .bind(to_stored(bound))
            .bind(&filter.categories)
            .bind(&patterns)
            .bind(limit(max_count))
            .fetch_all(&self.pool)
            .await
            .map_err(map_pg_error)?;
        rows.iter()
            .map(|row| decode(row, &self.upcasters))
            .collect()
    }

    async fn stream_exists(&self, stream: &StreamName) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT revision FROM eventstore.streams WHERE stream_name = $1 AND revision >= 0",
        )
        .bind(stream.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(map_pg_error)?;
        Ok(found.is_some())
    }
}

fn decode(row: &PgRow, upcasters: &Upcasters) -> Result<RecordedEvent, StoreError> {
    let stored = StoredRow {
        position: row.try_get("position").map_err(map_pg_error)?,
        event_id: row.try_get("event_id").map_err(map_pg_error)?,
        stream_name: row.try_get("stream_name").map_err(map_pg_error)?,
        revision: row.try_get("revision").map_err(map_pg_error)?,
        event_type: row.try_get("event_type").map_err(map_pg_error)?,
        payload: row.try_get("payload").map_err(map_pg_error)?,
        metadata_json: row.try_get("metadata").map_err(map_pg_error)?,
        recorded_at: row.try_get("recorded_at").map_err(map_pg_error)?,
    };
    stored.into_recorded(upcasters)
}

/// A `LIKE` pattern matching strings that start with `prefix` literally.
fn like_prefix_pattern(prefix: &str) -> String {
    let mut pattern = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

fn limit(max_count: usize) -> i64 {
    i64::try_from(max_count).unwrap_or(i64::MAX)
}

#[async_trait::async_trait]
impl EventStore for PostgresEventStore {
    #[tracing::instrument(
        name = "eventstore.append",
        skip_all,
        fields(db.system = "postgresql", stream = %stream, expected = %expected, events = events.len())
    )]
    async fn append(
        &self,
        stream: &StreamName,
        expected: ExpectedRevision,
        events: Vec<EventData>,
    ) -> Result<AppendResult, StoreError> {
        check_events(&events, self.max_event_bytes)?;
        self.committer
            .get_or_init(|| GroupCommitter::start(self.pool.clone(), self.max_event_bytes))
            .append(stream, expected, events)
            .await
    }

    #[tracing::instrument(name = "eventstore.read_stream", skip_all, fields(db.system = "postgresql", stream = %stream))]
    async fn read_stream(
        &self,
        stream: &StreamName,
        direction: Direction,
        from: ReadFrom,
        max_count: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let from_end = from;
        let from = match from {
            ReadFrom::Start => 0,
            ReadFrom::End => i64::MAX,
            ReadFrom::Revision(revision) => to_stored(revision),
        };
        let condition = match direction {
            Direction::Forward => "revision >= $2 ORDER BY revision ASC",
            Direction::Backward => "revision <= $2 ORDER BY revision DESC",
        };
        let sql = format!("{SELECT_EVENT} WHERE stream_name = $1 AND {condition} LIMIT $3");
        let rows = sqlx::query(&sql)
            .bind(stream.as_str())
            .bind(from)
            .bind(limit(max_count))
            .fetch_all(&self.pool)
            .await
            .map_err(map_pg_error)?;
        // From either end, no rows means no events: the stream does not
        // exist, and a command's load of a new stream skips a round trip.
        let whole = matches!(
            (direction, from_end),
            (Direction::Forward, ReadFrom::Start) | (Direction::Backward, ReadFrom::End)
        );
        if rows.is_empty() && (whole || !self.stream_exists(stream).await?) {
            return Err(StoreError::StreamNotFound {
                stream: stream.clone(),
            });
        }
        rows.iter()
            .map(|row| decode(row, &self.upcasters))
            .collect()
    }

    #[tracing::instrument(name = "eventstore.read_all", skip_all, fields(db.system = "postgresql", after))]
    async fn read_all(
        &self,
        after: u64,
        filter: &AllFilter,
        max_count: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        self.read_all_in(Direction::Forward, after, filter, max_count)
            .await
    }

    #[tracing::instrument(name = "eventstore.read_all_backward", skip_all, fields(db.system = "postgresql", before))]
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
        let patterns: Vec<String> = filter
            .event_type_prefixes
            .iter()
            .map(|p| like_prefix_pattern(p))
            .collect();
        let last: Option<i64> = sqlx::query_scalar(
            "SELECT position FROM eventstore.events WHERE position > $1 AND position <= $2 \
             AND (cardinality($3::text[]) = 0 OR category = ANY($3)) \
             AND (cardinality($4::text[]) = 0 OR event_type LIKE ANY($4)) \
             ORDER BY position DESC LIMIT 1",
        )
        .bind(to_stored(after))
        .bind(to_stored(at_or_below))
        .bind(&filter.categories)
        .bind(&patterns)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_pg_error)?;
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
        let patterns: Vec<String> = filter
            .event_type_prefixes
            .iter()
            .map(|p| like_prefix_pattern(p))
            .collect();
        let count: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM eventstore.events WHERE position > $1 AND position <= $2 \
             AND (cardinality($3::text[]) = 0 OR category = ANY($3)) \
             AND (cardinality($4::text[]) = 0 OR event_type LIKE ANY($4))",
        )
        .bind(to_stored(after))
        .bind(to_stored(at_or_below))
        .bind(&filter.categories)
        .bind(&patterns)
        .fetch_one(&self.pool)
        .await
        .map_err(map_pg_error)?;
        crate::append_rules::stored_u64(count, "count")
    }

    async fn find_event(&self, event_id: uuid::Uuid) -> Result<Option<RecordedEvent>, StoreError> {
        let sql = format!("{SELECT_EVENT} WHERE event_id = $1");
        let row = sqlx::query(&sql)
            .bind(event_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_pg_error)?;
        row.as_ref()
            .map(|row| decode(row, &self.upcasters))
            .transpose()
    }

    async fn head_position(&self) -> Result<u64, StoreError> {
        // The committed counter is the highest committed position: positions
        // are taken from it in commit order without gaps.
        let head: i64 = sqlx::query_scalar("SELECT position FROM eventstore.all_head")
            .fetch_one(&self.pool)
            .await
            .map_err(map_pg_error)?;
        crate::append_rules::stored_u64(head, "head position")
    }

    fn subscribe_all(&self, after: u64, filter: AllFilter) -> EventSubscription {
        let signal = listener::Notifications::new(self.pool.clone());
        catch_up(self.clone(), signal, after, filter)
    }

    async fn load_checkpoint(&self, name: &str) -> Result<u64, StoreError> {
        let position: Option<i64> =
            sqlx::query_scalar("SELECT position FROM eventstore.checkpoints WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await
                .map_err(map_pg_error)?;
        position.map_or(Ok(0), |p| crate::append_rules::stored_u64(p, "checkpoint"))
    }

    async fn save_checkpoint(&self, name: &str, position: u64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO eventstore.checkpoints (name, position, updated_at) VALUES ($1, $2, now()) \
             ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()",
        )
        .bind(name)
        .bind(to_stored(position))
        .execute(&self.pool)
        .await
        .map_err(map_pg_error)?;
        Ok(())
    }

    fn backend_name(&self) -> &'static str {
        "postgresql"
    }
}

#[cfg(test)]
mod tests {
    use super::like_prefix_pattern;

    #[test]
    fn prefix_patterns_escape_like_wildcards() {
        assert_eq!(
            like_prefix_pattern("gongzhi.residents."),
            "gongzhi.residents.%"
        );
        assert_eq!(like_prefix_pattern("a_b%c\\"), "a\\_b\\%c\\\\%");
    }
}
