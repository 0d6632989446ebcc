//! Why a purchase command is refused, with stable reason codes.

use super::{Phase, PurchaseMethod};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PurchaseError {
    #[error("purchase already exists")]
    AlreadyExists,
    #[error("purchase not found")]
    NotFound,
    #[error("purchase belongs to another district")]
    WrongDistrict,
    #[error("{field} is required")]
    Required { field: &'static str },
    #[error("the purchase is {phase:?}; this needs it {expected}")]
    WrongPhase {
        phase: Phase,
        expected: &'static str,
    },
    #[error("the budget must be from 1 fen to {max} fen")]
    BudgetOutOfRange { max: u64 },
    #[error("{method:?} needs a justification")]
    JustificationMissing { method: PurchaseMethod },
    #[error("{method:?} invites from {min} to {max} providers, got {given}")]
    InvitedCount {
        method: PurchaseMethod,
        min: usize,
        max: usize,
        given: usize,
    },
    #[error("an open tender names no providers in advance")]
    OpenTenderInvites,
    #[error("provider {0} is invited twice")]
    InvitedTwice(String),
    #[error("the price weight of a comprehensive scoring is {min} to {max}, got {given}")]
    PriceWeight { min: u32, max: u32, given: u32 },
    #[error("{method:?} compares prices only: price weight 100 and no criteria")]
    LowestPriceOnly { method: PurchaseMethod },
    #[error("comprehensive scoring needs at least one quality criterion")]
    NoCriteria,
    #[error("weights add up to {0}, not 100")]
    WeightsNot100(u32),
    #[error("criterion {0} is named twice")]
    CriterionTwice(String),
    #[error("the bid deadline must be at least {days} days after publication")]
    DeadlineTooSoon { days: i64 },
    #[error("the bid deadline has passed")]
    DeadlinePassed,
    #[error("the bid deadline has not passed yet")]
    DeadlineNotPassed,
    #[error("provider {0} was not invited to this purchase")]
    NotInvited(String),
    #[error("provider {0} already bid; a provider bids once")]
    AlreadyBid(String),
    #[error("a bid must be above zero and at most the budget of {budget} fen, got {price}")]
    PriceOutOfRange { price: u64, budget: u64 },
    #[error("provider {0} has not bid")]
    NoBid(String),
    #[error("the qualification of provider {0} is already reviewed")]
    AlreadyReviewed(String),
    #[error("the qualification of provider {0} is not reviewed yet")]
    NotReviewed(String),
    #[error("{qualified} qualified bids; at least {min} are needed")]
    TooFewQualifiedBids { qualified: usize, min: usize },
    #[error("scores are given for qualified bids only and for each of them: {0}")]
    ScoresMismatch(String),
    #[error("a score is 0 to 100, not {0}")]
    ScoreOutOfRange(u32),
    #[error("provider {0} is not qualified")]
    NotQualified(String),
    #[error("provider {0} was excluded after an upheld challenge")]
    Excluded(String),
    #[error("provider {provider} is not ranked first; {first} is")]
    NotFirstRanked { provider: String, first: String },
    #[error("the standstill ended; challenges are no longer received")]
    StandstillOver,
    #[error("the standstill has not ended; the contract waits")]
    StandstillRunning,
    #[error("a challenge is pending")]
    ChallengePending,
    #[error("no challenge is pending")]
    NoChallenge,
    #[error("the term is 1 to {max} months, got {given}")]
    TermTooLong { given: u32, max: u32 },
    #[error("a contract needs at least one milestone")]
    NoMilestones,
    #[error("milestone {0} is named twice")]
    MilestoneTwice(String),
    #[error("milestone payments add up to {sum} fen, not the awarded {awarded} fen")]
    PaymentsNotAwarded { sum: u64, awarded: u64 },
    #[error("milestone {0} falls outside the contract term")]
    MilestoneOutsideTerm(String),
    #[error("milestone {0} is not in the contract")]
    UnknownMilestone(String),
    #[error("milestone {0} is already delivered")]
    AlreadyDelivered(String),
    #[error("the last monitoring of milestone {0} found problems")]
    MonitoringUnsatisfactory(String),
    #[error("milestone {0} is not delivered")]
    NotDelivered(String),
    #[error("milestone {0} is already paid")]
    AlreadyPaid(String),
    #[error("the contract is already evaluated")]
    AlreadyEvaluated,
    #[error("the evaluation waits until every milestone is delivered")]
    EvaluationTooEarly,
    #[error("the evaluator must be the buyer or a named third party")]
    EvaluatorRequired,
    #[error("the final payment needs an evaluation")]
    NotEvaluated,
    #[error("the evaluation scored {score}, below the pass mark: no final payment")]
    EvaluationFailed { score: u32 },
}

impl PurchaseError {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::AlreadyExists => "PURCHASE_ALREADY_EXISTS",
            Self::NotFound => "PURCHASE_NOT_FOUND",
            Self::WrongDistrict => "PURCHASE_WRONG_DISTRICT",
            Self::Required { .. } => "PURCHASE_FIELD_REQUIRED",
            Self::WrongPhase { .. } => "PURCHASE_WRONG_PHASE",
            Self::BudgetOutOfRange { .. } => "BUDGET_OUT_OF_RANGE",
            Self::JustificationMissing { .. } => "JUSTIFICATION_MISSING",
            Self::InvitedCount { .. } => "INVITED_PROVIDER_COUNT",
            Self::OpenTenderInvites => "OPEN_TENDER_NAMES_NO_PROVIDERS",
            Self::InvitedTwice(_) => "PROVIDER_INVITED_TWICE",
            Self::PriceWeight { .. } => "PRICE_WEIGHT_OUT_OF_RANGE",
            Self::LowestPriceOnly { .. } => "LOWEST_PRICE_METHOD",
            Self::NoCriteria => "NO_QUALITY_CRITERIA",
            Self::WeightsNot100(_) => "WEIGHTS_NOT_100",
            Self::CriterionTwice(_) => "CRITERION_TWICE",
            Self::DeadlineTooSoon { .. } => "BID_DEADLINE_TOO_SOON",
            Self::DeadlinePassed => "BID_AFTER_DEADLINE",
            Self::DeadlineNotPassed => "BID_DEADLINE_NOT_PASSED",
            Self::NotInvited(_) => "PROVIDER_NOT_INVITED",
            Self::AlreadyBid(_) => "PROVIDER_ALREADY_BID",
            Self::PriceOutOfRange { .. } => "BID_PRICE_OUT_OF_RANGE",
            Self::NoBid(_) => "PROVIDER_HAS_NOT_BID",
            Self::AlreadyReviewed(_) => "QUALIFICATION_ALREADY_REVIEWED",
            Self::NotReviewed(_) => "QUALIFICATION_NOT_REVIEWED",
            Self::TooFewQualifiedBids { .. } => "TOO_FEW_QUALIFIED_BIDS",
            Self::ScoresMismatch(_) => "SCORES_DO_NOT_MATCH_BIDS",
            Self::ScoreOutOfRange(_) => "SCORE_OUT_OF_RANGE",
            Self::NotQualified(_) => "BIDDER_NOT_QUALIFIED",
            Self::Excluded(_) => "BIDDER_EXCLUDED",
            Self::NotFirstRanked { .. } => "BIDDER_NOT_FIRST_RANKED",
            Self::StandstillOver => "STANDSTILL_OVER",
            Self::StandstillRunning => "STANDSTILL_RUNNING",
            Self::ChallengePending => "CHALLENGE_PENDING",
            Self::NoChallenge => "NO_CHALLENGE_PENDING",
            Self::TermTooLong { .. } => "CONTRACT_TERM_TOO_LONG",
            Self::NoMilestones => "NO_MILESTONES",
            Self::MilestoneTwice(_) => "MILESTONE_TWICE",
            Self::PaymentsNotAwarded { .. } => "PAYMENTS_NOT_AWARDED_PRICE",
            Self::MilestoneOutsideTerm(_) => "MILESTONE_OUTSIDE_TERM",
            Self::UnknownMilestone(_) => "MILESTONE_NOT_IN_CONTRACT",
            Self::AlreadyDelivered(_) => "MILESTONE_ALREADY_DELIVERED",
            Self::MonitoringUnsatisfactory(_) => "MONITORING_UNSATISFACTORY",
            Self::NotDelivered(_) => "MILESTONE_NOT_DELIVERED",
            Self::AlreadyPaid(_) => "MILESTONE_ALREADY_PAID",
            Self::AlreadyEvaluated => "ALREADY_EVALUATED",
            Self::EvaluationTooEarly => "EVALUATION_TOO_EARLY",
            Self::EvaluatorRequired => "EVALUATOR_REQUIRED",
            Self::NotEvaluated => "FINAL_PAYMENT_NEEDS_EVALUATION",
            Self::EvaluationFailed { .. } => "EVALUATION_BELOW_PASS_MARK",
        }
    }

    pub fn hides_existence(&self) -> bool {
        matches!(self, Self::NotFound | Self::WrongDistrict)
    }
}
