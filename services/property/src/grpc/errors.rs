//! Errors of this context mapped once to [`ApiError`]: domain refusals are
//! FAILED_PRECONDITION with their stable reason; another district's item is
//! NOT_FOUND like a missing one; a lagging read model is DEADLINE_EXCEEDED.

use crate::app::AppError;
use gongzhi_projections::ProjectionError;
use gongzhi_server::ApiError;

pub fn app_error(error: AppError) -> ApiError {
    let mapped = match error {
        AppError::NotFound(what) => ApiError::not_found(format!("{what} not found")),
        AppError::Rule { reason, message } | AppError::Refused { reason, message } => {
            ApiError::failed_precondition(reason, message, Vec::new())
        }
        AppError::Store(store) => store.into(),
        AppError::Decode(decode) => ApiError::internal(&decode),
        AppError::Projection(ProjectionError::NotCaughtUp { wanted, .. }) => {
            ApiError::deadline_exceeded(format!(
                "the read model has not reached position {wanted} yet; retry the query"
            ))
        }
        AppError::Projection(ProjectionError::Store(store)) => store.into(),
        AppError::Projection(other) => ApiError::internal(&other),
    };
    mapped.in_context(crate::CONTEXT)
}

/// Maps an application result into a tonic result.
pub fn grpc<T>(result: Result<T, AppError>) -> Result<T, tonic::Status> {
    result.map_err(|e| app_error(e).into())
}
