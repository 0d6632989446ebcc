//! Read-your-writes: a query passes the `$all` position its command returned
//! and waits until the projection has applied every matching event up to it.
//!
//! "Caught up to p" cannot be read from the checkpoint alone: a projection's
//! checkpoint only moves on events it takes, so after the last matching event
//! below `p` it may never reach `p`. The store is asked instead: caught up when
//! no matching event lies between the checkpoint and `p`.

use crate::{ProjectionError, ProjectionHandle};
use std::time::Duration;
use tokio::time::Instant;

impl ProjectionHandle {
    pub async fn wait_for(&self, position: u64, timeout: Duration) -> Result<(), ProjectionError> {
        if position == 0 {
            return Ok(());
        }
        let deadline = Instant::now() + timeout;
        let mut applied = self.inner.applied.subscribe();
        // The first matching event the last check found unapplied. Sources
        // are applied in order, so until this process has applied up to it
        // another check cannot succeed: waiters skip the database until
        // then, instead of every waiter re-checking on every apply (with
        // hundreds waiting, those checks starved the applier of connections).
        let mut blocker = 0;
        loop {
            // Mark the current value seen before checking, so an apply that
            // lands during the check still wakes the wait below.
            let seen = *applied.borrow_and_update();
            if seen >= blocker {
                match self.first_unapplied(position).await? {
                    None => return Ok(()),
                    Some(next) => blocker = next,
                }
            }
            let woke = tokio::time::timeout_at(deadline, applied.changed()).await;
            if !matches!(woke, Ok(Ok(()))) {
                return Err(ProjectionError::NotCaughtUp {
                    projection: self.name().to_owned(),
                    wanted: position,
                    waited: timeout,
                });
            }
        }
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
