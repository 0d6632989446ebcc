use crate::domain::portfolio::PortfolioError;
use crate::domain::project::ProjectError;
use gongzhi_commands::CommandError;
use gongzhi_eventstore::StoreError;
use gongzhi_projections::ProjectionError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Project(#[from] CommandError<ProjectError>),
    #[error(transparent)]
    Portfolio(#[from] CommandError<PortfolioError>),
    #[error("project not found")]
    NotFound,
    #[error("KPI {0} is measured from residents' ratings or grid cases, not given")]
    MeasuredFromEvents(String),
    #[error("motion {motion_id} of meeting {meeting_id} has not closed in this district")]
    MotionNotClosed {
        meeting_id: String,
        motion_id: String,
    },
    #[error(transparent)]
    Projection(#[from] ProjectionError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        Self::Projection(ProjectionError::from(error))
    }
}
