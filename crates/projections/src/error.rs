use gongzhi_eventstore::StoreError;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    #[error("projection name {0:?} must be lowercase ascii letters, digits or '_'")]
    BadName(String),
    #[error("projection {0} is not registered")]
    Unknown(String),
    #[error("read model database failed: {0}")]
    Database(#[from] sqlx::Error),
    #[error("read model migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("projection {projection} did not reach position {wanted} within {waited:?}")]
    NotCaughtUp {
        projection: String,
        wanted: u64,
        waited: Duration,
    },
    /// An event a batch lacked, applied from the store, failed: another
    /// replica was handed it and retries or dead-letters it; the batch
    /// waits for that (retryable).
    #[error(
        "projection {projection} waits for event {position}, which failed when taken from the store: {reason}"
    )]
    MissingEventFailed {
        projection: String,
        position: u64,
        reason: String,
    },
    #[error("projection {projection} cannot apply event {event_id}: {reason}")]
    Apply {
        projection: String,
        event_id: String,
        reason: String,
    },
}

impl ProjectionError {
    /// For projections' own `apply` code: an event the read model cannot take.
    pub fn apply(projection: &str, event_id: impl ToString, reason: impl ToString) -> Self {
        Self::Apply {
            projection: projection.to_owned(),
            event_id: event_id.to_string(),
            reason: reason.to_string(),
        }
    }
}
