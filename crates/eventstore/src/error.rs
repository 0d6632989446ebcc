//! Typed store errors. Callers match on [`StoreError::kind`], never on text;
//! backend errors are mapped here, at the store boundary.

use gongzhi_kernel::{ErrorCode, ExpectedRevision, StreamName, StreamNameError};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("wrong expected revision on {stream}: expected {expected}, actual {}", actual.map_or("no stream".to_owned(), |r| r.to_string()))]
    WrongExpectedRevision {
        stream: StreamName,
        expected: ExpectedRevision,
        /// `None` when the stream does not exist.
        actual: Option<u64>,
    },
    #[error("stream {stream} not found")]
    StreamNotFound { stream: StreamName },
    #[error("event {event_id} is {size} bytes, more than the limit of {max}")]
    EventTooLarge {
        event_id: Uuid,
        size: usize,
        max: usize,
    },
    #[error(
        "event id {event_id} is already stored in {stream} at revision {revision}, not where this append would put it"
    )]
    EventIdConflict {
        event_id: Uuid,
        stream: StreamName,
        revision: u64,
    },
    #[error("an append needs at least one event")]
    EmptyAppend,
    #[error(transparent)]
    InvalidStreamName(#[from] StreamNameError),
    #[error("stored event is unreadable: {0}")]
    Corrupt(String),
    #[error("event store backend unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    #[error("event store backend failed: {0}")]
    Backend(#[source] sqlx::Error),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreErrorKind {
    WrongExpectedRevision,
    StreamNotFound,
    EventTooLarge,
    EventIdConflict,
    EmptyAppend,
    InvalidStreamName,
    Corrupt,
    Unavailable,
    Backend,
}

impl StoreError {
    pub fn kind(&self) -> StoreErrorKind {
        match self {
            Self::WrongExpectedRevision { .. } => StoreErrorKind::WrongExpectedRevision,
            Self::StreamNotFound { .. } => StoreErrorKind::StreamNotFound,
            Self::EventTooLarge { .. } => StoreErrorKind::EventTooLarge,
            Self::EventIdConflict { .. } => StoreErrorKind::EventIdConflict,
            Self::EmptyAppend => StoreErrorKind::EmptyAppend,
            Self::InvalidStreamName(_) => StoreErrorKind::InvalidStreamName,
            Self::Corrupt(_) => StoreErrorKind::Corrupt,
            Self::Unavailable(_) => StoreErrorKind::Unavailable,
            Self::Backend(_) => StoreErrorKind::Backend,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self.kind() {
            StoreErrorKind::WrongExpectedRevision => ErrorCode::Conflict,
            StoreErrorKind::StreamNotFound => ErrorCode::NotFound,
            StoreErrorKind::EventTooLarge
            | StoreErrorKind::EmptyAppend
            | StoreErrorKind::InvalidStreamName => ErrorCode::InvalidArgument,
            StoreErrorKind::EventIdConflict => ErrorCode::AlreadyExists,
            StoreErrorKind::Unavailable => ErrorCode::Unavailable,
            StoreErrorKind::Corrupt | StoreErrorKind::Backend => ErrorCode::Internal,
        }
    }

    /// Maps a sqlx error: lost connections are `Unavailable` (retryable), the
    /// rest `Backend`.
    pub fn from_sqlx(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => {
                Self::Unavailable(error)
            }
            other => Self::Backend(other),
        }
    }
}
