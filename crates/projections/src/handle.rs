//! A registered projection: applies events to its live generation and serves
//! queries from it.

use crate::applied::AppliedPositions;
use crate::apply::{apply_in, enter_generation};
use crate::backend::schema_name;
use crate::notify::{CheckpointListener, notify_in};
use crate::{Backend, Projection, ProjectionError, Source};
use gongzhi_eventstore::{RecordedEvent, SharedEventStore};
use sqlx::{Any, AnyConnection, AnyPool, Executor, Transaction};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::{RwLock, watch};

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
    /// The checkpoints as this process knows them: moved by applies here
    /// and, on PostgreSQL, by other processes' notifications; read-your-writes
    /// waiters wait on it without querying (see `applied`).
    pub applied: Arc<AppliedPositions>,
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
        let applied = Arc::new(AppliedPositions::default());
        if let Generations::Postgres { listener, .. } = &generations {
            listener.register(projection.name(), &applied);
        }
        Self {
            inner: Arc::new(Inner {
                projection,
                sources,
                store,
                generations,
                applied,
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
        Ok(self.apply_batch(std::slice::from_ref(event)).await? > 0)
    }

    /// Applies `events`, in order, to the live generation in ONE transaction,
    /// so a whole batch costs one commit (one WAL flush) instead of one per
    /// event. Each event is still skipped when its source checkpoint has
    /// passed it, and the checkpoints move in the same transaction (read
    /// once and written once per batch). Matching events the batch lacks
    /// below its last one (another replica holds them) are applied from the
    /// store first, so a checkpoint never passes an unapplied event. On
    /// error nothing is applied. Returns how many were applied.
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
        let outcome = match &self.inner.generations {
            Generations::Postgres {
                appliers, listener, ..
            } => {
                let mut tx = appliers.begin().await?;
                enter_generation(&mut tx, self.name(), true).await?;
                let outcome = apply_in(
                    &mut tx,
                    projection,
                    Backend::Postgres,
                    self.inner.store.as_ref(),
                    &wanted,
                )
                .await?;
                if !outcome.moved.is_empty() {
                    // Replicas sharing this database learn of it on commit.
                    notify_in(&mut tx, self.name(), listener.process(), &outcome.moved).await?;
                }
                tx.commit().await?;
                outcome
            }
            Generations::Sqlite { active, .. } => {
                let generation = active.read().await;
                let mut tx = generation.pool.begin().await?;
                let outcome = apply_in(
                    &mut tx,
                    projection,
                    Backend::Sqlite,
                    self.inner.store.as_ref(),
                    &wanted,
                )
                .await?;
                tx.commit().await?;
                outcome
            }
        };
        self.inner
            .applied
            .advance(outcome.moved.iter().map(|(k, p)| (k.as_str(), *p)));
        Ok(outcome.applied)
    }

    /// Records that `event` was dead-lettered instead of applied, so
    /// batches that fill missing events from the store leave it out.
    pub async fn skip(&self, event: &RecordedEvent) -> Result<(), ProjectionError> {
        let Some(source) = self.inner.sources.iter().find(|s| s.matches(event)) else {
            return Ok(());
        };
        let position = i64::try_from(event.position).map_err(|_| {
            ProjectionError::apply(self.name(), event.event_id, "position beyond i64")
        })?;
        let statement = "INSERT INTO projection_skipped (source, position) VALUES ($1, $2) \
                         ON CONFLICT (source, position) DO NOTHING";
        match &self.inner.generations {
            Generations::Postgres { appliers, .. } => {
                let mut tx = appliers.begin().await?;
                enter_generation(&mut tx, self.name(), true).await?;
                sqlx::query(statement)
                    .bind(source.context.as_str())
                    .bind(position)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
            Generations::Sqlite { active, .. } => {
                let generation = active.read().await;
                sqlx::query(statement)
                    .bind(source.context.as_str())
                    .bind(position)
                    .execute(&generation.pool)
                    .await?;
            }
        }
        Ok(())
    }

    /// A read-only view of the live generation: unqualified table names in
    /// queries resolve to it. Keep it short; it is a transaction.
    pub async fn read(&self) -> Result<Transaction<'static, Any>, ProjectionError> {
        match &self.inner.generations {
            Generations::Postgres { pool, .. } => {
                let mut tx = pool.begin().await?;
                enter_generation(&mut tx, self.name(), false).await?;
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
        self.inner.applied.moves()
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
