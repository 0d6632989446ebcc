//! The event store: one interface, two backends.
//!
//! Contract (EventStoreDB semantics):
//! - streams are `<category>-<id>` with gapless revisions from 0;
//! - `append` checks an [`ExpectedRevision`]; a mismatch is
//!   [`StoreError::WrongExpectedRevision`] carrying the actual revision;
//! - appending event ids that are already stored at the same place succeeds
//!   and returns the original result (idempotent retry);
//! - `$all` positions start at 1, strictly increase, and are assigned in
//!   commit order, so a reader that has seen position `p` will never later
//!   find a committed event below `p`;
//! - `subscribe_all` catches up from a position, then turns live without a
//!   gap and without busy polling.

mod append_rules;
pub mod error;
pub mod filter;
pub mod postgres;
mod record;
pub mod sqlite;
mod subscription;

pub use error::{StoreError, StoreErrorKind};
pub use filter::AllFilter;
pub use gongzhi_kernel::{
    AppendResult, Direction, EventData, EventMetadata, ExpectedRevision, ReadFrom, RecordedEvent,
    StreamName, Upcasters,
};
pub use postgres::PostgresEventStore;
pub use sqlite::SqliteEventStore;

use futures::stream::BoxStream;
use std::sync::Arc;

/// Default cap on one event's stored size (payload + type + metadata). It keeps
/// every event, with its headers, under NATS's default 1 MiB message limit.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 512 * 1024;

pub type SharedEventStore = Arc<dyn EventStore>;

pub type EventSubscription = BoxStream<'static, Result<RecordedEvent, StoreError>>;

#[async_trait::async_trait]
pub trait EventStore: Send + Sync + 'static {
    /// Appends `events` to `stream` atomically if `expected` holds.
    async fn append(
        &self,
        stream: &StreamName,
        expected: ExpectedRevision,
        events: Vec<EventData>,
    ) -> Result<AppendResult, StoreError>;

    /// Reads up to `max_count` events of one stream. A stream that has no
    /// events is [`StoreError::StreamNotFound`].
    async fn read_stream(
        &self,
        stream: &StreamName,
        direction: Direction,
        from: ReadFrom,
        max_count: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError>;

    /// Reads `$all` forward: up to `max_count` events with position strictly
    /// greater than `after`, that match `filter`, in position order.
    async fn read_all(
        &self,
        after: u64,
        filter: &AllFilter,
        max_count: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError>;

    /// Reads `$all` backward: up to `max_count` events with position strictly
    /// less than `before`, that match `filter`, newest first. `u64::MAX`
    /// reads from the end.
    async fn read_all_backward(
        &self,
        before: u64,
        filter: &AllFilter,
        max_count: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError>;

    /// The position of the last event matching `filter` with position in
    /// `(after, at_or_below]`, if any. A read-your-writes wait asks it once
    /// for the event it must see applied; the scan is bounded by how far the
    /// reader is behind, not by the size of `$all`.
    async fn last_position_between(
        &self,
        after: u64,
        at_or_below: u64,
        filter: &AllFilter,
    ) -> Result<Option<u64>, StoreError>;

    /// How many events matching `filter` have a position in
    /// `(after, at_or_below]`. A projection compares it with what it was
    /// delivered, to learn whether any event in between is missing.
    async fn count_between(
        &self,
        after: u64,
        at_or_below: u64,
        filter: &AllFilter,
    ) -> Result<u64, StoreError>;

    /// Finds a stored event by id, wherever it is. Command handlers use it to
    /// answer a retried `request_id` with the original receipt.
    async fn find_event(&self, event_id: uuid::Uuid) -> Result<Option<RecordedEvent>, StoreError>;

    /// The highest committed `$all` position, 0 when the store is empty.
    async fn head_position(&self) -> Result<u64, StoreError>;

    /// Every event after `after` matching `filter`, then live ones as they
    /// commit. The stream ends only with an error or when dropped.
    fn subscribe_all(&self, after: u64, filter: AllFilter) -> EventSubscription;

    /// Durable checkpoints for readers of `$all` (the relay, in-process
    /// delivery). A missing checkpoint is 0.
    async fn load_checkpoint(&self, name: &str) -> Result<u64, StoreError>;
    async fn save_checkpoint(&self, name: &str, position: u64) -> Result<(), StoreError>;

    /// Which backend this is, for logs and `gongzhi dev`'s banner.
    fn backend_name(&self) -> &'static str;
}
