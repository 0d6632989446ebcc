//! What the decider remembers of a case between commands: where it is in the
//! loop, its deadlines and overdue flags, the unit it is dispatched to, the
//! counts the metrics need, and the units summoned to it.

use super::pb::{CaseSource, CaseStage, CaseUrgency};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;
use std::fmt;

#[derive(Debug, Clone, Default, PartialEq)]
pub enum CaseState {
    #[default]
    Absent,
    Present(Box<CaseFacts>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseStatus {
    Reported,
    Registered,
    /// Not a case; final.
    Rejected,
    /// Merged into another case as a duplicate; final.
    Merged,
    Dispatched,
    /// Verification failed; back with the same unit.
    Rework,
    FeedbackGiven,
    Verified,
    Closed,
    /// Closed and rated; final.
    Evaluated,
    /// On the deferred backlog (挂账); its deadlines are suspended.
    Deferred,
}

impl CaseStatus {
    /// Open cases take summons, duplicates and deadlines; closed and final
    /// ones do not.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            Self::Rejected | Self::Merged | Self::Closed | Self::Evaluated
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reported => "reported",
            Self::Registered => "registered",
            Self::Rejected => "rejected",
            Self::Merged => "merged",
            Self::Dispatched => "dispatched",
            Self::Rework => "rework",
            Self::FeedbackGiven => "feedback given",
            Self::Verified => "verified",
            Self::Closed => "closed",
            Self::Evaluated => "evaluated",
            Self::Deferred => "deferred",
        }
    }
}

impl fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The deadline of each stage, once known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StageDeadlines {
    pub register: Option<DateTime<Utc>>,
    pub dispatch: Option<DateTime<Utc>>,
    pub handle: Option<DateTime<Utc>>,
    pub verify: Option<DateTime<Utc>>,
    pub close: Option<DateTime<Utc>>,
}

impl StageDeadlines {
    pub fn of(&self, stage: CaseStage) -> Option<DateTime<Utc>> {
        match stage {
            CaseStage::Unspecified => None,
            CaseStage::Register => self.register,
            CaseStage::Dispatch => self.dispatch,
            CaseStage::Handle => self.handle,
            CaseStage::Verify => self.verify,
            CaseStage::Close => self.close,
        }
    }
}

/// A unit summoned by a whistle (吹哨), attached until the case closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummonedUnit {
    pub unit_id: String,
    pub summon_id: String,
    pub summoned_by: String,
    pub summoned_at: DateTime<Utc>,
    pub respond_by: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_late: bool,
    pub arrived_at: Option<DateTime<Utc>>,
    pub arrived_late: bool,
    /// The system recorded that it had not arrived by `respond_by`.
    pub flagged_late: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CaseFacts {
    pub case_id: String,
    pub district: String,
    pub grid: String,
    pub category: String,
    pub source: CaseSource,
    pub urgency: CaseUrgency,
    pub status: CaseStatus,
    pub deadlines: StageDeadlines,
    pub overdue_stages: BTreeSet<CaseStage>,
    /// Set while dispatched, in rework, and awaiting verification.
    pub dispatched_unit: Option<String>,
    pub return_count: u32,
    pub rework_count: u32,
    pub feedback_count: u32,
    /// The feedback the last passed verification covered.
    pub verified_feedback: Option<u32>,
    pub merged_into: Option<String>,
    pub merged_duplicates: Vec<String>,
    pub summon_ids: Vec<String>,
    pub summoned_units: Vec<SummonedUnit>,
    pub rating: Option<u32>,
}

impl CaseFacts {
    pub fn summoned(&self, unit_id: &str) -> Option<&SummonedUnit> {
        self.summoned_units.iter().find(|u| u.unit_id == unit_id)
    }

    pub(crate) fn summoned_mut(&mut self, unit_id: &str) -> Option<&mut SummonedUnit> {
        self.summoned_units
            .iter_mut()
            .find(|u| u.unit_id == unit_id)
    }

    /// Units summoned to the case and still attached to it: all of them until
    /// the case closes, none after.
    pub fn attached_units(&self) -> Vec<&str> {
        if !self.status.is_open() {
            return Vec::new();
        }
        self.summoned_units
            .iter()
            .map(|u| u.unit_id.as_str())
            .collect()
    }
}
