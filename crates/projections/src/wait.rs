//! Read-your-writes: a query passes the `$all` position its command returned
//! and waits until the projection has applied every matching event up to it.
//!
//! "Caught up to p" cannot be read from the checkpoint alone: a projection's
//! checkpoint only moves on events it takes, so after the last matching event
//! below `p` it may never reach `p`. So a wait asks the store ONCE for its
//! target, the last matching event in `(known checkpoint, p]` per source, and
//! then waits in memory until the checkpoint known to this process reaches
//! it. What this process knows moves with its own applies and, on
//! PostgreSQL, with every other process's (their notifications carry the new
//! checkpoints, see `notify`); after a lost notification the checkpoints are
//! re-read once for all waiters (see `applied`). No query per apply and per
//! waiter, whichever replica applies.

use crate::applied::Known;
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
        let mut known = self.inner.applied.subscribe();
        self.refresh_if_stale().await?;
        let mut targets = Vec::new();
        for source in self.sources() {
            let key = source.context.as_str();
            let applied = known.borrow().position(key);
            if applied >= position {
                continue;
            }
            let target = self
                .inner
                .store
                .last_position_between(applied, position, &source.filter())
                .await?;
            if let Some(target) = target {
                targets.push((key, target));
            }
        }
        let reached = |known: &Known| targets.iter().all(|(key, t)| known.position(key) >= *t);
        let mut counted = None;
        loop {
            // Marks the current value seen before checking it, so a move
            // that lands after the check still wakes the wait below.
            let (done, stale) = {
                let known = known.borrow_and_update();
                (reached(&known), known.is_stale())
            };
            if done {
                return Ok(());
            }
            if stale {
                self.refresh_if_stale().await?;
                continue;
            }
            if counted.is_none() {
                counted = Some(Waiting::start(&self.inner.waiting));
            }
            let woke = tokio::time::timeout_at(deadline, known.changed()).await;
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

    /// Asks the database (not this process's memory) whether every matching
    /// event up to `position` is applied.
    pub async fn caught_up(&self, position: u64) -> Result<bool, ProjectionError> {
        let checkpoints = self.checkpoints().await?;
        for source in self.sources() {
            let after = checkpoints.get(&source.context).copied().unwrap_or(0);
            let pending = self
                .inner
                .store
                .last_position_between(after, position, &source.filter())
                .await?;
            if pending.is_some() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Re-reads the checkpoints into memory if a move may have been missed;
    /// one read however many waiters ask.
    async fn refresh_if_stale(&self) -> Result<(), ProjectionError> {
        self.inner
            .applied
            .refresh_if_stale(|| async {
                Ok::<_, ProjectionError>(self.checkpoints().await?.into_iter().collect())
            })
            .await
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
