//! Why an election command is refused; `reason()` is the stable code for
//! `google.rpc.ErrorInfo`.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ElectionError {
    #[error("election already exists")]
    AlreadyExists,
    #[error("election not found")]
    NotFound,
    #[error("election belongs to district {actual}, not {given}")]
    WrongDistrict { given: String, actual: String },
    #[error("community {community} is not in district {district}")]
    CommunityOutsideDistrict { community: String, district: String },
    #[error("an election needs at least one age group")]
    NoGroups,
    #[error("age group {group_id} is invalid: {problem}")]
    InvalidGroup { group_id: String, problem: String },
    #[error("age groups {first} and {second} overlap")]
    GroupsOverlap { first: String, second: String },
    #[error("an election needs at least one eligible voter")]
    NoEligibleVoters,
    #[error("age group {group_id} not found")]
    GroupNotFound { group_id: String },
    #[error("candidate {candidate_id} is already nominated")]
    AlreadyNominated { candidate_id: String },
    #[error("nominations closed with the first ballot")]
    NominationsClosed,
    #[error("voter {voter_id} cannot vote twice")]
    VotedTwice { voter_id: String },
    #[error("candidate {candidate_id} is not nominated")]
    NotNominated { candidate_id: String },
    #[error("candidate {candidate_id} is named twice on the ballot")]
    CandidateRepeated { candidate_id: String },
    #[error("{chosen} candidates chosen in group {group_id}, which has {seats} seats")]
    TooManyChoices {
        group_id: String,
        chosen: u32,
        seats: u32,
    },
    #[error("all {eligible} eligible voters have already voted")]
    MoreBallotsThanVoters { eligible: u32 },
    #[error("election is closed")]
    Closed,
}

impl ElectionError {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::AlreadyExists => "ELECTION_ALREADY_EXISTS",
            Self::NotFound => "ELECTION_NOT_FOUND",
            Self::WrongDistrict { .. } => "ELECTION_WRONG_DISTRICT",
            Self::CommunityOutsideDistrict { .. } => "COMMUNITY_OUTSIDE_DISTRICT",
            Self::NoGroups => "ELECTION_NO_GROUPS",
            Self::InvalidGroup { .. } => "ELECTION_INVALID_GROUP",
            Self::GroupsOverlap { .. } => "ELECTION_GROUPS_OVERLAP",
            Self::NoEligibleVoters => "ELECTION_NO_ELIGIBLE_VOTERS",
            Self::GroupNotFound { .. } => "ELECTION_GROUP_NOT_FOUND",
            Self::AlreadyNominated { .. } => "ELECTION_ALREADY_NOMINATED",
            Self::NominationsClosed => "ELECTION_NOMINATIONS_CLOSED",
            Self::VotedTwice { .. } => "ELECTION_VOTED_TWICE",
            Self::NotNominated { .. } => "ELECTION_NOT_NOMINATED",
            Self::CandidateRepeated { .. } => "ELECTION_CANDIDATE_REPEATED",
            Self::TooManyChoices { .. } => "ELECTION_TOO_MANY_CHOICES",
            Self::MoreBallotsThanVoters { .. } => "ELECTION_MORE_BALLOTS_THAN_VOTERS",
            Self::Closed => "ELECTION_CLOSED",
        }
    }
}
