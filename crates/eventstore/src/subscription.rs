//! The catch-up subscription shared by both backends.
//!
//! Contract: yields every event after `after` that matches the filter, in
//! position order, each exactly once, then live events as they commit. It
//! reads `$all` page by page ([`PAGE_SIZE`]) while pages come back full; once
//! a page comes back short it waits on a [`NewEvents`] signal and reads again.
//! The signal is armed BEFORE each read, so a commit that lands between the
//! read and the wait still wakes the wait: no gap at the switch to live, and
//! no busy polling. Because `$all` positions are assigned in commit order,
//! reading "after the last position seen" never skips an event.
//!
//! The stream ends after yielding the first error. Dropping it cancels it:
//! nothing is spawned, so nothing outlives it (the PostgreSQL listener
//! returns its connection to the pool on drop).

use crate::{AllFilter, EventStore, EventSubscription, RecordedEvent, StoreError};
use std::collections::VecDeque;

pub(crate) const PAGE_SIZE: usize = 500;

/// A source of "something may have been committed" wake-ups.
#[async_trait::async_trait]
pub(crate) trait NewEvents: Send + 'static {
    /// After this returns, any commit makes the next [`NewEvents::wait`]
    /// return. Called before every read of `$all`.
    async fn arm(&mut self) -> Result<(), StoreError>;

    /// Waits until something may have been committed since the last `arm`.
    /// Spurious wake-ups are fine (the loop re-reads); missed ones are not.
    async fn wait(&mut self) -> Result<(), StoreError>;
}

struct CatchUp<S, N> {
    store: S,
    signal: N,
    filter: AllFilter,
    after: u64,
    buffer: VecDeque<RecordedEvent>,
    /// The last read filled a whole page: read on without waiting.
    behind: bool,
    finished: bool,
}

/// Builds the subscription over a store handle and its wake-up source.
pub(crate) fn catch_up<S, N>(
    store: S,
    signal: N,
    after: u64,
    filter: AllFilter,
) -> EventSubscription
where
    S: EventStore,
    N: NewEvents,
{
    let state = CatchUp {
        store,
        signal,
        filter,
        after,
        buffer: VecDeque::new(),
        behind: true,
        finished: false,
    };
    Box::pin(futures::stream::unfold(state, |mut state| async move {
        let item = state.next().await?;
        Some((item, state))
    }))
}

impl<S: EventStore, N: NewEvents> CatchUp<S, N> {
    async fn next(&mut self) -> Option<Result<RecordedEvent, StoreError>> {
        loop {
            if let Some(event) = self.buffer.pop_front() {
                self.after = event.position;
                return Some(Ok(event));
            }
            if self.finished {
                return None;
            }
            if let Err(error) = self.refill().await {
                self.finished = true;
                return Some(Err(error));
            }
        }
    }

    async fn refill(&mut self) -> Result<(), StoreError> {
        if !self.behind {
            self.signal.wait().await?;
        }
        self.signal.arm().await?;
        let page = self
            .store
            .read_all(self.after, &self.filter, PAGE_SIZE)
            .await?;
        self.behind = page.len() == PAGE_SIZE;
        self.buffer.extend(page);
        Ok(())
    }
}
