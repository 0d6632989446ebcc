//! Why the grid aggregate refused a command, with a stable reason code for
//! `google.rpc.ErrorInfo`.

use super::{Duty, GeoError};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GridError {
    #[error("grid already defined")]
    AlreadyDefined,
    #[error("grid not found")]
    NotFound,
    #[error("grid belongs to district {actual}, not {given}")]
    WrongDistrict { given: String, actual: String },
    #[error("grid {code} is not in district {district}")]
    CodeOutsideDistrict { code: String, district: String },
    #[error("grid {code} is not in community {community}")]
    CodeOutsideCommunity { code: String, community: String },
    #[error("a grid name is required")]
    NameRequired,
    #[error("boundary is invalid: {0}")]
    InvalidBoundary(#[from] GeoError),
    #[error("a grid carries at least one duty")]
    NoDuty,
    #[error("duty must be specified")]
    DutyUnspecified,
    #[error("a worker id is required")]
    WorkerRequired,
    #[error("grid does not carry duty {}", label(*.duty))]
    DutyNotCarried { duty: Duty },
    #[error("worker {worker_id} is already assigned to duty {}", label(*.duty))]
    AlreadyAssigned { worker_id: String, duty: Duty },
    #[error("worker {worker_id} is not assigned to duty {}", label(*.duty))]
    NotAssigned { worker_id: String, duty: Duty },
    #[error("a reason for retiring the grid is required")]
    ReasonRequired,
    #[error("grid is retired and takes no further changes")]
    Retired,
}

impl GridError {
    /// Stable reason code for `google.rpc.ErrorInfo`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::AlreadyDefined => "GRID_ALREADY_DEFINED",
            Self::NotFound => "GRID_NOT_FOUND",
            Self::WrongDistrict { .. } => "GRID_WRONG_DISTRICT",
            Self::CodeOutsideDistrict { .. } => "GRID_OUTSIDE_DISTRICT",
            Self::CodeOutsideCommunity { .. } => "GRID_OUTSIDE_COMMUNITY",
            Self::NameRequired => "GRID_NAME_REQUIRED",
            Self::InvalidBoundary(_) => "GRID_BOUNDARY_INVALID",
            Self::NoDuty => "GRID_DUTY_REQUIRED",
            Self::DutyUnspecified => "DUTY_UNSPECIFIED",
            Self::WorkerRequired => "WORKER_REQUIRED",
            Self::DutyNotCarried { .. } => "GRID_DUTY_NOT_CARRIED",
            Self::AlreadyAssigned { .. } => "WORKER_ALREADY_ASSIGNED",
            Self::NotAssigned { .. } => "WORKER_NOT_ASSIGNED",
            Self::ReasonRequired => "GRID_RETIRE_REASON_REQUIRED",
            Self::Retired => "GRID_RETIRED",
        }
    }
}

/// Lowercase name of a duty for messages.
fn label(duty: Duty) -> &'static str {
    match duty {
        Duty::Unspecified => "unspecified",
        Duty::Safety => "safety",
        Duty::Sanitation => "sanitation",
        Duty::Population => "population",
        Duty::Services => "services",
        Duty::PartyBuilding => "party building",
        Duty::Other => "other",
    }
}
