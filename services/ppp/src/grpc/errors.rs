//! Errors of this context mapped once to [`ApiError`].

use crate::app::AppError;
use gongzhi_commands::CommandError;
use gongzhi_projections::ProjectionError;
use gongzhi_server::ApiError;

pub fn app_error(error: AppError) -> ApiError {
    let mapped = match error {
        AppError::Project(CommandError::Domain(rule)) if rule.hides_existence() => {
            // Another district's project is "not found" here: the answer
            // must not tell that it exists elsewhere.
            ApiError::not_found("project not found")
        }
        AppError::NotFound => ApiError::not_found("project not found"),
        AppError::Project(CommandError::Domain(rule)) => {
            ApiError::failed_precondition(rule.reason(), rule.to_string(), Vec::new())
        }
        AppError::Portfolio(CommandError::Domain(rule)) => {
            ApiError::failed_precondition(rule.reason(), rule.to_string(), Vec::new())
        }
        AppError::MeasuredFromEvents(kpi_id) => ApiError::failed_precondition(
            "KPI_MEASURED_FROM_EVENTS",
            AppError::MeasuredFromEvents(kpi_id.clone()).to_string(),
            vec![("kpiId", kpi_id)],
        ),
        AppError::MotionNotClosed {
            meeting_id,
            motion_id,
        } => ApiError::failed_precondition(
            "MOTION_NOT_CLOSED",
            format!(
                "motion {motion_id} of meeting {meeting_id} has not closed in this district; a consultation cites a closed motion"
            ),
            vec![("meetingId", meeting_id), ("motionId", motion_id)],
        ),
        AppError::Project(CommandError::Store(store))
        | AppError::Portfolio(CommandError::Store(store))
        | AppError::Store(store) => store.into(),
        AppError::Project(CommandError::Decode(decode))
        | AppError::Portfolio(CommandError::Decode(decode)) => ApiError::internal(&decode),
        AppError::Projection(ProjectionError::NotCaughtUp { wanted, .. }) => {
            ApiError::deadline_exceeded(format!(
                "the read model has not reached position {wanted} yet; retry the query"
            ))
        }
        AppError::Projection(ProjectionError::Store(store)) => store.into(),
        AppError::Projection(other) => ApiError::internal(&other),
        AppError::Corrupt(reason) => ApiError::internal(&AppError::Corrupt(reason)),
    };
    mapped.in_context("ppp")
}
