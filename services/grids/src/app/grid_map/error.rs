//! Why a grid map command or query failed.

use crate::domain::geo::GridError;
use gongzhi_commands::CommandError;
use gongzhi_eventstore::StoreError;
use gongzhi_projections::ProjectionError;

#[derive(Debug, thiserror::Error)]
pub enum GridMapError {
    /// Refused by the grid aggregate, or the store failed while running it.
    #[error(transparent)]
    Command(#[from] CommandError<GridError>),
    /// No such grid in the read model of this district.
    #[error("grid not found")]
    NotFound,
    #[error(transparent)]
    Projection(#[from] ProjectionError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What kind of failure a [`GridMapError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GridMapErrorKind {
    Refused,
    NotFound,
    Unavailable,
}

impl GridMapError {
    pub fn kind(&self) -> GridMapErrorKind {
        match self {
            Self::Command(CommandError::Domain(GridError::NotFound))
            | Self::Command(CommandError::Domain(GridError::WrongDistrict { .. }))
            | Self::NotFound => GridMapErrorKind::NotFound,
            Self::Command(CommandError::Domain(_)) => GridMapErrorKind::Refused,
            Self::Command(_) | Self::Projection(_) | Self::Store(_) => {
                GridMapErrorKind::Unavailable
            }
        }
    }
}
