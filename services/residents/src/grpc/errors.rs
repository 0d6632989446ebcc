//! Errors of this context mapped once to [`ApiError`].

use crate::app::AppError;
use crate::domain::ResidentError;
use gongzhi_commands::CommandError;
use gongzhi_privacy::PrivacyErrorKind;
use gongzhi_projections::ProjectionError;
use gongzhi_server::ApiError;

pub fn app_error(error: AppError) -> ApiError {
    let mapped = match error {
        AppError::Command(CommandError::Domain(
            ResidentError::NotFound | ResidentError::WrongDistrict { .. },
        ))
        | AppError::NotFound => {
            // A resident of another district is "not found" in this one: the
            // answer must not tell that it exists elsewhere.
            ApiError::not_found("resident not found")
        }
        AppError::Command(CommandError::Domain(rule)) => {
            ApiError::failed_precondition(rule.reason(), rule.to_string(), Vec::new())
        }
        AppError::Command(CommandError::Store(store)) | AppError::Store(store) => store.into(),
        AppError::Command(CommandError::Decode(decode)) => ApiError::internal(&decode),
        AppError::IdNumberAlreadyRegistered => ApiError::failed_precondition(
            "ID_NUMBER_ALREADY_REGISTERED",
            "a resident with this ID number is already registered in the district",
            Vec::new(),
        ),
        AppError::Privacy(privacy) => match privacy.kind() {
            PrivacyErrorKind::SubjectErased => ApiError::failed_precondition(
                "RESIDENT_DATA_ERASED",
                "the resident's personal data was erased; no new personal data may be recorded",
                Vec::new(),
            ),
            PrivacyErrorKind::DistrictMismatch => ApiError::not_found("resident not found"),
            PrivacyErrorKind::Unavailable => {
                ApiError::unavailable("the key store is unavailable, retry later")
            }
            _ => ApiError::internal(&privacy),
        },
        AppError::Projection(ProjectionError::NotCaughtUp { wanted, .. }) => {
            ApiError::deadline_exceeded(format!(
                "the read model has not reached position {wanted} yet; retry the query"
            ))
        }
        AppError::Projection(ProjectionError::Store(store)) => store.into(),
        AppError::Projection(other) => ApiError::internal(&other),
        AppError::Corrupt(reason) => ApiError::internal(&AppError::Corrupt(reason)),
    };
    mapped.in_context("residents")
}

pub fn household_error(error: crate::app::HouseholdAppError) -> ApiError {
    use crate::app::HouseholdAppError;
    use crate::domain::HouseholdError;
    let mapped = match error {
        HouseholdAppError::Command(CommandError::Domain(
            HouseholdError::NotFound | HouseholdError::WrongDistrict { .. },
        ))
        | HouseholdAppError::NotFound => ApiError::not_found("household not found"),
        HouseholdAppError::Command(CommandError::Domain(rule)) => {
            ApiError::failed_precondition(rule.reason(), rule.to_string(), Vec::new())
        }
        HouseholdAppError::Command(CommandError::Store(store)) => store.into(),
        HouseholdAppError::Command(CommandError::Decode(decode)) => ApiError::internal(&decode),
        HouseholdAppError::ResidentNotHere(resident_id) => ApiError::failed_precondition(
            "RESIDENT_NOT_IN_DISTRICT",
            format!("resident {resident_id} does not live in this district"),
            vec![("residentId", resident_id.to_string())],
        ),
        HouseholdAppError::Resident(app) => return app_error(app),
        HouseholdAppError::Projection(ProjectionError::NotCaughtUp { wanted, .. }) => {
            ApiError::deadline_exceeded(format!(
                "the read model has not reached position {wanted} yet; retry the query"
            ))
        }
        HouseholdAppError::Projection(other) => ApiError::internal(&other),
    };
    mapped.in_context("residents")
}

/// Any participation area's error: `what` names the item ("proposal",
/// "meeting") in NOT_FOUND answers.
pub fn participation_error<E: crate::app::RuleError + 'static>(
    error: crate::app::ParticipationError<E>,
    what: &str,
) -> ApiError {
    use crate::app::ParticipationError;
    let mapped = match error {
        ParticipationError::Command(CommandError::Domain(rule)) if rule.hides_existence() => {
            ApiError::not_found(format!("{what} not found"))
        }
        ParticipationError::NotFound(_) => ApiError::not_found(format!("{what} not found")),
        ParticipationError::Command(CommandError::Domain(rule)) => {
            ApiError::failed_precondition(rule.reason(), rule.to_string(), Vec::new())
        }
        ParticipationError::Command(CommandError::Store(store))
        | ParticipationError::Store(store) => store.into(),
        ParticipationError::Command(CommandError::Decode(decode)) => ApiError::internal(&decode),
        ParticipationError::ResidentNotHere(resident_id) => ApiError::failed_precondition(
            "RESIDENT_NOT_IN_DISTRICT",
            format!("resident {resident_id} does not live in this district"),
            vec![("residentId", resident_id.to_string())],
        ),
        ParticipationError::Refused { reason, message } => {
            ApiError::failed_precondition(reason, message, Vec::new())
        }
        ParticipationError::Projection(ProjectionError::NotCaughtUp { wanted, .. }) => {
            ApiError::deadline_exceeded(format!(
                "the read model has not reached position {wanted} yet; retry the query"
            ))
        }
        ParticipationError::Projection(ProjectionError::Store(store)) => store.into(),
        ParticipationError::Projection(other) => ApiError::internal(&other),
        ParticipationError::Privacy(privacy) => match privacy.kind() {
            PrivacyErrorKind::SubjectErased => ApiError::failed_precondition(
                "RESIDENT_DATA_ERASED",
                "the resident's personal data was erased",
                Vec::new(),
            ),
            PrivacyErrorKind::Unavailable => {
                ApiError::unavailable("the key store is unavailable, retry later")
            }
            _ => ApiError::internal(&privacy),
        },
    };
    mapped.in_context("residents")
}
