use crate::domain::ResidentError;
use gongzhi_commands::CommandError;
use gongzhi_eventstore::StoreError;
use gongzhi_privacy::PrivacyError;
use gongzhi_projections::ProjectionError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Command(#[from] CommandError<ResidentError>),
    #[error("this ID number is already registered in the district")]
    IdNumberAlreadyRegistered,
    #[error("resident not found")]
    NotFound,
    #[error(transparent)]
    Privacy(#[from] PrivacyError),
    #[error(transparent)]
    Projection(#[from] ProjectionError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("stored personal data is unreadable: {0}")]
    Corrupt(String),
}
