//! A registered projection: applies events to its live generation and serves
//! queries from it.

use crate::backend::schema_name;
use crate::notify::{CheckpointListener, notify_in, wake};
use crate::{Backend, Projection, ProjectionError, Source};
use gongzhi_eventstore::{RecordedEvent, SharedEventStore};
use sqlx::{Any, AnyConnection, AnyPool, Executor, Transaction};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::{RwLock, watch};
use tracing::Instrument;

/// Upper bound on events counted as pending in a status report.
const PENDING_COUNT_CAP: usize = 10_000;

pub(crate) struct SqliteGeneration {
    pub number: i64,
    pub pool: AnyPool,
}

pub(crate) enum Generations {
    Postgres {
        pool: AnyPool,
        listener: Arc<CheckpointListener>,
        /// Applying events only; see `ReadModelDb::Postgres`.
        appliers: AnyPool,
    },
    Sqlite {
        dir: PathBuf,
        /// Readers and appliers hold it shared; a rebuild's switch holds it
        /// exclusively while it catches the new generation up and swaps.
        active: Arc<RwLock<SqliteGeneration>>,
    },
}

#[derive(Clone)]
pub struct ProjectionHandle {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub projection: Arc<dyn Projection>,
    pub sources: Vec<Source>,
    pub store: SharedEventStore,
    pub generations: Generations,
    /// Changed whenever the checkpoints may have moved (an apply or a rebuild
    /// switch here, a notification from another process, a listener
    /// reconnect), to wake read-your-writes waiters without polling.
    pub checkpoint_moved: Arc<watch::Sender<u64>>,
    /// Queries currently blocked in a read-your-writes wait.
    pub waiting: watch::Sender<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionStatus {
    pub name: String,
    pub generation: i64,
    /// Highest applied position over all sources.
    pub position: u64,
    /// Matching events in the store not yet applied (capped at 10 000).
    pub pending_events: u64,
    /// Age of the oldest pending event; 0 when caught up.
    pub seconds_behind: f64,
}

impl ProjectionHandle {
    pub(crate) fn new(
        projection: Arc<dyn Projection>,
        store: SharedEventStore,
        generations: Generations,
    ) -> Self {
        let sources = projection.sources();
        let checkpoint_moved = Arc::new(watch::Sender::new(0));
        if let Generations::Postgres { listener, .. } = &generations {
            listener.register(projection.name(), &checkpoint_moved);
        }
        Self {
            inner: Arc::new(Inner {
                projection,
                sources,
                store,
                generations,
                checkpoint_moved,
                waiting: watch::Sender::new(0),
            }),
        }
    }

    pub fn name(&self) -> &'static str {
        self.inner.projection.name()
    }

    pub fn sources(&self) -> &[Source] {
        &self.inner.sources
    }

    pub fn backend(&self) -> Backend {
        match self.inner.generations {
            Generations::Postgres { .. } => Backend::Postgres,
            Generations::Sqlite { .. } => Backend::Sqlite,
        }
    }

    /// Applies one event to the live generation, unless its source checkpoint
    /// has already passed it. Returns whether it was applied.
    pub async fn apply(&self, event: &RecordedEvent) -> Result<bool, ProjectionError> {
        let Some(source) = self.inner.sources.iter().find(|s| s.matches(event)) else {
            return Ok(false);
        };
        let applied = match &self.inner.generations {
            Generations::Postgres { appliers, .. } => {
                let mut tx = appliers.begin().await?;
                let generation: i64 = sqlx::query_scalar(
                    "SELECT active_generation FROM projections.registry WHERE name = $1 FOR SHARE",
                )
                .bind(self.name())
                .fetch_one(&mut *tx)
                .await?;
                set_local_schema(&mut tx, self.name(), generation).await?;
                let applied = apply_in(
                    &mut tx,
                    self.inner.projection.as_ref(),
                    Backend::Postgres,
                    source,
                    event,
                )
                .await?;
                if applied {
                    // Replicas sharing this database learn of it on commit.
                    notify_in(&mut tx, self.name()).await?;
                }
                tx.commit().await?;
                applied
            }
            Generations::Sqlite { active, .. } => {
                let generation = active.read().await;
                let mut tx = generation.pool.begin().await?;
                let applied = apply_in(
                    &mut tx,
                    self.inner.projection.as_ref(),
                    Backend::Sqlite,
                    source,
                    event,
                )
                .await?;
                tx.commit().await?;
                applied
            }
        };
        if applied {
            wake(&self.inner.checkpoint_moved);
        }
        Ok(applied)
    }

    /// Applies `events`, in order, to the live generation in ONE transaction,
    /// so a whole batch costs one commit (one WAL flush) instead of one per
    /// event. Each event is still skipped when its source checkpoint has
    /// passed it, and the checkpoints move in the same transaction. On error
    /// nothing is applied. Returns how many were applied.
    pub async fn apply_batch(&self, events: &[RecordedEvent]) -> Result<u64, ProjectionError> {
        let wanted: Vec<(&Source, &RecordedEvent)> = events
            .iter()
            .filter_map(|e| {
                self.inner
                    .sources
                    .iter()
                    .find(|s| s.matches(e))
                    .map(|s| (s, e))
            })
            .collect();
        if wanted.is_empty() {
            return Ok(0);
        }
        let projection = self.inner.projection.as_ref();
        let mut applied = 0;
        match &self.inner.generations {
            Generations::Postgres { appliers, .. } => {
                let mut tx = appliers.begin().await?;
                let generation: i64 = sqlx::query_scalar(
                    "SELECT active_generation FROM projections.registry WHERE name = $1 FOR SHARE",
                )
                .bind(self.name())
                .fetch_one(&mut *tx)
                .await?;
                set_local_schema(&mut tx, self.name(), generation).await?;
                for (source, event) in wanted {
                    let span = apply_span(self.name(), event);
                    if apply_in(&mut tx, projection, Backend::Postgres, source, event)
                        .instrument(span)
                        .await?
                    {
                        applied += 1;
                    }
                }
                if applied > 0 {
                    // Replicas sharing this database learn of it on commit.
                    notify_in(&mut tx, self.name()).await?;
                }
                tx.commit().await?;
            }
            Generations::Sqlite { active, .. } => {
                let generation = active.read().await;
                let mut tx = generation.pool.begin().await?;
                for (source, event) in wanted {
                    let span = apply_span(self.name(), event);
                    if apply_in(&mut tx, projection, Backend::Sqlite, source, event)
                        .instrument(span)
                        .await?
                    {
                        applied += 1;
                    }
                }
                tx.commit().await?;
            }
        }
        if applied > 0 {
            wake(&self.inner.checkpoint_moved);
        }
        Ok(applied)
    }

    /// A read-only view of the live generation: unqualified table names in
    /// queries resolve to it. Keep it short; it is a transaction.
    pub async fn read(&self) -> Result<Transaction<'static, Any>, ProjectionError> {
        match &self.inner.generations {
            Generations::Postgres { pool, .. } => {
                let mut tx = pool.begin().await?;
                let generation = self.active_generation_pg(&mut tx).await?;
                set_local_schema(&mut tx, self.name(), generation).await?;
                Ok(tx)
            }
            Generations::Sqlite { active, .. } => {
                let pool = active.read().await.pool.clone();
                Ok(pool.begin().await?)
            }
        }
    }

    pub async fn generation(&self) -> Result<i64, ProjectionError> {
        match &self.inner.generations {
            Generations::Postgres { pool, .. } => {
                let mut tx = pool.begin().await?;
                let generation = self.active_generation_pg(&mut tx).await?;
                tx.commit().await?;
                Ok(generation)
            }
            Generations::Sqlite { active, .. } => Ok(active.read().await.number),
        }
    }

    /// Ticks whenever the checkpoints may have moved (here or, on
    /// PostgreSQL, in another process), for waits on checkpoints that
    /// [`Self::wait_for`] cannot express, such as per-origin ones.
    pub fn checkpoint_changes(&self) -> watch::Receiver<u64> {
        self.inner.checkpoint_moved.subscribe()
    }

    /// Checkpoint per source context (or per [`Projection::checkpoint_key`])
    /// of the live generation.
    pub async fn checkpoints(&self) -> Result<BTreeMap<String, u64>, ProjectionError> {
        let mut tx = self.read().await?;
        let checkpoints = read_checkpoints(&mut tx).await?;
        tx.commit().await?;
        Ok(checkpoints)
    }

    pub async fn status(&self) -> Result<ProjectionStatus, ProjectionError> {
        let checkpoints = self.checkpoints().await?;
        let mut pending_events = 0u64;
        let mut oldest_pending = None;
        for source in &self.inner.sources {
            let after = checkpoints.get(&source.context).copied().unwrap_or(0);
            let pending = self
                .inner
                .store
                .read_all(after, &source.filter(), PENDING_COUNT_CAP)
                .await?;
            pending_events += pending.len() as u64;
            if let Some(first) = pending.first() {
                oldest_pending = Some(
                    oldest_pending.map_or(first.recorded_at, |o: chrono::DateTime<chrono::Utc>| {
                        o.min(first.recorded_at)
                    }),
                );
            }
        }
        let seconds_behind = oldest_pending.map_or(0.0, |t| {
            (chrono::Utc::now() - t).num_milliseconds().max(0) as f64 / 1000.0
        });
        Ok(ProjectionStatus {
            name: self.name().to_owned(),
            generation: self.generation().await?,
            position: checkpoints.values().copied().max().unwrap_or(0),
            pending_events,
            seconds_behind,
        })
    }

    async fn active_generation_pg(
        &self,
        tx: &mut Transaction<'static, Any>,
    ) -> Result<i64, ProjectionError> {
        Ok(
            sqlx::query_scalar(
                "SELECT active_generation FROM projections.registry WHERE name = $1",
            )
            .bind(self.name())
            .fetch_one(&mut **tx)
            .await?,
        )
    }
}

pub(crate) async fn set_local_schema(
    tx: &mut Transaction<'static, Any>,
    name: &str,
    generation: i64,
) -> Result<(), ProjectionError> {
    let statement = format!("SET LOCAL search_path TO {}", schema_name(name, generation));
    tx.execute(statement.as_str()).await?;
    Ok(())
}

pub(crate) async fn read_checkpoints(
    connection: &mut AnyConnection,
) -> Result<BTreeMap<String, u64>, ProjectionError> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT source, position FROM projection_checkpoints")
            .fetch_all(&mut *connection)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(s, p)| (s, u64::try_from(p).unwrap_or(0)))
        .collect())
}

/// The one place an event meets a read model: skip if the source checkpoint
/// has passed it, else apply and move the checkpoint in the caller's
/// transaction.
pub(crate) async fn apply_in(
    connection: &mut AnyConnection,
    projection: &dyn Projection,
    backend: Backend,
    source: &Source,
    event: &RecordedEvent,
) -> Result<bool, ProjectionError> {
    let position = i64::try_from(event.position).map_err(|_| {
        ProjectionError::apply(projection.name(), event.event_id, "position beyond i64")
    })?;
    let key = projection.checkpoint_key(source, event);
    let checkpoint: Option<i64> =
        sqlx::query_scalar("SELECT position FROM projection_checkpoints WHERE source = $1")
            .bind(key.as_str())
            .fetch_optional(&mut *connection)
            .await?;
    if checkpoint.is_some_and(|c| c >= position) {
        return Ok(false);
    }
    projection.apply(connection, backend, event).await?;
    write_checkpoint(connection, &key, position).await?;
    Ok(true)
}

/// Moves the source's checkpoint to `position` in the caller's transaction.
pub(crate) async fn write_checkpoint(
    connection: &mut AnyConnection,
    key: &str,
    position: i64,
) -> Result<(), ProjectionError> {
    sqlx::query(
        "INSERT INTO projection_checkpoints (source, position) VALUES ($1, $2) \
         ON CONFLICT (source) DO UPDATE SET position = excluded.position, applied_at = CURRENT_TIMESTAMP",
    )
    .bind(key)
    .bind(position)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// The span of one event's apply, continuing the trace of the command that
/// wrote the event.
pub(crate) fn apply_span(projection: &str, event: &RecordedEvent) -> tracing::Span {
    let span = tracing::info_span!(
        "projection.apply",
        projection,
        event_type = %event.event_type,
        position = event.position,
    );
    gongzhi_telemetry::set_parent(
        &span,
        event.metadata.traceparent.as_deref(),
        event.metadata.tracestate.as_deref(),
    );
    span
}
