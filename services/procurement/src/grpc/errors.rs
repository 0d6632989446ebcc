//! Errors of this context mapped once to [`ApiError`].

use crate::app::{AppError, RuleError};
use gongzhi_commands::CommandError;
use gongzhi_projections::ProjectionError;
use gongzhi_server::ApiError;
use tonic::Status;

/// `what` names the item ("purchase", "provider") in NOT_FOUND answers.
pub fn app_error<E: RuleError + 'static>(error: AppError<E>, what: &str) -> Status {
    let mapped = match error {
        AppError::Command(CommandError::Domain(rule)) if rule.hides_existence() => {
            ApiError::not_found(format!("{what} not found"))
        }
        AppError::NotFound(_) => ApiError::not_found(format!("{what} not found")),
        AppError::Command(CommandError::Domain(rule)) => {
            ApiError::failed_precondition(rule.reason(), rule.to_string(), Vec::new())
        }
        AppError::Refused { reason, message } => {
            ApiError::failed_precondition(reason, message, Vec::new())
        }
        AppError::Command(CommandError::Store(store)) | AppError::Store(store) => store.into(),
        AppError::Command(CommandError::Decode(decode)) | AppError::Decode(decode) => {
            ApiError::internal(&decode)
        }
        AppError::Projection(ProjectionError::NotCaughtUp { wanted, .. }) => {
            ApiError::deadline_exceeded(format!(
                "the read model has not reached position {wanted} yet; retry the query"
            ))
        }
        AppError::Projection(ProjectionError::Store(store)) => store.into(),
        AppError::Projection(other) => ApiError::internal(&other),
    };
    mapped.in_context(crate::CONTEXT).into()
}
