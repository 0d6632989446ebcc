//! Rebuild: replay the event store into the next generation while the live
//! one keeps serving, then switch.
//!
//! The switch is the delicate part. Events applied live after the replay's
//! last page went to the old generation only. So the switch locks out live
//! appliers (the registry row FOR UPDATE on PostgreSQL, the generation lock in
//! embedded mode), catches the new generation up to the store head inside
//! that lock, flips the active generation, and only then lets appliers go on;
//! their per-source checkpoints skip whatever the catch-up already applied.

use crate::backend::{
    migrate_pg_generation, open_sqlite_generation, schema_name, sqlite_file, write_active_file,
};
use crate::handle::{Generations, SqliteGeneration, set_local_schema, write_checkpoint};
use crate::notify::notify_in;
use crate::{Backend, ProjectionError, ProjectionHandle};
use gongzhi_eventstore::RecordedEvent;
use sqlx::{AnyConnection, AnyPool, Executor};

/// Events per replayed page, i.e. per rebuild transaction.
const REPLAY_PAGE: usize = 2_000;

/// Reported after each replayed page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RebuildProgress {
    pub position: u64,
    pub head: u64,
    pub events_applied: u64,
}

impl ProjectionHandle {
    /// Builds generation n+1 from the event store and makes it live. Returns
    /// the new generation number.
    pub async fn rebuild(
        &self,
        mut progress: impl FnMut(RebuildProgress) + Send,
    ) -> Result<i64, ProjectionError> {
        let head = self.inner.store.head_position().await?;
        match &self.inner.generations {
            Generations::Postgres { pool, listener, .. } => {
                let current = self.generation().await?;
                let next = current + 1;
                let schema = schema_name(self.name(), next);
                pool.execute(format!("DROP SCHEMA IF EXISTS {schema} CASCADE").as_str())
                    .await?;
                migrate_pg_generation(pool, self.inner.projection.as_ref(), next).await?;
                let mut applied = self
                    .replay_into(pool, Some(next), head, &mut progress)
                    .await?;
                let mut tx = pool.begin().await?;
                sqlx::query(
                    "SELECT active_generation FROM projections.registry WHERE name = $1 FOR UPDATE",
                )
                .bind(self.name())
                .execute(&mut *tx)
                .await?;
                set_local_schema(&mut tx, self.name(), next).await?;
                applied += self.catch_up(&mut tx, Backend::Postgres).await?;
                sqlx::query("UPDATE projections.registry SET active_generation = $1, updated_at = now() WHERE name = $2")
                    .bind(next)
                    .bind(self.name())
                    .execute(&mut *tx)
                    .await?;
                // The new generation's checkpoints are live from this commit;
                // no positions in the notification: every process re-reads.
                notify_in(&mut tx, self.name(), listener.process(), &[]).await?;
                tx.commit().await?;
                self.inner.applied.mark_stale();
                progress(RebuildProgress {
                    position: head,
                    head,
                    events_applied: applied,
                });
                let old = schema_name(self.name(), current);
                // Readers still inside the old schema hold table locks; the
                // drop waits for them rather than breaking them.
                pool.execute(format!("DROP SCHEMA IF EXISTS {old} CASCADE").as_str())
                    .await?;
                Ok(next)
            }
            Generations::Sqlite { dir, active } => {
                let current = active.read().await.number;
                let next = current + 1;
                let file = sqlite_file(dir, self.name(), next);
                remove_if_present(&file).await?;
                let pool =
                    open_sqlite_generation(dir, self.inner.projection.as_ref(), next).await?;
                let mut applied = self.replay_into(&pool, None, head, &mut progress).await?;
                let mut live = active.write().await;
                let mut tx = pool.begin().await?;
                applied += self.catch_up(&mut tx, Backend::Sqlite).await?;
                tx.commit().await?;
                write_active_file(dir, self.name(), next).await?;
                let old = std::mem::replace(&mut *live, SqliteGeneration { number: next, pool });
                drop(live);
                self.inner.applied.mark_stale();
                old.pool.close().await;
                remove_if_present(&sqlite_file(dir, self.name(), current)).await?;
                progress(RebuildProgress {
                    position: head,
                    head,
                    events_applied: applied,
                });
                Ok(next)
            }
        }
    }

    /// Replays every source, page by page, one transaction per page, into
    /// the generation `pool` reaches: PostgreSQL schema `rm_<name>_g<n>` for
    /// `Some(n)`, or the SQLite file the pool opened for `None`. The next
    /// page is read from the store while the current one is written, so the
    /// replay costs about the larger of the two, not their sum.
    async fn replay_into(
        &self,
        pool: &AnyPool,
        schema_generation: Option<i64>,
        head: u64,
        progress: &mut (impl FnMut(RebuildProgress) + Send),
    ) -> Result<u64, ProjectionError> {
        let backend = if schema_generation.is_some() {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        let store = self.inner.store.as_ref();
        let mut applied = 0;
        for source in self.sources() {
            let filter = source.filter();
            let mut tx = pool.begin().await?;
            if let Some(generation) = schema_generation {
                set_local_schema(&mut tx, self.name(), generation).await?;
            }
            let after = crate::handle::read_checkpoints(&mut tx)
                .await?
                .get(&source.context)
                .copied()
                .unwrap_or(0);
            tx.commit().await?;
            let mut page = store.read_all(after, &filter, REPLAY_PAGE).await?;
            while let Some(last) = page.last().map(|e| e.position) {
                let full = page.len() == REPLAY_PAGE;
                let write = async {
                    let mut tx = pool.begin().await?;
                    if let Some(generation) = schema_generation {
                        set_local_schema(&mut tx, self.name(), generation).await?;
                    }
                    self.write_page(&mut tx, backend, &source.context, &page)
                        .await?;
                    tx.commit().await?;
                    Ok::<_, ProjectionError>(())
                };
                let read_next = async {
                    if full {
                        store.read_all(last, &filter, REPLAY_PAGE).await
                    } else {
                        Ok(Vec::new())
                    }
                };
                let (written, next) = futures::join!(write, read_next);
                written?;
                applied += page.len() as u64;
                progress(RebuildProgress {
                    position: last,
                    head,
                    events_applied: applied,
                });
                page = next?;
            }
        }
        Ok(applied)
    }

    /// Applies a page read after the checkpoint of `source` and moves that
    /// checkpoint to its last event, in the caller's transaction.
    async fn write_page(
        &self,
        connection: &mut AnyConnection,
        backend: Backend,
        source: &str,
        page: &[RecordedEvent],
    ) -> Result<(), ProjectionError> {
        let Some(last) = page.last() else {
            return Ok(());
        };
        self.inner
            .projection
            .apply_page(connection, backend, page)
            .await?;
        let position = i64::try_from(last.position).map_err(|_| {
            ProjectionError::apply(self.name(), last.event_id, "position beyond i64")
        })?;
        write_checkpoint(connection, source, position).await
    }

    /// Replays one page of one source into the generation `connection` is
    /// pointed at, after that generation's checkpoint.
    async fn replay_page(
        &self,
        connection: &mut AnyConnection,
        backend: Backend,
        source_index: usize,
    ) -> Result<Page, ProjectionError> {
        let source = &self.sources()[source_index];
        let checkpoints = crate::handle::read_checkpoints(connection).await?;
        let after = checkpoints.get(&source.context).copied().unwrap_or(0);
        let events = self
            .inner
            .store
            .read_all(after, &source.filter(), REPLAY_PAGE)
            .await?;
        let events: Vec<_> = events.into_iter().filter(|e| e.position > after).collect();
        self.write_page(connection, backend, &source.context, &events)
            .await?;
        Ok(Page {
            read: events.len(),
            applied: events.len() as u64,
        })
    }

    async fn catch_up(
        &self,
        connection: &mut AnyConnection,
        backend: Backend,
    ) -> Result<u64, ProjectionError> {
        let mut applied = 0;
        for source_index in 0..self.sources().len() {
            loop {
                let page = self.replay_page(connection, backend, source_index).await?;
                applied += page.applied;
                if page.read < REPLAY_PAGE {
                    break;
                }
            }
        }
        Ok(applied)
    }
}

struct Page {
    read: usize,
    applied: u64,
}

async fn remove_if_present(file: &std::path::Path) -> Result<(), ProjectionError> {
    match tokio::fs::remove_file(file).await {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(ProjectionError::Database(sqlx::Error::Io(e))),
    }
}
