//! The middle and end of the loop: dispatch (派遣), return by a unit that is
//! not responsible, feedback (反馈), on-site verification (核查) with rework
//! (返工), closing (结案), evaluation (评价), and the deferred backlog (挂账).

use super::command::CaseActionKind;
use super::command::CaseDeadlines;
use super::intake::{after, after_start};
use super::time::{stamp, stamp_optional};
use super::{CaseError, CaseEvent, CaseFacts, CaseStatus, non_blank, pb, require_status};
use chrono::{DateTime, Utc};

const RATING_RANGE: std::ops::RangeInclusive<u32> = 1..=5;

pub(super) fn dispatch(
    facts: &CaseFacts,
    kind: CaseActionKind,
    unit_id: String,
    dispatched_at: DateTime<Utc>,
) -> Result<CaseEvent, CaseError> {
    require_status(facts, kind, &[CaseStatus::Registered])?;
    let unit_id = non_blank(unit_id, CaseError::UnitRequired)?;
    Ok(CaseEvent::Dispatched(pb::CaseDispatched {
        case_id: facts.case_id.clone(),
        district: facts.district.clone(),
        unit_id,
        dispatched_at: stamp(dispatched_at),
    }))
}

pub(super) fn return_by_unit(
    facts: &CaseFacts,
    kind: CaseActionKind,
    unit_id: String,
    reason: String,
    returned_at: DateTime<Utc>,
) -> Result<CaseEvent, CaseError> {
    require_status(facts, kind, &[CaseStatus::Dispatched])?;
    let unit_id = dispatched_unit(facts, unit_id)?;
    let reason = non_blank(reason, CaseError::ReasonRequired)?;
    Ok(CaseEvent::Returned(pb::CaseReturned {
        case_id: facts.case_id.clone(),
        district: facts.district.clone(),
        unit_id,
        reason,
        returned_at: stamp(returned_at),
        return_count: facts.return_count + 1,
    }))
}

pub(super) fn feedback(
    facts: &CaseFacts,
    kind: CaseActionKind,
    unit_id: String,
    result: String,
    feedback_at: DateTime<Utc>,
    verify_deadline: Option<DateTime<Utc>>,
) -> Result<CaseEvent, CaseError> {
    require_status(facts, kind, &[CaseStatus::Dispatched, CaseStatus::Rework])?;
    let unit_id = dispatched_unit(facts, unit_id)?;
    let result = non_blank(result, CaseError::ResultRequired)?;
    after(verify_deadline, feedback_at, "verify")?;
    Ok(CaseEvent::FeedbackGiven(pb::CaseFeedbackGiven {
        case_id: facts.case_id.clone(),
        district: facts.district.clone(),
        unit_id,
        result,
        feedback_at: stamp(feedback_at),
        feedback_number: facts.feedback_count + 1,
        verify_deadline: stamp_optional(verify_deadline),
    }))
}

pub(super) fn verify(
    facts: &CaseFacts,
    kind: CaseActionKind,
    passed: bool,
    verifier: String,
    note: String,
    verified_at: DateTime<Utc>,
) -> Result<CaseEvent, CaseError> {
    require_status(facts, kind, &[CaseStatus::FeedbackGiven])?;
    let verifier = non_blank(verifier, CaseError::VerifierRequired)?;
    let note = note.trim().to_owned();
    if passed {
        return Ok(CaseEvent::Verified(pb::CaseVerified {
            case_id: facts.case_id.clone(),
            district: facts.district.clone(),
            verifier,
            note,
            verified_at: stamp(verified_at),
            feedback_number: facts.feedback_count,
        }));
    }
    if note.is_empty() {
        return Err(CaseError::VerificationNoteRequired);
    }
    Ok(CaseEvent::SentToRework(pb::CaseSentToRework {
        case_id: facts.case_id.clone(),
        district: facts.district.clone(),
        unit_id: facts.dispatched_unit.clone().unwrap_or_default(),
        verifier,
        note,
        verified_at: stamp(verified_at),
        feedback_number: facts.feedback_count,
        rework_count: facts.rework_count + 1,
    }))
}

pub(super) fn close(
    facts: &CaseFacts,
    kind: CaseActionKind,
    closed_at: DateTime<Utc>,
) -> Result<CaseEvent, CaseError> {
    require_status(facts, kind, &[CaseStatus::Verified])?;
    // The status alone already implies this; the check keeps the rule
    // "close only on a verification of the latest feedback" explicit and
    // safe against any future path that adds feedback after verification.
    let latest = facts.feedback_count;
    if latest == 0 || facts.verified_feedback != Some(latest) {
        return Err(CaseError::VerificationStale {
            verified: facts.verified_feedback.unwrap_or(0),
            latest,
        });
    }
    let close_deadline = facts.deadlines.close;
    Ok(CaseEvent::Closed(pb::CaseClosed {
        case_id: facts.case_id.clone(),
        district: facts.district.clone(),
        closed_at: stamp(closed_at),
        feedback_number: latest,
        close_deadline: stamp_optional(close_deadline),
        on_time: close_deadline.is_none_or(|deadline| closed_at <= deadline),
        return_count: facts.return_count,
        rework_count: facts.rework_count,
        summoned_units: facts
            .attached_units()
            .into_iter()
            .map(str::to_owned)
            .collect(),
    }))
}

pub(super) fn evaluate(
    facts: &CaseFacts,
    kind: CaseActionKind,
    rating: u32,
    comment: String,
    evaluated_at: DateTime<Utc>,
) -> Result<CaseEvent, CaseError> {
    require_status(facts, kind, &[CaseStatus::Closed])?;
    if !RATING_RANGE.contains(&rating) {
        return Err(CaseError::InvalidRating { rating });
    }
    Ok(CaseEvent::Evaluated(pb::CaseEvaluated {
        case_id: facts.case_id.clone(),
        district: facts.district.clone(),
        rating,
        comment: comment.trim().to_owned(),
        evaluated_at: stamp(evaluated_at),
    }))
}

pub(super) fn defer(
    facts: &CaseFacts,
    kind: CaseActionKind,
    reason: String,
    deferred_at: DateTime<Utc>,
) -> Result<CaseEvent, CaseError> {
    require_status(
        facts,
        kind,
        &[
            CaseStatus::Registered,
            CaseStatus::Dispatched,
            CaseStatus::Rework,
        ],
    )?;
    let reason = non_blank(reason, CaseError::ReasonRequired)?;
    Ok(CaseEvent::Deferred(pb::CaseDeferred {
        case_id: facts.case_id.clone(),
        district: facts.district.clone(),
        reason,
        deferred_at: stamp(deferred_at),
        released_unit_id: facts.dispatched_unit.clone().unwrap_or_default(),
    }))
}

pub(super) fn resume(
    facts: &CaseFacts,
    kind: CaseActionKind,
    resumed_at: DateTime<Utc>,
    deadlines: Option<CaseDeadlines>,
) -> Result<CaseEvent, CaseError> {
    require_status(facts, kind, &[CaseStatus::Deferred])?;
    if let Some(deadlines) = deadlines {
        after_start(deadlines, resumed_at)?;
    }
    Ok(CaseEvent::Resumed(pb::CaseResumed {
        case_id: facts.case_id.clone(),
        district: facts.district.clone(),
        resumed_at: stamp(resumed_at),
        retimed: deadlines.is_some(),
        dispatch_deadline: stamp_optional(deadlines.and_then(|d| d.dispatch_by)),
        handle_deadline: stamp_optional(deadlines.map(|d| d.handle_by)),
        close_deadline: stamp_optional(deadlines.and_then(|d| d.close_by)),
    }))
}

/// The unit acting must be the one the case is dispatched to.
fn dispatched_unit(facts: &CaseFacts, unit_id: String) -> Result<String, CaseError> {
    let unit_id = unit_id.trim().to_owned();
    if facts.dispatched_unit.as_deref() != Some(unit_id.as_str()) {
        return Err(CaseError::NotTheDispatchedUnit { unit_id });
    }
    Ok(unit_id)
}
