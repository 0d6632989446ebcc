//! The case aggregate (案件) as a pure decider, in stream `case-<uuid>`: the
//! closed loop of GB/T 30428 and the whistle summons (吹哨报到).
//!
//! Contract:
//! - Loop: report -> register (立案) or reject (final) or merge into another
//!   case as a duplicate (final) -> dispatch -> feedback by the dispatched unit
//!   -> on-site verification -> close -> evaluate once (final). Only the
//!   dispatched unit returns a case (back to registered, counted) or gives
//!   feedback; a failed verification sends it back to the same unit (rework,
//!   counted); a case closes only when verified and the verification covers
//!   the latest feedback. Registered, dispatched and rework cases may be
//!   deferred (挂账) with a reason and resumed to registered.
//! - Deadlines are computed by the caller on the working calendar and passed
//!   in; the system flags each stage overdue at most once, only once its
//!   deadline passed and while the case is in that stage; deferred cases are
//!   not flagged. Resuming with new deadlines re-times the case and clears
//!   the dispatch, handle and close flags.
//! - Summons: an open case may summon units; each unit must acknowledge, then
//!   arrive, by `summoned_at + respond_within`; later responses are recorded
//!   as late and a missing arrival can be flagged. Summoned units stay
//!   attached until the case closes; the close event lists them.
//! - Every command carries the caller's district and is refused in another.
//!   No clock is read: every time comes in the command. One command yields
//!   exactly one event.
//! - The category arrives as a text code already checked by the caller
//!   against the district's catalogue, which keeps this decider independent
//!   of the catalogue's types.

mod codec;
mod command;
mod error;
mod evolve;
mod handling;
mod intake;
mod overdue;
mod state;
mod summons;
mod time;

#[cfg(test)]
mod codec_tests;
#[cfg(test)]
mod given;
#[cfg(test)]
mod input_tests;
#[cfg(test)]
mod loop_tests;
#[cfg(test)]
mod overdue_tests;
#[cfg(test)]
mod refusal_tests;
#[cfg(test)]
mod summons_tests;

pub use codec::{CASE_EVENT_TYPES, CaseEvent};
pub use command::{CaseAction, CaseActionKind, CaseCommand, CaseDeadlines, CaseReport};
pub use error::CaseError;
pub use gongzhi_proto::gongzhi::grids::v1::{CaseSource, CaseStage, CaseUrgency};
pub use state::{CaseFacts, CaseState, CaseStatus, StageDeadlines, SummonedUnit};

use gongzhi_kernel::Decider;
use gongzhi_proto::gongzhi::grids::v1 as pb;

/// The stream category of cases: streams are `case-<uuid>`.
pub const CASE_STREAM_CATEGORY: &str = "case";

pub struct Case;

impl Decider for Case {
    type State = CaseState;
    type Command = CaseCommand;
    type Event = CaseEvent;
    type Error = CaseError;

    fn decide(state: &CaseState, command: CaseCommand) -> Result<Vec<CaseEvent>, CaseError> {
        let CaseCommand { district, action } = command;
        let (facts, action) = match (state, action) {
            (CaseState::Absent, CaseAction::Report(report)) => {
                return intake::report(&district, report).map(|event| vec![event]);
            }
            (CaseState::Absent, _) => return Err(CaseError::NotFound),
            (CaseState::Present(_), CaseAction::Report(_)) => {
                return Err(CaseError::AlreadyExists);
            }
            (CaseState::Present(facts), action) => (facts, action),
        };
        if facts.district != district.as_str() {
            return Err(CaseError::WrongDistrict {
                given: district.to_string(),
                actual: facts.district.clone(),
            });
        }
        decide_on(facts, action).map(|event| vec![event])
    }

    fn evolve(state: CaseState, event: &CaseEvent) -> CaseState {
        evolve::evolve(state, event)
    }
}

fn decide_on(facts: &CaseFacts, action: CaseAction) -> Result<CaseEvent, CaseError> {
    let kind = action.kind();
    match action {
        CaseAction::Report(_) => Err(CaseError::AlreadyExists),
        CaseAction::Register {
            registered_at,
            deadlines,
        } => intake::register(facts, kind, registered_at, deadlines),
        CaseAction::Reject {
            reason,
            rejected_at,
        } => intake::reject(facts, kind, reason, rejected_at),
        CaseAction::MergeDuplicate {
            into_case_id,
            merged_at,
        } => intake::merge_duplicate(facts, kind, into_case_id, merged_at),
        CaseAction::AbsorbDuplicate {
            duplicate_case_id,
            merged_at,
        } => intake::absorb_duplicate(facts, kind, duplicate_case_id, merged_at),
        CaseAction::Dispatch {
            unit_id,
            dispatched_at,
        } => handling::dispatch(facts, kind, unit_id, dispatched_at),
        CaseAction::ReturnByUnit {
            unit_id,
            reason,
            returned_at,
        } => handling::return_by_unit(facts, kind, unit_id, reason, returned_at),
        CaseAction::Feedback {
            unit_id,
            result,
            feedback_at,
            verify_deadline,
        } => handling::feedback(facts, kind, unit_id, result, feedback_at, verify_deadline),
        CaseAction::Verify {
            passed,
            verifier,
            note,
            verified_at,
        } => handling::verify(facts, kind, passed, verifier, note, verified_at),
        CaseAction::Close { closed_at } => handling::close(facts, kind, closed_at),
        CaseAction::Evaluate {
            rating,
            comment,
            evaluated_at,
        } => handling::evaluate(facts, kind, rating, comment, evaluated_at),
        CaseAction::Defer {
            reason,
            deferred_at,
        } => handling::defer(facts, kind, reason, deferred_at),
        CaseAction::Resume {
            resumed_at,
            deadlines,
        } => handling::resume(facts, kind, resumed_at, deadlines),
        CaseAction::FlagOverdue { stage, now } => overdue::flag(facts, kind, stage, now),
        CaseAction::Summon {
            summon_id,
            unit_ids,
            summoned_by,
            summoned_at,
            respond_within,
        } => summons::summon(
            facts,
            kind,
            summons::Summons {
                summon_id,
                unit_ids,
                summoned_by,
                summoned_at,
                respond_within,
            },
        ),
        CaseAction::Acknowledge { unit_id, at } => summons::acknowledge(facts, kind, unit_id, at),
        CaseAction::ArriveOnSite { unit_id, at } => summons::arrive(facts, kind, unit_id, at),
        CaseAction::FlagLateSummons { unit_id, now } => {
            summons::flag_late(facts, kind, unit_id, now)
        }
    }
}

/// Refuses the action unless the case is in one of `allowed`.
fn require_status(
    facts: &CaseFacts,
    action: CaseActionKind,
    allowed: &[CaseStatus],
) -> Result<(), CaseError> {
    if allowed.contains(&facts.status) {
        Ok(())
    } else {
        Err(CaseError::TransitionNotAllowed {
            action,
            status: facts.status,
        })
    }
}

fn require_open(facts: &CaseFacts, action: CaseActionKind) -> Result<(), CaseError> {
    if facts.status.is_open() {
        Ok(())
    } else {
        Err(CaseError::TransitionNotAllowed {
            action,
            status: facts.status,
        })
    }
}

fn non_blank(value: String, missing: CaseError) -> Result<String, CaseError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(missing);
    }
    Ok(trimmed.to_owned())
}
