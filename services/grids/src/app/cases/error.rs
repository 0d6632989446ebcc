use crate::domain::calendar::WorkingTimeError;
use crate::domain::case::CaseError;
use gongzhi_commands::CommandError;
use gongzhi_eventstore::StoreError;
use gongzhi_projections::ProjectionError;

#[derive(Debug, thiserror::Error)]
pub enum CaseAppError {
    #[error(transparent)]
    Command(#[from] CommandError<CaseError>),
    #[error("case not found")]
    NotFound,
    #[error("category {0} is not in the district's catalogue")]
    UnknownCategory(String),
    #[error("the district's time limits give no handle limit for category {0}")]
    NoHandleLimit(String),
    #[error("deadline cannot be computed: {0}")]
    Deadline(#[from] WorkingTimeError),
    #[error("unit {unit_id} is a provider without a dispatchable contract in force: {why}")]
    NotContracted { unit_id: String, why: String },
    #[error(transparent)]
    Projection(#[from] ProjectionError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseAppErrorKind {
    Refused,
    NotFound,
    UnknownCategory,
    NoHandleLimit,
    Deadline,
    NotContracted,
    Unavailable,
}

impl CaseAppError {
    pub fn kind(&self) -> CaseAppErrorKind {
        match self {
            Self::Command(CommandError::Domain(CaseError::NotFound))
            | Self::Command(CommandError::Domain(CaseError::WrongDistrict { .. }))
            | Self::NotFound => CaseAppErrorKind::NotFound,
            Self::Command(CommandError::Domain(_)) => CaseAppErrorKind::Refused,
            Self::UnknownCategory(_) => CaseAppErrorKind::UnknownCategory,
            Self::NoHandleLimit(_) => CaseAppErrorKind::NoHandleLimit,
            Self::Deadline(_) => CaseAppErrorKind::Deadline,
            Self::NotContracted { .. } => CaseAppErrorKind::NotContracted,
            Self::Command(_) | Self::Projection(_) | Self::Store(_) => {
                CaseAppErrorKind::Unavailable
            }
        }
    }
}
