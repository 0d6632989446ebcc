//! Why the case decider refuses a command. `reason()` is the stable code sent
//! to callers in `google.rpc.ErrorInfo`; never match on the message.

use super::command::CaseActionKind;
use super::pb::CaseStage;
use super::state::CaseStatus;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error("case already exists")]
    AlreadyExists,
    #[error("case not found")]
    NotFound,
    #[error("case belongs to district {actual}, not {given}")]
    WrongDistrict { given: String, actual: String },
    #[error("cannot {action} a case that is {status}")]
    TransitionNotAllowed {
        action: CaseActionKind,
        status: CaseStatus,
    },
    #[error("grid code must be 15 ascii digits, got {grid:?}")]
    InvalidGridCode { grid: String },
    #[error("grid {grid} is not in district {district}")]
    GridOutsideDistrict { grid: String, district: String },
    #[error("a category code is required")]
    CategoryRequired,
    #[error("a report source is required")]
    SourceRequired,
    #[error("an urgency is required")]
    UrgencyRequired,
    #[error("a description is required")]
    DescriptionRequired,
    #[error("a patrol report names the grid worker who made it")]
    ReporterRequired,
    #[error("latitude must be within [-90, 90] and longitude within [-180, 180]")]
    InvalidLocation,
    #[error("the {stage} deadline is not after the time it starts from")]
    DeadlineNotAfterStart { stage: &'static str },
    #[error("a reason is required")]
    ReasonRequired,
    #[error("a unit id is required")]
    UnitRequired,
    #[error("a feedback result is required")]
    ResultRequired,
    #[error("a verifier is required")]
    VerifierRequired,
    #[error("a failed verification needs a note saying what is still wrong")]
    VerificationNoteRequired,
    #[error("unit {unit_id} is not the unit the case is dispatched to")]
    NotTheDispatchedUnit { unit_id: String },
    #[error("a case id is required")]
    CaseIdRequired,
    #[error("a case cannot merge into itself")]
    MergeIntoSelf,
    #[error("case {duplicate_case_id} is already merged into this case")]
    DuplicateAlreadyMerged { duplicate_case_id: String },
    #[error("the verification covers feedback {verified}, not the latest feedback {latest}")]
    VerificationStale { verified: u32, latest: u32 },
    #[error("rating must be from 1 to 5, got {rating}")]
    InvalidRating { rating: u32 },
    #[error("a stage is required")]
    StageRequired,
    #[error("the case has not reached the {} stage", stage_name(*stage))]
    StageNotReached { stage: CaseStage },
    #[error("the case is past the {} stage", stage_name(*stage))]
    StagePassed { stage: CaseStage },
    #[error("the {} stage has no deadline", stage_name(*stage))]
    NoDeadline { stage: CaseStage },
    #[error("the {} deadline has not passed", stage_name(*stage))]
    DeadlineNotPassed { stage: CaseStage },
    #[error("the {} stage is already flagged overdue", stage_name(*stage))]
    AlreadyFlaggedOverdue { stage: CaseStage },
    #[error("a summon id is required")]
    SummonIdRequired,
    #[error("summons {summon_id} already exists")]
    SummonAlreadyExists { summon_id: String },
    #[error("the street or community that summons is required")]
    SummonerRequired,
    #[error("at least one unit must be summoned")]
    UnitsRequired,
    #[error("unit {unit_id} is listed twice")]
    UnitListedTwice { unit_id: String },
    #[error("unit {unit_id} is already summoned to this case")]
    UnitAlreadySummoned { unit_id: String },
    #[error("the time to respond must be positive")]
    InvalidResponseWindow,
    #[error("unit {unit_id} is not summoned to this case")]
    UnitNotSummoned { unit_id: String },
    #[error("the response time is before the summons")]
    BeforeSummons,
    #[error("unit {unit_id} already acknowledged")]
    AlreadyAcknowledged { unit_id: String },
    #[error("unit {unit_id} must acknowledge before arriving")]
    NotAcknowledged { unit_id: String },
    #[error("unit {unit_id} already arrived")]
    AlreadyArrived { unit_id: String },
    #[error("unit {unit_id} still has time to arrive")]
    SummonsNotDue { unit_id: String },
    #[error("unit {unit_id} is already flagged late")]
    AlreadyFlaggedLate { unit_id: String },
}

fn stage_name(stage: CaseStage) -> &'static str {
    match stage {
        CaseStage::Unspecified => "unspecified",
        CaseStage::Register => "register",
        CaseStage::Dispatch => "dispatch",
        CaseStage::Handle => "handle",
        CaseStage::Verify => "verify",
        CaseStage::Close => "close",
    }
}

impl CaseError {
    /// Stable reason code for `google.rpc.ErrorInfo`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::AlreadyExists => "CASE_ALREADY_EXISTS",
            Self::NotFound => "CASE_NOT_FOUND",
            Self::WrongDistrict { .. } => "CASE_WRONG_DISTRICT",
            Self::TransitionNotAllowed { .. } => "CASE_TRANSITION_NOT_ALLOWED",
            Self::InvalidGridCode { .. } => "CASE_INVALID_GRID_CODE",
            Self::GridOutsideDistrict { .. } => "CASE_GRID_OUTSIDE_DISTRICT",
            Self::CategoryRequired => "CASE_CATEGORY_REQUIRED",
            Self::SourceRequired => "CASE_SOURCE_REQUIRED",
            Self::UrgencyRequired => "CASE_URGENCY_REQUIRED",
            Self::DescriptionRequired => "CASE_DESCRIPTION_REQUIRED",
            Self::ReporterRequired => "CASE_REPORTER_REQUIRED",
            Self::InvalidLocation => "CASE_INVALID_LOCATION",
            Self::DeadlineNotAfterStart { .. } => "CASE_DEADLINE_NOT_AFTER_START",
            Self::ReasonRequired => "CASE_REASON_REQUIRED",
            Self::UnitRequired => "CASE_UNIT_REQUIRED",
            Self::ResultRequired => "CASE_RESULT_REQUIRED",
            Self::VerifierRequired => "CASE_VERIFIER_REQUIRED",
            Self::VerificationNoteRequired => "CASE_VERIFICATION_NOTE_REQUIRED",
            Self::NotTheDispatchedUnit { .. } => "CASE_NOT_THE_DISPATCHED_UNIT",
            Self::CaseIdRequired => "CASE_ID_REQUIRED",
            Self::MergeIntoSelf => "CASE_MERGE_INTO_SELF",
            Self::DuplicateAlreadyMerged { .. } => "CASE_DUPLICATE_ALREADY_MERGED",
            Self::VerificationStale { .. } => "CASE_VERIFICATION_STALE",
            Self::InvalidRating { .. } => "CASE_INVALID_RATING",
            Self::StageRequired => "CASE_STAGE_REQUIRED",
            Self::StageNotReached { .. } => "CASE_STAGE_NOT_REACHED",
            Self::StagePassed { .. } => "CASE_STAGE_PASSED",
            Self::NoDeadline { .. } => "CASE_STAGE_NO_DEADLINE",
            Self::DeadlineNotPassed { .. } => "CASE_DEADLINE_NOT_PASSED",
            Self::AlreadyFlaggedOverdue { .. } => "CASE_ALREADY_FLAGGED_OVERDUE",
            Self::SummonIdRequired => "SUMMONS_ID_REQUIRED",
            Self::SummonAlreadyExists { .. } => "SUMMONS_ALREADY_EXISTS",
            Self::SummonerRequired => "SUMMONS_SUMMONER_REQUIRED",
            Self::UnitsRequired => "SUMMONS_UNITS_REQUIRED",
            Self::UnitListedTwice { .. } => "SUMMONS_UNIT_LISTED_TWICE",
            Self::UnitAlreadySummoned { .. } => "SUMMONS_UNIT_ALREADY_SUMMONED",
            Self::InvalidResponseWindow => "SUMMONS_INVALID_RESPONSE_WINDOW",
            Self::UnitNotSummoned { .. } => "SUMMONS_UNIT_NOT_SUMMONED",
            Self::BeforeSummons => "SUMMONS_RESPONSE_BEFORE_SUMMONS",
            Self::AlreadyAcknowledged { .. } => "SUMMONS_ALREADY_ACKNOWLEDGED",
            Self::NotAcknowledged { .. } => "SUMMONS_NOT_ACKNOWLEDGED",
            Self::AlreadyArrived { .. } => "SUMMONS_ALREADY_ARRIVED",
            Self::SummonsNotDue { .. } => "SUMMONS_NOT_DUE",
            Self::AlreadyFlaggedLate { .. } => "SUMMONS_ALREADY_FLAGGED_LATE",
        }
    }
}
