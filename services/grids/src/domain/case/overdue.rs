//! Overdue flags, raised by the system's own deadline watcher: one per stage
//! at most, only once the stage's deadline has passed and while the case is
//! still in that stage. Deferred cases are suspended and never flagged.

use super::command::CaseActionKind;
use super::time::stamp;
use super::{CaseError, CaseEvent, CaseFacts, CaseStage, CaseStatus, pb};
use chrono::{DateTime, Utc};

/// Where a case stands relative to one stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    NotReached,
    Active,
    Passed,
}

fn phase(stage: CaseStage, status: CaseStatus) -> Phase {
    use CaseStatus as S;
    match (stage, status) {
        (CaseStage::Register, S::Reported) => Phase::Active,
        (CaseStage::Register, _) => Phase::Passed,
        (CaseStage::Dispatch, S::Reported) => Phase::NotReached,
        (CaseStage::Dispatch, S::Registered) => Phase::Active,
        (CaseStage::Dispatch, _) => Phase::Passed,
        (CaseStage::Handle, S::Reported) => Phase::NotReached,
        (CaseStage::Handle, S::Registered | S::Dispatched | S::Rework) => Phase::Active,
        (CaseStage::Handle, _) => Phase::Passed,
        (CaseStage::Verify, S::FeedbackGiven) => Phase::Active,
        (CaseStage::Verify, S::Verified | S::Closed | S::Evaluated | S::Rejected | S::Merged) => {
            Phase::Passed
        }
        (CaseStage::Verify, _) => Phase::NotReached,
        (CaseStage::Close, S::Reported) => Phase::NotReached,
        (CaseStage::Close, S::Rejected | S::Merged | S::Closed | S::Evaluated) => Phase::Passed,
        (CaseStage::Close, _) => Phase::Active,
        (CaseStage::Unspecified, _) => Phase::NotReached,
    }
}

pub(super) fn flag(
    facts: &CaseFacts,
    kind: CaseActionKind,
    stage: CaseStage,
    now: DateTime<Utc>,
) -> Result<CaseEvent, CaseError> {
    if stage == CaseStage::Unspecified {
        return Err(CaseError::StageRequired);
    }
    if facts.status == CaseStatus::Deferred {
        return Err(CaseError::TransitionNotAllowed {
            action: kind,
            status: facts.status,
        });
    }
    match phase(stage, facts.status) {
        Phase::NotReached => return Err(CaseError::StageNotReached { stage }),
        Phase::Passed => return Err(CaseError::StagePassed { stage }),
        Phase::Active => {}
    }
    if facts.overdue_stages.contains(&stage) {
        return Err(CaseError::AlreadyFlaggedOverdue { stage });
    }
    let Some(deadline) = facts.deadlines.of(stage) else {
        return Err(CaseError::NoDeadline { stage });
    };
    if now <= deadline {
        return Err(CaseError::DeadlineNotPassed { stage });
    }
    Ok(CaseEvent::OverdueFlagged(pb::CaseOverdueFlagged {
        case_id: facts.case_id.clone(),
        district: facts.district.clone(),
        stage: stage.into(),
        deadline: stamp(deadline),
        flagged_at: stamp(now),
    }))
}
