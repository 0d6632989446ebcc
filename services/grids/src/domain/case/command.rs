//! What a caller may ask of a case. Every command carries the caller's
//! district, checked against the case's own; every time is passed in.
//! Deadlines are computed by the caller on the district's working calendar,
//! so the decider only compares instants.

use super::pb::{CaseSource, CaseStage, CaseUrgency};
use chrono::{DateTime, TimeDelta, Utc};
use gongzhi_kernel::DistrictCode;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct CaseCommand {
    pub district: DistrictCode,
    pub action: CaseAction,
}

/// A new report, as checked by the caller: the category code exists in the
/// district's configuration and the grid exists on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseReport {
    /// UUID of the case; the stream is `case-<case_id>`.
    pub case_id: String,
    /// 15-digit unit grid code in the caller's district.
    pub grid: String,
    /// Category code such as `component/01/02` or `event/03/01`.
    pub category: String,
    pub source: CaseSource,
    pub urgency: CaseUrgency,
    pub description: String,
    /// WGS 84 degrees.
    pub latitude: f64,
    pub longitude: f64,
    /// Grid worker on patrol, resident or hotline operator; empty for sensors.
    pub reported_by: String,
    pub reported_at: DateTime<Utc>,
    pub register_deadline: Option<DateTime<Utc>>,
    /// What raised the case in another context (`residents/proposal/<uuid>`);
    /// empty for reports made to the grids service directly.
    pub origin: String,
}

/// The time limits set when a case is registered (立案).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseDeadlines {
    pub dispatch_by: Option<DateTime<Utc>>,
    pub handle_by: DateTime<Utc>,
    pub close_by: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CaseAction {
    Report(CaseReport),
    Register {
        registered_at: DateTime<Utc>,
        deadlines: CaseDeadlines,
    },
    /// Not a case (不予立案).
    Reject {
        reason: String,
        rejected_at: DateTime<Utc>,
    },
    /// On the duplicate: it merges into `into_case_id` and ends.
    MergeDuplicate {
        into_case_id: String,
        merged_at: DateTime<Utc>,
    },
    /// On the surviving case: it records the duplicate merged into it.
    AbsorbDuplicate {
        duplicate_case_id: String,
        merged_at: DateTime<Utc>,
    },
    Dispatch {
        unit_id: String,
        dispatched_at: DateTime<Utc>,
    },
    /// The dispatched unit is not responsible.
    ReturnByUnit {
        unit_id: String,
        reason: String,
        returned_at: DateTime<Utc>,
    },
    Feedback {
        unit_id: String,
        result: String,
        feedback_at: DateTime<Utc>,
        verify_deadline: Option<DateTime<Utc>>,
    },
    /// On-site verification (核查) of the latest feedback; a failure needs a
    /// note saying what is still wrong.
    Verify {
        passed: bool,
        verifier: String,
        note: String,
        verified_at: DateTime<Utc>,
    },
    Close {
        closed_at: DateTime<Utc>,
    },
    /// Satisfaction from 1 to 5, once, after closing.
    Evaluate {
        rating: u32,
        comment: String,
        evaluated_at: DateTime<Utc>,
    },
    /// To the deferred backlog (挂账).
    Defer {
        reason: String,
        deferred_at: DateTime<Utc>,
    },
    /// Back to registered. New deadlines re-time the case (the old ones
    /// usually passed while it was deferred) and clear the overdue flags of
    /// the dispatch, handle and close stages; without them the old stand.
    Resume {
        resumed_at: DateTime<Utc>,
        deadlines: Option<CaseDeadlines>,
    },
    /// Sent by the system's own deadline watcher.
    FlagOverdue {
        stage: CaseStage,
        now: DateTime<Utc>,
    },
    /// 吹哨: summons units that must acknowledge and arrive within
    /// `respond_within` (the district's setting, 30 minutes by default).
    Summon {
        summon_id: String,
        unit_ids: Vec<String>,
        /// Street or community code that blew the whistle.
        summoned_by: String,
        summoned_at: DateTime<Utc>,
        respond_within: TimeDelta,
    },
    Acknowledge {
        unit_id: String,
        at: DateTime<Utc>,
    },
    ArriveOnSite {
        unit_id: String,
        at: DateTime<Utc>,
    },
    /// Sent by the system when a summoned unit's time to arrive has passed.
    FlagLateSummons {
        unit_id: String,
        now: DateTime<Utc>,
    },
}

/// The name of an action, for errors and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseActionKind {
    Report,
    Register,
    Reject,
    MergeDuplicate,
    AbsorbDuplicate,
    Dispatch,
    ReturnByUnit,
    Feedback,
    Verify,
    Close,
    Evaluate,
    Defer,
    Resume,
    FlagOverdue,
    Summon,
    Acknowledge,
    ArriveOnSite,
    FlagLateSummons,
}

impl CaseAction {
    pub fn kind(&self) -> CaseActionKind {
        match self {
            Self::Report(_) => CaseActionKind::Report,
            Self::Register { .. } => CaseActionKind::Register,
            Self::Reject { .. } => CaseActionKind::Reject,
            Self::MergeDuplicate { .. } => CaseActionKind::MergeDuplicate,
            Self::AbsorbDuplicate { .. } => CaseActionKind::AbsorbDuplicate,
            Self::Dispatch { .. } => CaseActionKind::Dispatch,
            Self::ReturnByUnit { .. } => CaseActionKind::ReturnByUnit,
            Self::Feedback { .. } => CaseActionKind::Feedback,
            Self::Verify { .. } => CaseActionKind::Verify,
            Self::Close { .. } => CaseActionKind::Close,
            Self::Evaluate { .. } => CaseActionKind::Evaluate,
            Self::Defer { .. } => CaseActionKind::Defer,
            Self::Resume { .. } => CaseActionKind::Resume,
            Self::FlagOverdue { .. } => CaseActionKind::FlagOverdue,
            Self::Summon { .. } => CaseActionKind::Summon,
            Self::Acknowledge { .. } => CaseActionKind::Acknowledge,
            Self::ArriveOnSite { .. } => CaseActionKind::ArriveOnSite,
            Self::FlagLateSummons { .. } => CaseActionKind::FlagLateSummons,
        }
    }
}

impl CaseActionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Report => "report",
            Self::Register => "register",
            Self::Reject => "reject",
            Self::MergeDuplicate => "merge duplicate",
            Self::AbsorbDuplicate => "absorb duplicate",
            Self::Dispatch => "dispatch",
            Self::ReturnByUnit => "return by unit",
            Self::Feedback => "feedback",
            Self::Verify => "verify",
            Self::Close => "close",
            Self::Evaluate => "evaluate",
            Self::Defer => "defer",
            Self::Resume => "resume",
            Self::FlagOverdue => "flag overdue",
            Self::Summon => "summon",
            Self::Acknowledge => "acknowledge",
            Self::ArriveOnSite => "arrive on site",
            Self::FlagLateSummons => "flag late summons",
        }
    }
}

impl fmt::Display for CaseActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
