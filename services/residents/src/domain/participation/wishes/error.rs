//! Why a wish command is refused, with stable reason codes for
//! `google.rpc.ErrorInfo`.

use super::WishStatus;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WishError {
    #[error("wish already exists")]
    AlreadyExists,
    #[error("wish not found")]
    NotFound,
    #[error("wish belongs to district {actual}, not {given}")]
    WrongDistrict { given: String, actual: String },
    #[error("community {community} is not in district {district}")]
    CommunityOutsideDistrict { community: String, district: String },
    #[error("{field} is required")]
    Required { field: &'static str },
    #[error("{field} has {chars} characters, more than {max}")]
    TooLong {
        field: &'static str,
        chars: usize,
        max: usize,
    },
    #[error("wish is {status:?}, not {expected:?}")]
    WrongStatus {
        status: WishStatus,
        expected: WishStatus,
    },
    #[error("only the claimant may do this")]
    NotClaimant,
    #[error("only the resident who posted the wish may do this")]
    NotPoster,
    #[error("a resident cannot claim their own wish")]
    OwnWish,
}

impl WishError {
    /// Stable reason code for `google.rpc.ErrorInfo`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::AlreadyExists => "WISH_ALREADY_EXISTS",
            Self::NotFound => "WISH_NOT_FOUND",
            Self::WrongDistrict { .. } => "WISH_WRONG_DISTRICT",
            Self::CommunityOutsideDistrict { .. } => "COMMUNITY_OUTSIDE_DISTRICT",
            Self::Required { .. } => "WISH_FIELD_REQUIRED",
            Self::TooLong { .. } => "WISH_FIELD_TOO_LONG",
            Self::WrongStatus { .. } => "WISH_WRONG_STATUS",
            Self::NotClaimant => "WISH_NOT_CLAIMANT",
            Self::NotPoster => "WISH_NOT_POSTER",
            Self::OwnWish => "WISH_OWN_WISH",
        }
    }
}
