//! [`ApiError`]: the one error type gRPC adapters return, mapped once to a
//! `tonic::Status` with rich details (`google.rpc.BadRequest` for field
//! violations, `google.rpc.ErrorInfo` for reason codes).
//!
//! Contract: no constructor puts backend text on the wire. [`ApiError::internal`]
//! logs its cause under a fresh error id and sends only that id. ErrorInfo
//! reasons are SCREAMING_SNAKE codes unique in their domain `gongzhi.<ctx>`;
//! metadata keys are lowerCamelCase (AIP-193).

use gongzhi_kernel::ErrorCode;
use std::collections::HashMap;
use tonic_types::{ErrorDetails, StatusExt};
use uuid::Uuid;

/// Domain used until an adapter names its context with [`ApiError::in_context`].
pub const DEFAULT_DOMAIN: &str = "gongzhi";

/// One bad field of a request, as `google.rpc.BadRequest.FieldViolation`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    /// Path to the field in the request, e.g. `request_id` or `notice.title`.
    pub field: String,
    pub description: String,
}

impl FieldViolation {
    pub fn new(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            description: description.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Details {
    None,
    FieldViolations(Vec<FieldViolation>),
    Reason {
        reason: &'static str,
        metadata: HashMap<String, String>,
    },
}

/// Boxed so `Result<T, ApiError>` stays small on the happy path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.message)]
pub struct ApiError(Box<Inner>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Inner {
    code: ErrorCode,
    message: String,
    domain: String,
    details: Details,
}

impl ApiError {
    fn new(code: ErrorCode, message: impl Into<String>, details: Details) -> Self {
        Self(Box::new(Inner {
            code,
            message: message.into(),
            domain: DEFAULT_DOMAIN.to_owned(),
            details,
        }))
    }

    fn with_reason(
        code: ErrorCode,
        reason: &'static str,
        message: impl Into<String>,
        metadata: Vec<(&'static str, String)>,
    ) -> Self {
        let metadata = metadata
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value))
            .collect();
        Self::new(code, message, Details::Reason { reason, metadata })
    }

    /// Malformed input; never used for domain rules.
    pub fn invalid_argument(field_violations: Vec<FieldViolation>) -> Self {
        let message = match field_violations.as_slice() {
            [only] => format!("invalid {}: {}", only.field, only.description),
            many => format!("{} invalid fields", many.len()),
        };
        Self::new(
            ErrorCode::InvalidArgument,
            message,
            Details::FieldViolations(field_violations),
        )
    }

    /// A domain rule refused the command; `reason` is a SCREAMING_SNAKE code
    /// clients match on, e.g. `NOTICE_ALREADY_WITHDRAWN`.
    pub fn failed_precondition(
        reason: &'static str,
        message: impl Into<String>,
        metadata: Vec<(&'static str, String)>,
    ) -> Self {
        Self::with_reason(ErrorCode::FailedPrecondition, reason, message, metadata)
    }

    /// Optimistic concurrency lost (`Aborted`); the client may retry.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message, Details::None)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message, Details::None)
    }

    pub fn already_exists(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::AlreadyExists, message, Details::None)
    }

    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthenticated, message, Details::None)
    }

    pub fn permission_denied(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::PermissionDenied, message, Details::None)
    }

    pub fn deadline_exceeded(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::DeadlineExceeded, message, Details::None)
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unavailable, message, Details::None)
    }

    /// A bug or an unexpected backend failure. The cause is logged with a
    /// fresh error id; the caller sees only the id.
    pub fn internal(cause: &(dyn std::error::Error + 'static)) -> Self {
        let error_id = Uuid::new_v4().to_string();
        tracing::error!(%error_id, error = cause, "internal error");
        Self::with_reason(
            ErrorCode::Internal,
            "INTERNAL",
            format!("internal error, reference {error_id}"),
            vec![("errorId", error_id)],
        )
    }

    /// Names the bounded context: ErrorInfo's domain becomes `gongzhi.<context>`.
    pub fn in_context(mut self, context: &str) -> Self {
        self.0.domain = format!("{DEFAULT_DOMAIN}.{context}");
        self
    }

    /// Adds or replaces one ErrorInfo metadata entry (no-op without a reason).
    pub fn with_metadata(mut self, key: &'static str, value: impl Into<String>) -> Self {
        if let Details::Reason { metadata, .. } = &mut self.0.details {
            metadata.insert(key.to_owned(), value.into());
        }
        self
    }

    pub(crate) fn with_reason_code(
        code: ErrorCode,
        reason: &'static str,
        message: impl Into<String>,
        metadata: Vec<(&'static str, String)>,
    ) -> Self {
        Self::with_reason(code, reason, message, metadata)
    }

    pub fn kind(&self) -> ErrorCode {
        self.0.code
    }

    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The ErrorInfo reason, when the error carries one.
    pub fn reason(&self) -> Option<&'static str> {
        match &self.0.details {
            Details::Reason { reason, .. } => Some(reason),
            _ => None,
        }
    }

    pub fn field_violations(&self) -> &[FieldViolation] {
        match &self.0.details {
            Details::FieldViolations(violations) => violations,
            _ => &[],
        }
    }
}

pub fn grpc_code(code: ErrorCode) -> tonic::Code {
    match code {
        ErrorCode::InvalidArgument => tonic::Code::InvalidArgument,
        ErrorCode::FailedPrecondition => tonic::Code::FailedPrecondition,
        ErrorCode::Conflict => tonic::Code::Aborted,
        ErrorCode::NotFound => tonic::Code::NotFound,
        ErrorCode::AlreadyExists => tonic::Code::AlreadyExists,
        ErrorCode::Unauthenticated => tonic::Code::Unauthenticated,
        ErrorCode::PermissionDenied => tonic::Code::PermissionDenied,
        ErrorCode::DeadlineExceeded => tonic::Code::DeadlineExceeded,
        ErrorCode::Unavailable => tonic::Code::Unavailable,
        ErrorCode::Internal => tonic::Code::Internal,
    }
}

impl From<ApiError> for tonic::Status {
    fn from(error: ApiError) -> Self {
        let Inner {
            code,
            message,
            domain,
            details,
        } = *error.0;
        let code = grpc_code(code);
        match details {
            Details::None => tonic::Status::new(code, message),
            Details::FieldViolations(violations) => {
                let violations = violations
                    .into_iter()
                    .map(|v| tonic_types::FieldViolation::new(v.field, v.description))
                    .collect::<Vec<_>>();
                let details = ErrorDetails::with_bad_request(violations);
                tonic::Status::with_error_details(code, message, details)
            }
            Details::Reason { reason, metadata } => {
                let details = ErrorDetails::with_error_info(reason, domain, metadata);
                tonic::Status::with_error_details(code, message, details)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_violations_round_trip_as_bad_request() {
        let status = tonic::Status::from(ApiError::invalid_argument(vec![
            FieldViolation::new("district", "must be 6 digits"),
            FieldViolation::new("title", "must not be empty"),
        ]));
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        let bad_request = status.get_details_bad_request();
        let fields: Vec<_> = bad_request
            .iter()
            .flat_map(|b| {
                b.field_violations
                    .iter()
                    .map(|v| (v.field.as_str(), v.description.as_str()))
            })
            .collect();
        assert_eq!(
            fields,
            [
                ("district", "must be 6 digits"),
                ("title", "must not be empty")
            ]
        );
    }

    #[test]
    fn single_violation_names_the_field_in_the_message() {
        let error = ApiError::invalid_argument(vec![FieldViolation::new(
            "request_id",
            "must not be empty",
        )]);
        assert_eq!(error.message(), "invalid request_id: must not be empty");
    }

    #[test]
    fn failed_precondition_carries_reason_domain_and_metadata() {
        let error = ApiError::failed_precondition(
            "NOTICE_ALREADY_WITHDRAWN",
            "notice was already withdrawn",
            vec![("noticeId", "n-1".to_owned())],
        )
        .in_context("platform");
        let status = tonic::Status::from(error);
        assert_eq!(status.code(), tonic::Code::FailedPrecondition);
        assert_eq!(status.message(), "notice was already withdrawn");
        let info = status.get_details_error_info();
        assert_eq!(
            info.as_ref().map(|i| i.reason.as_str()),
            Some("NOTICE_ALREADY_WITHDRAWN")
        );
        assert_eq!(
            info.as_ref().map(|i| i.domain.as_str()),
            Some("gongzhi.platform")
        );
        assert_eq!(
            info.as_ref()
                .and_then(|i| i.metadata.get("noticeId"))
                .map(String::as_str),
            Some("n-1")
        );
    }

    #[test]
    fn codes_map_to_grpc() {
        let cases = [
            (ApiError::conflict("lost race"), tonic::Code::Aborted),
            (ApiError::not_found("no notice"), tonic::Code::NotFound),
            (ApiError::already_exists("dup"), tonic::Code::AlreadyExists),
            (
                ApiError::unauthenticated("no token"),
                tonic::Code::Unauthenticated,
            ),
            (
                ApiError::permission_denied("other district"),
                tonic::Code::PermissionDenied,
            ),
            (
                ApiError::deadline_exceeded("projection behind"),
                tonic::Code::DeadlineExceeded,
            ),
            (
                ApiError::unavailable("store down"),
                tonic::Code::Unavailable,
            ),
        ];
        for (error, code) in cases {
            let message = error.message().to_owned();
            let status = tonic::Status::from(error);
            assert_eq!(status.code(), code);
            assert_eq!(status.message(), message);
        }
    }

    #[test]
    fn internal_hides_the_cause() {
        let cause = std::io::Error::other("password authentication failed for user postgres");
        let status = tonic::Status::from(ApiError::internal(&cause));
        assert_eq!(status.code(), tonic::Code::Internal);
        assert!(
            !status.message().contains("password"),
            "{}",
            status.message()
        );
        let info = status.get_details_error_info();
        let error_id = info.as_ref().and_then(|i| i.metadata.get("errorId"));
        assert!(error_id.is_some_and(|id| status.message().contains(id.as_str())));
    }
}
