//! The venture round decider.

use super::state::evolve;
use super::{
    GradeBands, RoundFacts, VentureCommand, VentureError, VentureEvent, VentureProject,
    VentureState,
};
use crate::domain::text::{blank, time};
use chrono::{DateTime, Utc};
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::procurement::v1 as pb;

pub struct VentureRound;

fn existing<'a>(
    state: &'a VentureState,
    district: &DistrictCode,
) -> Result<&'a RoundFacts, VentureError> {
    let VentureState::Present(facts) = state else {
        return Err(VentureError::NotFound);
    };
    if facts.district != district.as_str() {
        return Err(VentureError::WrongDistrict);
    }
    Ok(facts)
}

fn project<'a>(facts: &'a RoundFacts, id: &str) -> Result<&'a VentureProject, VentureError> {
    facts
        .projects
        .get(id)
        .ok_or_else(|| VentureError::UnknownProject(id.to_owned()))
}

fn check_score(score: u32) -> Result<u32, VentureError> {
    if score > 100 {
        return Err(VentureError::ScoreOutOfRange(score));
    }
    Ok(score)
}

fn call_open(facts: &RoundFacts, at: DateTime<Utc>) -> bool {
    facts.call_deadline.is_some_and(|deadline| at <= deadline)
}

fn once(done: bool, id: &str, what: &'static str) -> Result<(), VentureError> {
    if done {
        return Err(VentureError::AlreadyDone(id.to_owned(), what));
    }
    Ok(())
}

fn not_yet(missing: bool, id: &str, what: &'static str) -> Result<(), VentureError> {
    if missing {
        return Err(VentureError::NotYet(id.to_owned(), what));
    }
    Ok(())
}

fn fund(
    facts: &RoundFacts,
    project_id: String,
    tranches_fen: Vec<u64>,
    bands: GradeBands,
) -> Result<VentureEvent, VentureError> {
    let p = project(facts, &project_id)?;
    once(!p.tranches_fen.is_empty(), &project_id, "funding")?;
    let Some(pitch) = p.pitch else {
        return Err(VentureError::NotYet(project_id, "the pitch review"));
    };
    if !bands.passes(pitch) {
        return Err(VentureError::PitchBelowPassMark {
            project: project_id,
            score: pitch,
        });
    }
    if tranches_fen.len() < 2 || tranches_fen.contains(&0) {
        return Err(VentureError::Tranches);
    }
    let amount = tranches_fen
        .iter()
        .fold(0u64, |sum, t| sum.saturating_add(*t));
    let remaining = facts.total_budget_fen.saturating_sub(facts.funded_fen);
    let limit = facts
        .cap_per_project_fen
        .min(p.requested_fen)
        .min(remaining);
    if amount > limit {
        return Err(VentureError::FundingOverLimit { amount, limit });
    }
    Ok(VentureEvent::Funded(pb::VentureProjectFunded {
        round_id: facts.round_id.clone(),
        district: facts.district.clone(),
        project_id,
        amount_fen: amount,
        tranches_fen,
    }))
}

fn release(
    facts: &RoundFacts,
    project_id: String,
    at: DateTime<Utc>,
) -> Result<VentureEvent, VentureError> {
    let p = project(facts, &project_id)?;
    not_yet(p.tranches_fen.is_empty(), &project_id, "funding")?;
    let Some(amount) = p.tranches_fen.get(p.released).copied() else {
        return Err(VentureError::AllReleased);
    };
    let last = p.released + 1 == p.tranches_fen.len();
    if last && p.mid_term_passed != Some(true) {
        return Err(VentureError::MidTermNotPassed);
    }
    Ok(VentureEvent::TrancheReleased(pb::VentureTrancheReleased {
        round_id: facts.round_id.clone(),
        district: facts.district.clone(),
        project_id,
        index: u32::try_from(p.released).unwrap_or(u32::MAX),
        amount_fen: amount,
        released_at: time(at),
    }))
}

fn decide(state: &VentureState, command: VentureCommand) -> Result<VentureEvent, VentureError> {
    use VentureCommand as C;
    match command {
        C::Open {
            round_id,
            district,
            title,
            total_budget_fen,
            cap_per_project_fen,
            call_deadline,
            at,
        } => {
            if matches!(state, VentureState::Present(_)) {
                return Err(VentureError::AlreadyExists);
            }
            if blank(&title) {
                return Err(VentureError::Required { field: "title" });
            }
            if cap_per_project_fen == 0 || cap_per_project_fen > total_budget_fen {
                return Err(VentureError::CapOutOfRange);
            }
            if call_deadline <= at {
                return Err(VentureError::DeadlineBeforeOpening);
            }
            Ok(VentureEvent::Opened(pb::VentureRoundOpened {
                round_id,
                district: district.to_string(),
                title,
                total_budget_fen,
                cap_per_project_fen,
                call_deadline: time(call_deadline),
                opened_at: time(at),
            }))
        }
        C::Apply {
            district,
            project_id,
            provider_id,
            title,
            requested_fen,
            at,
        } => {
            let facts = existing(state, &district)?;
            if blank(&project_id) || blank(&provider_id) || blank(&title) {
                return Err(VentureError::Required { field: "project" });
            }
            if !call_open(facts, at) {
                return Err(VentureError::CallClosed);
            }
            if facts.projects.contains_key(&project_id) {
                return Err(VentureError::ProjectExists(project_id));
            }
            if facts
                .projects
                .values()
                .any(|p| p.provider_id == provider_id)
            {
                return Err(VentureError::OrganisationAlreadyApplied(provider_id));
            }
            if requested_fen == 0 || requested_fen > facts.cap_per_project_fen {
                return Err(VentureError::RequestOutOfRange {
                    requested: requested_fen,
                    cap: facts.cap_per_project_fen,
                });
            }
            Ok(VentureEvent::Applied(pb::VentureProjectApplied {
                round_id: facts.round_id.clone(),
                district: facts.district.clone(),
                project_id,
                provider_id,
                title,
                requested_fen,
                applied_at: time(at),
            }))
        }
        C::Screen {
            district,
            project_id,
            passed,
            reason,
            at,
        } => {
            let facts = existing(state, &district)?;
            if call_open(facts, at) {
                return Err(VentureError::CallOpen);
            }
            once(
                project(facts, &project_id)?.screened.is_some(),
                &project_id,
                "screening",
            )?;
            if !passed && blank(&reason) {
                return Err(VentureError::Required { field: "reason" });
            }
            Ok(VentureEvent::Screened(pb::VentureProjectScreened {
                round_id: facts.round_id.clone(),
                district: facts.district.clone(),
                project_id,
                passed,
                reason,
            }))
        }
        C::ReviewPitch {
            district,
            project_id,
            score,
        } => {
            let facts = existing(state, &district)?;
            let p = project(facts, &project_id)?;
            match p.screened {
                None => return Err(VentureError::NotYet(project_id, "screening")),
                Some(false) => return Err(VentureError::ScreenedOut(project_id)),
                Some(true) => {}
            }
            once(p.pitch.is_some(), &project_id, "the pitch review")?;
            Ok(VentureEvent::PitchReviewed(pb::VenturePitchReviewed {
                round_id: facts.round_id.clone(),
                district: facts.district.clone(),
                project_id,
                score: check_score(score)?,
            }))
        }
        C::Fund {
            district,
            project_id,
            tranches_fen,
            bands,
        } => fund(existing(state, &district)?, project_id, tranches_fen, bands),
        C::ReleaseTranche {
            district,
            project_id,
            at,
        } => release(existing(state, &district)?, project_id, at),
        C::ReviewMidTerm {
            district,
            project_id,
            score,
            bands,
        } => {
            let facts = existing(state, &district)?;
            let p = project(facts, &project_id)?;
            not_yet(p.released == 0, &project_id, "the first tranche")?;
            once(
                p.mid_term_passed.is_some(),
                &project_id,
                "the mid-term review",
            )?;
            let score = check_score(score)?;
            Ok(VentureEvent::MidTermReviewed(pb::VentureMidTermReviewed {
                round_id: facts.round_id.clone(),
                district: facts.district.clone(),
                project_id,
                score,
                passed: bands.passes(score),
            }))
        }
        C::Grade {
            district,
            project_id,
            score,
            bands,
        } => {
            let facts = existing(state, &district)?;
            let p = project(facts, &project_id)?;
            not_yet(
                p.mid_term_passed.is_none(),
                &project_id,
                "the mid-term review",
            )?;
            once(p.graded, &project_id, "the final evaluation")?;
            let score = check_score(score)?;
            Ok(VentureEvent::Graded(pb::VentureProjectGraded {
                round_id: facts.round_id.clone(),
                district: facts.district.clone(),
                project_id,
                score,
                grade: bands.grade(score) as i32,
            }))
        }
    }
}

impl Decider for VentureRound {
    type State = VentureState;
    type Command = VentureCommand;
    type Event = VentureEvent;
    type Error = VentureError;

    fn decide(
        state: &VentureState,
        command: VentureCommand,
    ) -> Result<Vec<VentureEvent>, VentureError> {
        decide(state, command).map(|event| vec![event])
    }

    fn evolve(state: VentureState, event: &VentureEvent) -> VentureState {
        evolve(state, event)
    }
}
