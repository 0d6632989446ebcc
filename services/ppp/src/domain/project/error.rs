//! Why a project command is refused, with stable reason codes.

use super::ProjectStage;
use crate::domain::model::ModelError;
use crate::domain::payment::ScheduleError;
use crate::domain::performance::KpiError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectError {
    #[error("project already exists")]
    AlreadyExists,
    #[error("project not found")]
    NotFound,
    #[error("project belongs to district {actual}, not {given}")]
    WrongDistrict { given: String, actual: String },
    #[error("community {community} is not in district {district}")]
    CommunityOutsideDistrict { community: String, district: String },
    #[error("{field} is required")]
    Required { field: &'static str },
    #[error("the project is in {stage:?}; this belongs to {expected:?}")]
    WrongStage {
        stage: ProjectStage,
        expected: ProjectStage,
    },
    #[error("the gate out of {stage:?} needs: {missing}")]
    GateNotPassed {
        stage: ProjectStage,
        missing: &'static str,
    },
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error("the construction cost must be above zero")]
    CostZero,
    #[error("outlays for {year} fall outside the term {first}..{last}")]
    OutlayOutsideTerm { year: i32, first: i32, last: i32 },
    #[error("{percent}% of construction tied to performance, less than {min}%")]
    TooLittleLinked { percent: u32, min: u32 },
    #[error("value for money is not evaluated or did not pass")]
    VfmNotPassed,
    #[error("the residents have not approved the facility in a consultation")]
    ConsultationMissing,
    #[error("the implementation plan is not submitted")]
    PlanMissing,
    #[error("{qualified} qualified bidders; at least 3 are needed")]
    TooFewBidders { qualified: u32 },
    #[error("bidder {0} is not pre-qualified")]
    NotQualified(String),
    #[error("bidder {0} has not bid")]
    NoBid(String),
    #[error("bidder {0} already bid")]
    AlreadyBid(String),
    #[error("{0} is already done")]
    AlreadyDone(&'static str),
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    #[error(transparent)]
    Kpi(#[from] KpiError),
    #[error("period {0} is not in the payment schedule")]
    PeriodNotScheduled(i32),
    #[error("period {0} is already settled")]
    PeriodSettled(i32),
    #[error("KPI {0} is not in the contract")]
    KpiNotInContract(String),
    #[error("the project company and financing come before payments")]
    NotOperating,
    #[error("a mid-term evaluation needs a settled period")]
    NothingToEvaluate,
    #[error("a score is 0 to 100, not {0}")]
    ScoreOutOfRange(u32),
    #[error("BOO keeps the asset: nothing is transferred")]
    NoTransferUnderBoo,
    #[error("a project in {stage:?} cannot be withdrawn: only before its contract is signed")]
    NotWithdrawable { stage: ProjectStage },
}

impl ProjectError {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::AlreadyExists => "PROJECT_ALREADY_EXISTS",
            Self::NotFound => "PROJECT_NOT_FOUND",
            Self::WrongDistrict { .. } => "PROJECT_WRONG_DISTRICT",
            Self::CommunityOutsideDistrict { .. } => "COMMUNITY_OUTSIDE_DISTRICT",
            Self::Required { .. } => "PROJECT_FIELD_REQUIRED",
            Self::WrongStage { .. } => "PROJECT_WRONG_STAGE",
            Self::GateNotPassed { .. } => "PROJECT_GATE_NOT_PASSED",
            Self::Model(ModelError::Term { .. }) => "PROJECT_TERM_OUT_OF_RANGE",
            Self::Model(_) => "PROJECT_MODEL_REQUIRED",
            Self::CostZero => "PROJECT_COST_ZERO",
            Self::OutlayOutsideTerm { .. } => "OUTLAY_OUTSIDE_TERM",
            Self::TooLittleLinked { .. } => "PERFORMANCE_LINKED_SHARE_TOO_LOW",
            Self::VfmNotPassed => "VFM_NOT_PASSED",
            Self::ConsultationMissing => "CONSULTATION_MISSING",
            Self::PlanMissing => "PLAN_MISSING",
            Self::TooFewBidders { .. } => "TOO_FEW_QUALIFIED_BIDDERS",
            Self::NotQualified(_) => "BIDDER_NOT_QUALIFIED",
            Self::NoBid(_) => "BIDDER_HAS_NOT_BID",
            Self::AlreadyBid(_) => "BIDDER_ALREADY_BID",
            Self::AlreadyDone(_) => "PROJECT_STEP_ALREADY_DONE",
            Self::Schedule(e) => e.reason(),
            Self::Kpi(e) => e.reason(),
            Self::PeriodNotScheduled(_) => "PERIOD_NOT_SCHEDULED",
            Self::PeriodSettled(_) => "PERIOD_ALREADY_SETTLED",
            Self::KpiNotInContract(_) => "KPI_NOT_IN_CONTRACT",
            Self::NotOperating => "PROJECT_NOT_OPERATING",
            Self::NothingToEvaluate => "NO_SETTLED_PERIOD",
            Self::ScoreOutOfRange(_) => "SCORE_OUT_OF_RANGE",
            Self::NoTransferUnderBoo => "NO_TRANSFER_UNDER_BOO",
            Self::NotWithdrawable { .. } => "PROJECT_NOT_WITHDRAWABLE",
        }
    }

    pub fn hides_existence(&self) -> bool {
        matches!(self, Self::NotFound | Self::WrongDistrict { .. })
    }
}
