//! Read-your-writes: a query passes the `$all` position its command returned
//! and waits until the projection has applied every matching event up to it.
//!
//! "Caught up to p" cannot be read from the checkpoint alone: a projection's
//! checkpoint only moves on events it takes, so after the last matching event
//! below `p` it may never reach `p`. The store is asked instead: caught up when
//! no matching event lies between the checkpoint and `p`.
//!
//! The wait is woken when the checkpoints may have moved: by an apply in this
//! process, or on PostgreSQL by another process's commit (see `notify`), so
//! replicas sharing a consumer and a database each see the others' applies.

use crate::{ProjectionError, ProjectionHandle};
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

impl ProjectionHandle {
    pub async fn wait_for(&self, position: u64, timeout: Duration) -> Result<(), ProjectionError> {
        if position == 0 {
            return Ok(());
        }
        let deadline = Instant::now() + timeout;
        let mut moved = self.inner.checkpoint_moved.subscribe();
        let mut counted = None;
        loop {
            // Mark the current value seen before checking, so a move that
            // lands during the check still wakes the wait below.
            moved.borrow_and_update();
            if self.caught_up(position).await? {
                return Ok(());
            }
            if counted.is_none() {
                counted = Some(Waiting::start(&self.inner.waiting));
            }
            let woke = tokio::time::timeout_at(deadline, moved.changed()).await;
            if !matches!(woke, Ok(Ok(()))) {
                return Err(ProjectionError::NotCaughtUp {
                    projection: self.name().to_owned(),
                    wanted: position,
                    waited: timeout,
                });
            }
        }
    }

    /// How many queries are blocked in [`Self::wait_for`] right now, having
    /// found the projection behind. For metrics, and for tests that must know
    /// a waiter is parked before they apply the event it waits for.
    pub fn waiting(&self) -> watch::Receiver<usize> {
        self.inner.waiting.subscribe()
    }

    pub async fn caught_up(&self, position: u64) -> Result<bool, ProjectionError> {
        Ok(self.first_unapplied(position).await?.is_none())
    }

    /// The position of the first matching event at or below `position` that
    /// the projection has not applied, if any.
    async fn first_unapplied(&self, position: u64) -> Result<Option<u64>, ProjectionError> {
        let checkpoints = self.checkpoints().await?;
        let mut first = None;
        for source in self.sources() {
            let after = checkpoints.get(&source.context).copied().unwrap_or(0);
            if after >= position {
                continue;
            }
            let next = self
                .inner
                .store
                .read_all(after, &source.filter(), 1)
                .await?;
            if let Some(event) = next.first().filter(|event| event.position <= position) {
                first = Some(first.map_or(event.position, |p: u64| p.min(event.position)));
            }
        }
        Ok(first)
    }
}

/// Counts one waiter for as long as it lives, including when the waiting
/// query is cancelled.
struct Waiting<'a>(&'a watch::Sender<usize>);

impl<'a> Waiting<'a> {
    fn start(gauge: &'a watch::Sender<usize>) -> Self {
        gauge.send_modify(|n| *n += 1);
        Self(gauge)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n = n.saturating_sub(1));
    }
}
