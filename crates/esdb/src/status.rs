//! Errors as EventStoreDB clients read them: the gRPC code, plus the
//! `exception` metadata they match on for the cases that have one.

use gongzhi_eventstore::{StoreError, StoreErrorKind};
use tonic::Status;
use tonic::metadata::MetadataValue;

/// The metadata key clients read the error kind from.
pub(crate) const EXCEPTION: &str = "exception";

/// `PERMISSION_DENIED` with `exception: access-denied`, which clients turn
/// into their access-denied error (and subscriptions do not retry).
pub(crate) fn access_denied(message: impl Into<String>) -> Status {
    with_exception(Status::permission_denied(message), "access-denied")
}

pub(crate) fn invalid(message: impl Into<String>) -> Status {
    Status::invalid_argument(message)
}

pub(crate) fn too_large(message: impl Into<String>) -> Status {
    with_exception(
        Status::invalid_argument(message),
        "maximum-append-size-exceeded",
    )
}

/// `FAILED_PRECONDITION` with `exception: stream-deleted`, which clients
/// report as a deleted resource.
pub(crate) fn stream_deleted(stream: &str) -> Status {
    with_exception(
        Status::failed_precondition(format!("stream {stream} is deleted for good (tombstoned)")),
        "stream-deleted",
    )
}

/// A delete whose expected revision did not hold.
pub(crate) fn wrong_expected_version(message: impl Into<String>) -> Status {
    with_exception(
        Status::failed_precondition(message),
        "wrong-expected-version",
    )
}

fn with_exception(mut status: Status, exception: &'static str) -> Status {
    status
        .metadata_mut()
        .insert(EXCEPTION, MetadataValue::from_static(exception));
    status
}

/// Store errors that are not part of a call's answer. Backend details stay
/// in the logs, never in the status.
pub(crate) fn from_store(error: &StoreError) -> Status {
    match error.kind() {
        StoreErrorKind::StreamNotFound => Status::not_found(error.to_string()),
        StoreErrorKind::EventTooLarge => too_large(error.to_string()),
        StoreErrorKind::EmptyAppend | StoreErrorKind::InvalidStreamName => {
            invalid(error.to_string())
        }
        StoreErrorKind::EventIdConflict => Status::already_exists(error.to_string()),
        StoreErrorKind::WrongExpectedRevision => with_exception(
            Status::failed_precondition(error.to_string()),
            "wrong-expected-version",
        ),
        StoreErrorKind::Unavailable => {
            tracing::warn!(%error, "event store unavailable");
            Status::unavailable("the event store is unavailable, retry later")
        }
        StoreErrorKind::Corrupt | StoreErrorKind::Backend => {
            tracing::error!(%error, "event store failed");
            Status::internal("the event store failed")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_denied_carries_the_exception_clients_match() {
        let status = access_denied("no");
        assert_eq!(status.code(), tonic::Code::PermissionDenied);
        let exception = status
            .metadata()
            .get(EXCEPTION)
            .and_then(|v| v.to_str().ok());
        assert_eq!(exception, Some("access-denied"));
    }
}
