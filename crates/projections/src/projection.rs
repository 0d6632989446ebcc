use crate::ProjectionError;
use gongzhi_eventstore::{AllFilter, RecordedEvent};
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;

/// Which SQL dialect a projection writes for. Read models are PostgreSQL in
/// production and SQLite in the embedded `gongzhi dev`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// Events a projection takes from one bounded context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Context name, as in `gongzhi.<context>.v1.*` event types.
    pub context: String,
    /// Stream categories wanted from it; empty means all.
    pub categories: Vec<String>,
}

impl Source {
    pub fn new(context: &str, categories: &[&str]) -> Self {
        Self {
            context: context.to_owned(),
            categories: categories.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    pub fn filter(&self) -> AllFilter {
        AllFilter {
            categories: self.categories.clone(),
            event_type_prefixes: vec![format!("gongzhi.{}.", self.context)],
        }
    }

    pub fn matches(&self, event: &RecordedEvent) -> bool {
        self.filter()
            .matches(event.stream.category(), &event.event_type)
    }
}

/// A read model. `apply` runs inside the transaction that also moves the
/// checkpoint; it must only touch its own tables, named without a schema (the
/// runtime points unqualified names at the right generation).
#[async_trait::async_trait]
pub trait Projection: Send + Sync + 'static {
    /// Lowercase ascii name, used for schemas, files and checkpoints.
    fn name(&self) -> &'static str;

    fn sources(&self) -> Vec<Source>;

    /// Migrations creating this projection's tables in one generation. Use
    /// versions below 3000; the runtime's own tables use 3100 and up.
    fn migrator(&self, backend: Backend) -> Migrator;

    /// Which checkpoint an event of `source` moves. One per source context by
    /// default: one event store's events of a context arrive in `$all`
    /// order. A projection fed by several event stores (the city read model,
    /// from every district's Gongzhi) keys by origin too, since positions of
    /// different stores are unrelated and one must not skip the other's.
    fn checkpoint_key(&self, source: &Source, _event: &RecordedEvent) -> String {
        source.context.clone()
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError>;

    /// Applies a page of events, in order, in the caller's transaction;
    /// a rebuild replays the store with it. Same outcome as [`Self::apply`]
    /// on each event in turn, which is the default. A projection whose
    /// writes fold (keyed upserts, counters) overrides it to write the page
    /// with a few statements instead of one round trip per event.
    async fn apply_page(
        &self,
        connection: &mut AnyConnection,
        backend: Backend,
        events: &[RecordedEvent],
    ) -> Result<(), ProjectionError> {
        for event in events {
            self.apply(connection, backend, event).await?;
        }
        Ok(())
    }
}
