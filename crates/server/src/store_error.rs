//! Event store errors as API errors, matched on the error's variant (its
//! [`StoreError::kind`]) and never on text. Backend text (SQL, connection strings) is logged, not sent.

use crate::error::{ApiError, FieldViolation};
use gongzhi_eventstore::StoreError;
use gongzhi_kernel::ErrorCode;

pub const WRONG_EXPECTED_REVISION: &str = "WRONG_EXPECTED_REVISION";
pub const EVENT_ID_CONFLICT: &str = "EVENT_ID_CONFLICT";

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        // Exhaustive on purpose: a new store error must be given a mapping.
        match &error {
            StoreError::WrongExpectedRevision {
                stream,
                expected,
                actual,
            } => {
                let actual =
                    actual.map_or_else(|| "none".to_owned(), |revision| revision.to_string());
                ApiError::with_reason_code(
                    ErrorCode::Conflict,
                    WRONG_EXPECTED_REVISION,
                    format!("{stream} was changed concurrently, retry the command"),
                    vec![
                        ("stream", stream.to_string()),
                        ("expectedRevision", expected.to_string()),
                        ("actualRevision", actual),
                    ],
                )
            }
            StoreError::StreamNotFound { stream } => {
                ApiError::not_found(format!("{stream} not found"))
            }
            StoreError::EventTooLarge { size, max, .. } => {
                ApiError::invalid_argument(vec![FieldViolation::new(
                    "",
                    format!("the resulting event is {size} bytes, more than the limit of {max}"),
                )])
            }
            StoreError::EventIdConflict {
                event_id,
                stream,
                revision,
            } => ApiError::with_reason_code(
                ErrorCode::AlreadyExists,
                EVENT_ID_CONFLICT,
                "this request_id was already used for a different command",
                vec![
                    ("eventId", event_id.to_string()),
                    ("stream", stream.to_string()),
                    ("revision", revision.to_string()),
                ],
            ),
            StoreError::InvalidStreamName(name_error) => {
                ApiError::invalid_argument(vec![FieldViolation::new("", name_error.to_string())])
            }
            StoreError::Unavailable(_) => {
                tracing::warn!(%error, "event store unavailable");
                ApiError::unavailable("event store unavailable, retry later")
            }
            // An empty append is a bug in the caller, not bad input.
            StoreError::EmptyAppend | StoreError::Corrupt(_) | StoreError::Backend(_) => {
                ApiError::internal(&error)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongzhi_eventstore::{ExpectedRevision, StreamName};
    use tonic_types::StatusExt;

    fn stream() -> StreamName {
        StreamName::parse("notice-1").unwrap_or_else(|error| panic!("valid stream name: {error}"))
    }

    #[test]
    fn wrong_expected_revision_is_aborted_with_actual_revision() {
        let error = StoreError::WrongExpectedRevision {
            stream: stream(),
            expected: ExpectedRevision::Exact(2),
            actual: Some(5),
        };
        let status = tonic::Status::from(ApiError::from(error));
        assert_eq!(status.code(), tonic::Code::Aborted);
        let info = status.get_details_error_info();
        assert_eq!(
            info.as_ref().map(|i| i.reason.as_str()),
            Some(WRONG_EXPECTED_REVISION)
        );
        let metadata = info.map(|i| i.metadata).unwrap_or_default();
        assert_eq!(
            metadata.get("actualRevision").map(String::as_str),
            Some("5")
        );
        assert_eq!(
            metadata.get("expectedRevision").map(String::as_str),
            Some("2")
        );
    }

    #[test]
    fn missing_stream_has_no_actual_revision() {
        let error = StoreError::WrongExpectedRevision {
            stream: stream(),
            expected: ExpectedRevision::StreamExists,
            actual: None,
        };
        let info = tonic::Status::from(ApiError::from(error)).get_details_error_info();
        assert_eq!(
            info.and_then(|i| i.metadata.get("actualRevision").cloned())
                .as_deref(),
            Some("none")
        );
    }

    #[test]
    fn other_kinds_map_to_their_codes() {
        let cases = [
            (
                StoreError::StreamNotFound { stream: stream() },
                tonic::Code::NotFound,
            ),
            (
                StoreError::EventTooLarge {
                    event_id: uuid::Uuid::nil(),
                    size: 10,
                    max: 5,
                },
                tonic::Code::InvalidArgument,
            ),
            (
                StoreError::Unavailable(sqlx_error()),
                tonic::Code::Unavailable,
            ),
            (StoreError::Backend(sqlx_error()), tonic::Code::Internal),
            (
                StoreError::Corrupt("bad json at offset 3".into()),
                tonic::Code::Internal,
            ),
        ];
        for (error, code) in cases {
            let status = tonic::Status::from(ApiError::from(error));
            assert_eq!(status.code(), code, "{}", status.message());
        }
    }

    #[test]
    fn backend_text_never_reaches_the_caller() {
        let status = tonic::Status::from(ApiError::from(StoreError::Backend(sqlx_error())));
        assert!(
            !status.message().contains("secret-host"),
            "{}",
            status.message()
        );
        let status = tonic::Status::from(ApiError::from(StoreError::Unavailable(sqlx_error())));
        assert!(
            !status.message().contains("secret-host"),
            "{}",
            status.message()
        );
    }

    fn sqlx_error() -> sqlx::Error {
        sqlx::Error::Configuration("cannot reach secret-host:5432".into())
    }
}
