//! Errors of this context mapped once to [`ApiError`].

use crate::domain::{NoticeError, TextError};
use gongzhi_commands::CommandError;
use gongzhi_projections::ProjectionError;
use gongzhi_server::{ApiError, FieldViolation};

pub fn command_error(error: CommandError<NoticeError>) -> ApiError {
    match error {
        CommandError::Domain(NoticeError::NotFound) => ApiError::not_found("notice not found"),
        CommandError::Domain(rule) => {
            ApiError::failed_precondition(rule.reason(), rule.to_string(), Vec::new())
        }
        CommandError::Store(store) => store.into(),
        CommandError::Decode(decode) => ApiError::internal(&decode),
    }
}

pub fn projection_error(error: ProjectionError) -> ApiError {
    match error {
        ProjectionError::NotCaughtUp { wanted, .. } => ApiError::deadline_exceeded(format!(
            "the read model has not reached position {wanted} yet; retry the query"
        )),
        ProjectionError::Store(store) => store.into(),
        other => ApiError::internal(&other),
    }
}

pub fn text_violation(field: &str, error: TextError) -> FieldViolation {
    FieldViolation::new(field, error.to_string())
}
