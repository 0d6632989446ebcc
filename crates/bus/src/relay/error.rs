//! Why a relay pass stopped. Only [`RelayErrorKind::InvalidConfig`] ends
//! [`super::Relay::run`]; every other error is retried from the checkpoint.

use crate::topology::{TopologyError, TopologyErrorKind};
use gongzhi_eventstore::StoreError;
use std::time::Duration;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error("invalid relay configuration: {0}")]
    InvalidConfig(String),
    #[error("event store failed: {0}")]
    Store(#[from] StoreError),
    #[error(transparent)]
    Topology(#[from] TopologyError),
    #[error("failed to read the state of stream {stream}: {reason}")]
    StreamState { stream: String, reason: String },
    #[error("failed to publish event {event_id} at position {position}: {reason}")]
    Publish {
        event_id: Uuid,
        position: u64,
        reason: String,
    },
    #[error("no ack for event {event_id} at position {position} within {timeout:?}")]
    AckTimeout {
        event_id: Uuid,
        position: u64,
        timeout: Duration,
    },
    #[error(
        "stream {stream} is out of step: event at position {position} acked as sequence {sequence} (duplicate: {duplicate}), expected sequence {expected}"
    )]
    OutOfStep {
        stream: String,
        position: u64,
        sequence: u64,
        expected: u64,
        duplicate: bool,
    },
    #[error("the event store subscription ended")]
    SubscriptionEnded,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelayErrorKind {
    InvalidConfig,
    Store,
    /// NATS is unreachable, refused a request, or did not answer in time.
    Nats,
    /// The JetStream stream holds something the relay did not expect; the
    /// relay re-reads the stream's state and resumes.
    OutOfStep,
}

impl RelayError {
    pub fn kind(&self) -> RelayErrorKind {
        match self {
            Self::InvalidConfig(_) => RelayErrorKind::InvalidConfig,
            // Stream settings the servers can never satisfy (replicas
            // without a cluster): retrying would only hide them.
            Self::Topology(error) if error.kind() == TopologyErrorKind::InvalidConfig => {
                RelayErrorKind::InvalidConfig
            }
            Self::Store(_) | Self::SubscriptionEnded => RelayErrorKind::Store,
            Self::Topology(_)
            | Self::StreamState { .. }
            | Self::Publish { .. }
            | Self::AckTimeout { .. } => RelayErrorKind::Nats,
            Self::OutOfStep { .. } => RelayErrorKind::OutOfStep,
        }
    }
}
