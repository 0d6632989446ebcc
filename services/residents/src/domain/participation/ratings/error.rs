//! Why a rating is refused, with stable reason codes for
//! `google.rpc.ErrorInfo`.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RatingError {
    #[error("rating already given")]
    AlreadyRated,
    #[error("{field} is required")]
    Required { field: &'static str },
    #[error("stars must be 1 to 5, got {stars}")]
    StarsOutOfRange { stars: u32 },
    #[error("comment has {chars} characters, more than {max}")]
    CommentTooLong { chars: usize, max: usize },
    #[error("community {community} is not in district {district}")]
    CommunityOutsideDistrict { community: String, district: String },
}

impl RatingError {
    /// Stable reason code for `google.rpc.ErrorInfo`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::AlreadyRated => "RATING_ALREADY_GIVEN",
            Self::Required { .. } => "RATING_FIELD_REQUIRED",
            Self::StarsOutOfRange { .. } => "RATING_STARS_OUT_OF_RANGE",
            Self::CommentTooLong { .. } => "RATING_COMMENT_TOO_LONG",
            Self::CommunityOutsideDistrict { .. } => "COMMUNITY_OUTSIDE_DISTRICT",
        }
    }
}
