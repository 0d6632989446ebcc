//! A community venture philanthropy round (社区公益创投) as a pure decider
//! over stream `ventureround-<uuid>`.
//!
//! Contract:
//! - the call is open until its deadline; an organisation applies with one
//!   project per round, asking at most the per-project cap;
//! - after the deadline every application is screened; screened-in projects
//!   are reviewed at a pitch (score 0..100); only a pitch that reached the
//!   pass mark is funded, at most the cap and the amount asked, within the
//!   round's budget, in at least two tranches;
//! - tranches are released in order; the last only after a mid-term review
//!   that passed; the final evaluation grades the project A (>= 85),
//!   B (60-84) or C (< 60) (local, [`GradeBands`]) once the mid-term review
//!   is done.

mod decide;
mod state;

pub use decide::VentureRound;
pub use state::{RoundFacts, VentureProject, VentureState};

use chrono::{DateTime, Utc};
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::procurement::v1 as pb;

pub use pb::VentureGrade;

gongzhi_kernel::proto_events! {
    /// Stream `ventureround-<uuid>`.
    pub enum VentureEvent in "gongzhi.procurement.v1" from pb {
        Opened(VentureRoundOpened),
        Applied(VentureProjectApplied),
        Screened(VentureProjectScreened),
        PitchReviewed(VenturePitchReviewed),
        Funded(VentureProjectFunded),
        TrancheReleased(VentureTrancheReleased),
        MidTermReviewed(VentureMidTermReviewed),
        Graded(VentureProjectGraded),
    }
}

/// Grade bands of the final evaluation, and the pass mark of pitch and
/// mid-term reviews. (local) Defaults: A from 85, B from 60.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GradeBands {
    pub a_from: u32,
    pub b_from: u32,
}

impl Default for GradeBands {
    fn default() -> Self {
        Self {
            a_from: 85,
            b_from: 60,
        }
    }
}

impl GradeBands {
    pub fn grade(&self, score: u32) -> VentureGrade {
        if score >= self.a_from {
            VentureGrade::A
        } else if score >= self.b_from {
            VentureGrade::B
        } else {
            VentureGrade::C
        }
    }

    pub fn passes(&self, score: u32) -> bool {
        score >= self.b_from
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum VentureCommand {
    Open {
        round_id: String,
        district: DistrictCode,
        title: String,
        total_budget_fen: u64,
        cap_per_project_fen: u64,
        call_deadline: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    Apply {
        district: DistrictCode,
        project_id: String,
        provider_id: String,
        title: String,
        requested_fen: u64,
        at: DateTime<Utc>,
    },
    Screen {
        district: DistrictCode,
        project_id: String,
        passed: bool,
        reason: String,
        at: DateTime<Utc>,
    },
    ReviewPitch {
        district: DistrictCode,
        project_id: String,
        score: u32,
    },
    Fund {
        district: DistrictCode,
        project_id: String,
        tranches_fen: Vec<u64>,
        bands: GradeBands,
    },
    ReleaseTranche {
        district: DistrictCode,
        project_id: String,
        at: DateTime<Utc>,
    },
    ReviewMidTerm {
        district: DistrictCode,
        project_id: String,
        score: u32,
        bands: GradeBands,
    },
    Grade {
        district: DistrictCode,
        project_id: String,
        score: u32,
        bands: GradeBands,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VentureError {
    #[error("round already exists")]
    AlreadyExists,
    #[error("round not found")]
    NotFound,
    #[error("round belongs to another district")]
    WrongDistrict,
    #[error("{field} is required")]
    Required { field: &'static str },
    #[error("the cap per project must be above zero and at most the round's budget")]
    CapOutOfRange,
    #[error("the call deadline must be after the opening")]
    DeadlineBeforeOpening,
    #[error("the call closed at its deadline")]
    CallClosed,
    #[error("the call is still open")]
    CallOpen,
    #[error("organisation {0} already applied with a project in this round")]
    OrganisationAlreadyApplied(String),
    #[error("project {0} already applied")]
    ProjectExists(String),
    #[error("project {0} is not in this round")]
    UnknownProject(String),
    #[error("a project asks from 1 fen up to the cap of {cap} fen, got {requested}")]
    RequestOutOfRange { requested: u64, cap: u64 },
    #[error("project {0}: {1} is already done")]
    AlreadyDone(String, &'static str),
    #[error("project {0}: {1} comes first")]
    NotYet(String, &'static str),
    #[error("project {0} did not pass screening")]
    ScreenedOut(String),
    #[error("project {project} scored {score} at the pitch, below the pass mark")]
    PitchBelowPassMark { project: String, score: u32 },
    #[error(
        "funding of {amount} fen exceeds the {limit} fen allowed (cap, amount asked, remaining budget)"
    )]
    FundingOverLimit { amount: u64, limit: u64 },
    #[error("funding is paid in at least two tranches, each above zero")]
    Tranches,
    #[error("the last tranche needs a mid-term review that passed")]
    MidTermNotPassed,
    #[error("every tranche is released")]
    AllReleased,
    #[error("a score is 0 to 100, not {0}")]
    ScoreOutOfRange(u32),
}

impl VentureError {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::AlreadyExists => "ROUND_ALREADY_EXISTS",
            Self::NotFound => "ROUND_NOT_FOUND",
            Self::WrongDistrict => "ROUND_WRONG_DISTRICT",
            Self::Required { .. } => "ROUND_FIELD_REQUIRED",
            Self::CapOutOfRange => "CAP_OUT_OF_RANGE",
            Self::DeadlineBeforeOpening => "CALL_DEADLINE_BEFORE_OPENING",
            Self::CallClosed => "CALL_CLOSED",
            Self::CallOpen => "CALL_STILL_OPEN",
            Self::OrganisationAlreadyApplied(_) => "ONE_PROJECT_PER_ORGANISATION",
            Self::ProjectExists(_) => "PROJECT_EXISTS",
            Self::UnknownProject(_) => "PROJECT_NOT_IN_ROUND",
            Self::RequestOutOfRange { .. } => "REQUEST_OVER_CAP",
            Self::AlreadyDone(..) => "PROJECT_STEP_ALREADY_DONE",
            Self::NotYet(..) => "PROJECT_STEP_TOO_EARLY",
            Self::ScreenedOut(_) => "PROJECT_SCREENED_OUT",
            Self::PitchBelowPassMark { .. } => "PITCH_BELOW_PASS_MARK",
            Self::FundingOverLimit { .. } => "FUNDING_OVER_LIMIT",
            Self::Tranches => "TRANCHES_INVALID",
            Self::MidTermNotPassed => "MID_TERM_REVIEW_NOT_PASSED",
            Self::AllReleased => "ALL_TRANCHES_RELEASED",
            Self::ScoreOutOfRange(_) => "SCORE_OUT_OF_RANGE",
        }
    }

    pub fn hides_existence(&self) -> bool {
        matches!(self, Self::NotFound | Self::WrongDistrict)
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is how a test fails"
)]
#[path = "venture/tests.rs"]
mod tests;
