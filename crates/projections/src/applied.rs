//! What this process knows of one projection's checkpoints, kept in memory
//! so read-your-writes waiters need no database query per apply.
//!
//! Contract:
//! - every known position is a lower bound of the live generation's
//!   checkpoint for that key: checkpoints only move forward (a rebuild's
//!   switch makes live a generation caught up to the store head, so at or
//!   past the old one), and positions are only taken from commits that
//!   happened (a local apply after its commit, a notification PostgreSQL
//!   delivers only on commit, a read of the table);
//! - positions only grow ([`AppliedPositions::advance`] keeps the maximum);
//! - when this process may have missed a move (its listening connection was
//!   lost, a notification carried no positions, a rebuild switched
//!   generations) the state is marked stale, and the next waiter that sees
//!   it re-reads the checkpoints ONCE for all waiters
//!   ([`AppliedPositions::refresh_if_stale`]).

use std::collections::HashMap;
use tokio::sync::{Mutex, watch};

#[derive(Debug, Clone, Default)]
pub(crate) struct Known {
    /// Checkpoint key (source context, or [`crate::Projection::checkpoint_key`])
    /// to the highest position known applied.
    pub positions: HashMap<String, u64>,
    /// Bumped whenever a move may have been missed.
    pub stale: u64,
    /// The `stale` count the positions were last read from the database at;
    /// `None` before the first read.
    pub read_at: Option<u64>,
}

impl Known {
    pub fn position(&self, key: &str) -> u64 {
        self.positions.get(key).copied().unwrap_or(0)
    }

    pub fn is_stale(&self) -> bool {
        self.read_at != Some(self.stale)
    }
}

pub(crate) struct AppliedPositions {
    known: watch::Sender<Known>,
    /// Serialises re-reads, so N waiters woken by one reconnect cost one query.
    refresh: Mutex<()>,
    /// Ticks on every change, for [`crate::ProjectionHandle::checkpoint_changes`].
    moved: watch::Sender<u64>,
}

impl Default for AppliedPositions {
    fn default() -> Self {
        Self {
            known: watch::Sender::new(Known::default()),
            refresh: Mutex::new(()),
            moved: watch::Sender::new(0),
        }
    }
}

impl AppliedPositions {
    pub fn subscribe(&self) -> watch::Receiver<Known> {
        self.known.subscribe()
    }

    pub fn moves(&self) -> watch::Receiver<u64> {
        self.moved.subscribe()
    }

    /// Records committed checkpoint moves; wakes waiters only if a position grew.
    pub fn advance<'a>(&self, moved: impl IntoIterator<Item = (&'a str, u64)>) {
        let grew = self.known.send_if_modified(|known| {
            let mut grew = false;
            for (key, position) in moved {
                let entry = known.positions.entry(key.to_owned()).or_insert(0);
                if position > *entry {
                    *entry = position;
                    grew = true;
                }
            }
            grew
        });
        if grew {
            self.tick();
        }
    }

    /// Something may have moved that this process did not hear about.
    pub fn mark_stale(&self) {
        self.known
            .send_modify(|known| known.stale = known.stale.wrapping_add(1));
        self.tick();
    }

    /// If stale, re-reads the checkpoints with `read` and merges them;
    /// concurrent callers wait for the one read in progress instead of
    /// reading too.
    pub async fn refresh_if_stale<F, Fut, E>(&self, read: F) -> Result<(), E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Vec<(String, u64)>, E>>,
    {
        if !self.known.borrow().is_stale() {
            return Ok(());
        }
        let _single = self.refresh.lock().await;
        let stale = {
            let known = self.known.borrow();
            if !known.is_stale() {
                return Ok(());
            }
            known.stale
        };
        // Read after noting `stale`: a move missed after this point bumps
        // `stale` again and the next waiter reads again.
        let read = read().await?;
        self.known.send_modify(|known| {
            for (key, position) in &read {
                let entry = known.positions.entry(key.clone()).or_insert(0);
                *entry = (*entry).max(*position);
            }
            known.read_at = Some(stale);
        });
        self.tick();
        Ok(())
    }

    fn tick(&self) {
        self.moved
            .send_modify(|count| *count = count.wrapping_add(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_only_grow_and_wake_only_when_they_do() {
        let applied = AppliedPositions::default();
        let mut rx = applied.subscribe();
        applied.advance([("residents", 7)]);
        assert!(rx.has_changed().unwrap_or(false));
        assert_eq!(rx.borrow_and_update().position("residents"), 7);
        applied.advance([("residents", 5)]);
        assert!(!rx.has_changed().unwrap_or(true));
        assert_eq!(rx.borrow().position("residents"), 7);
        assert_eq!(rx.borrow().position("grids"), 0);
    }

    #[tokio::test]
    async fn a_stale_state_is_read_once_and_merged_upwards() {
        let applied = AppliedPositions::default();
        applied.advance([("residents", 9)]);
        assert!(applied.subscribe().borrow().is_stale(), "never read yet");
        let mut reads = 0;
        for _ in 0..3 {
            applied
                .refresh_if_stale(|| {
                    reads += 1;
                    async {
                        Ok::<_, ()>(vec![("residents".to_owned(), 4), ("grids".to_owned(), 3)])
                    }
                })
                .await
                .unwrap_or(());
        }
        assert_eq!(reads, 1);
        let known = applied.subscribe().borrow().clone();
        assert_eq!(known.position("residents"), 9, "never moves back");
        assert_eq!(known.position("grids"), 3);
        applied.mark_stale();
        assert!(applied.subscribe().borrow().is_stale());
    }
}
