//! The one handler trait that projections and reactions implement, run
//! unchanged by the JetStream [`crate::Consumer`] and by
//! [`crate::InProcessDelivery`]. A handler may see an event more than once
//! (at-least-once delivery); it applies it at most once by keeping its
//! checkpoint in the same transaction as its effect.

use gongzhi_kernel::RecordedEvent;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

#[async_trait::async_trait]
pub trait EventHandler: Send + Sync + 'static {
    /// Stable name, used in logs and dead-letter headers.
    fn name(&self) -> &str;
    async fn handle(&self, event: &RecordedEvent) -> Result<(), HandlerError>;

    /// Handles several events, in order, as one unit (all or none), when the
    /// handler can do that cheaper than one by one (a projection: one
    /// transaction, one commit). `None`: not supported, the caller hands
    /// them to [`EventHandler::handle`] one by one. On `Some(Err)` nothing
    /// was handled and the caller falls back to one by one, which finds the
    /// failing event.
    async fn handle_batch(&self, _events: &[RecordedEvent]) -> Option<Result<(), HandlerError>> {
        None
    }

    /// Called before `event` goes to dead letters (it will not be handled),
    /// so a handler that fills what its deliveries lack from the store (a
    /// projection) leaves it out too. On error the event is not
    /// dead-lettered now but retried later.
    async fn dead_lettered(&self, _event: &RecordedEvent) -> Result<(), HandlerError> {
        Ok(())
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum HandlerError {
    /// Worth another attempt later (a database blip, a lock timeout).
    #[error("retryable handler failure: {0}")]
    Retryable(String),
    /// Will fail the same way every time (the event breaks an invariant the
    /// handler relies on); goes to dead letters without further attempts.
    #[error("permanent handler failure: {0}")]
    Permanent(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandlerErrorKind {
    Retryable,
    Permanent,
}

impl HandlerError {
    pub fn retryable(message: impl Into<String>) -> Self {
        Self::Retryable(message.into())
    }

    pub fn permanent(message: impl Into<String>) -> Self {
        Self::Permanent(message.into())
    }

    pub fn kind(&self) -> HandlerErrorKind {
        match self {
            Self::Retryable(_) => HandlerErrorKind::Retryable,
            Self::Permanent(_) => HandlerErrorKind::Permanent,
        }
    }

    pub fn is_retryable(&self) -> bool {
        self.kind() == HandlerErrorKind::Retryable
    }
}

/// Counters of one delivery loop, shared with whoever turns them into
/// metrics. Cloning shares the counters.
#[derive(Debug, Clone, Default)]
pub struct ConsumerStats {
    inner: Arc<Counters>,
}

#[derive(Debug, Default)]
struct Counters {
    handled: AtomicU64,
    redeliveries: AtomicU64,
    dead_letters: AtomicU64,
    pending: AtomicU64,
}

impl ConsumerStats {
    /// Events the handler accepted.
    pub fn handled(&self) -> u64 {
        self.inner.handled.load(Ordering::Relaxed)
    }

    /// Attempts after the first one, for any event.
    pub fn redeliveries(&self) -> u64 {
        self.inner.redeliveries.load(Ordering::Relaxed)
    }

    /// Events given up on and set aside.
    pub fn dead_letters(&self) -> u64 {
        self.inner.dead_letters.load(Ordering::Relaxed)
    }

    /// Messages the broker still had for this consumer at the last delivery
    /// (JetStream's own count); 0 for in-process delivery, whose backlog is
    /// the projection's lag.
    pub fn pending(&self) -> u64 {
        self.inner.pending.load(Ordering::Relaxed)
    }

    pub(crate) fn set_pending(&self, pending: u64) {
        self.inner.pending.store(pending, Ordering::Relaxed);
    }

    pub(crate) fn count_handled(&self) {
        self.inner.handled.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_redelivery(&self) {
        self.inner.redeliveries.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_dead_letter(&self) {
        self.inner.dead_letters.fetch_add(1, Ordering::Relaxed);
    }
}
