//! Why a proposal command is refused, with stable reason codes for
//! `google.rpc.ErrorInfo`.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProposalError {
    #[error("proposal already exists")]
    AlreadyExists,
    #[error("proposal not found")]
    NotFound,
    #[error("proposal belongs to district {actual}, not {given}")]
    WrongDistrict { given: String, actual: String },
    #[error("community {community} is not in district {district}")]
    CommunityOutsideDistrict { community: String, district: String },
    #[error("grid {grid} is not in district {district}")]
    GridOutsideDistrict { grid: String, district: String },
    #[error("{field} is required")]
    Required { field: &'static str },
    #[error("{field} has {chars} characters, more than {max}")]
    TooLong {
        field: &'static str,
        chars: usize,
        max: usize,
    },
    #[error("only a complaint can be a street problem")]
    StreetProblemOnlyForComplaints,
    #[error("proposal already has an owner")]
    AlreadyAssigned,
    #[error("proposal has no owner yet")]
    NotAssigned,
    #[error("the deadline must be after the item was raised")]
    DeadlineNotAfterRaised,
    #[error("resident {resident_id} already supports this item")]
    AlreadySupported { resident_id: String },
    #[error("proposal is already answered")]
    AlreadyAnswered,
    #[error("only the owner or an administrator may answer")]
    NotOwner,
    #[error("proposal has no answer yet")]
    NotAnswered,
    #[error("proposal is closed")]
    Closed,
    #[error("proposal is not past its deadline")]
    NotOverdue,
    #[error("proposal is already flagged overdue")]
    AlreadyFlagged,
}

impl ProposalError {
    /// Stable reason code for `google.rpc.ErrorInfo`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::AlreadyExists => "PROPOSAL_ALREADY_EXISTS",
            Self::NotFound => "PROPOSAL_NOT_FOUND",
            Self::WrongDistrict { .. } => "PROPOSAL_WRONG_DISTRICT",
            Self::CommunityOutsideDistrict { .. } => "COMMUNITY_OUTSIDE_DISTRICT",
            Self::GridOutsideDistrict { .. } => "GRID_OUTSIDE_DISTRICT",
            Self::Required { .. } => "PROPOSAL_FIELD_REQUIRED",
            Self::TooLong { .. } => "PROPOSAL_FIELD_TOO_LONG",
            Self::StreetProblemOnlyForComplaints => "STREET_PROBLEM_ONLY_FOR_COMPLAINTS",
            Self::AlreadyAssigned => "PROPOSAL_ALREADY_ASSIGNED",
            Self::NotAssigned => "PROPOSAL_NOT_ASSIGNED",
            Self::DeadlineNotAfterRaised => "DEADLINE_NOT_AFTER_RAISED",
            Self::AlreadySupported { .. } => "PROPOSAL_ALREADY_SUPPORTED",
            Self::AlreadyAnswered => "PROPOSAL_ALREADY_ANSWERED",
            Self::NotOwner => "PROPOSAL_NOT_OWNER",
            Self::NotAnswered => "PROPOSAL_NOT_ANSWERED",
            Self::Closed => "PROPOSAL_CLOSED",
            Self::NotOverdue => "PROPOSAL_NOT_OVERDUE",
            Self::AlreadyFlagged => "PROPOSAL_ALREADY_FLAGGED_OVERDUE",
        }
    }
}
