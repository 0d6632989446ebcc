//! Why an assembly command is refused, with stable reason codes.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssemblyError {
    #[error("assembly already exists")]
    AlreadyExists,
    #[error("assembly not found")]
    NotFound,
    #[error("assembly belongs to district {actual}, not {given}")]
    WrongDistrict { given: String, actual: String },
    #[error("{field} is required")]
    Required { field: &'static str },
    #[error("an assembly is announced at least 15 days ahead, this one {days} days")]
    NoticeTooShort { days: i64 },
    #[error("an assembly decides at least one matter")]
    NoMatters,
    #[error("matter {0} appears twice")]
    DuplicateMatter(String),
    #[error("matter {0} not found")]
    MatterNotFound(String),
    #[error("the roll is empty")]
    EmptyRoll,
    #[error("{0} is not on the roll of this assembly")]
    NotOnRoll(String),
    #[error("{head} already cast a ballot on matter {matter_id}")]
    SecondBallot { head: String, matter_id: String },
    #[error("the assembly is closed")]
    Closed,
}

impl AssemblyError {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::AlreadyExists => "ASSEMBLY_ALREADY_EXISTS",
            Self::NotFound => "ASSEMBLY_NOT_FOUND",
            Self::WrongDistrict { .. } => "ASSEMBLY_WRONG_DISTRICT",
            Self::Required { .. } => "ASSEMBLY_FIELD_REQUIRED",
            Self::NoticeTooShort { .. } => "ASSEMBLY_NOTICE_TOO_SHORT",
            Self::NoMatters => "ASSEMBLY_NO_MATTERS",
            Self::DuplicateMatter(_) => "ASSEMBLY_DUPLICATE_MATTER",
            Self::MatterNotFound(_) => "MATTER_NOT_FOUND",
            Self::EmptyRoll => "ASSEMBLY_EMPTY_ROLL",
            Self::NotOnRoll(_) => "OWNER_NOT_ON_ROLL",
            Self::SecondBallot { .. } => "BALLOT_ALREADY_CAST",
            Self::Closed => "ASSEMBLY_CLOSED",
        }
    }

    pub fn hides_existence(&self) -> bool {
        matches!(self, Self::NotFound | Self::WrongDistrict { .. })
    }
}
