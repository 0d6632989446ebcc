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
        loop {
            // Mark the current value seen before checking, so an apply that
            // lands during the check still wakes the wait below.
            applied.borrow_and_update();
            if self.caught_up(position).await? {
                return Ok(());
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
        let checkpoints = self.checkpoints().await?;
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
            if next.first().is_some_and(|event| event.position <= position) {
                return Ok(false);
            }
        }
        Ok(true)
    }
}
