//! What a round remembers, folded from its events.

use super::VentureEvent;
use crate::domain::text::parse_time;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Default)]
pub enum VentureState {
    #[default]
    Absent,
    Present(Box<RoundFacts>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RoundFacts {
    pub round_id: String,
    pub district: String,
    pub total_budget_fen: u64,
    pub cap_per_project_fen: u64,
    pub call_deadline: Option<DateTime<Utc>>,
    pub funded_fen: u64,
    pub projects: BTreeMap<String, VentureProject>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct VentureProject {
    pub provider_id: String,
    pub requested_fen: u64,
    pub screened: Option<bool>,
    pub pitch: Option<u32>,
    pub tranches_fen: Vec<u64>,
    pub released: usize,
    pub mid_term_passed: Option<bool>,
    pub graded: bool,
}

pub fn evolve(state: VentureState, event: &VentureEvent) -> VentureState {
    if let VentureEvent::Opened(e) = event {
        return VentureState::Present(Box::new(RoundFacts {
            round_id: e.round_id.clone(),
            district: e.district.clone(),
            total_budget_fen: e.total_budget_fen,
            cap_per_project_fen: e.cap_per_project_fen,
            call_deadline: parse_time(&e.call_deadline),
            funded_fen: 0,
            projects: BTreeMap::new(),
        }));
    }
    let VentureState::Present(mut facts) = state else {
        return state;
    };
    if let VentureEvent::Applied(e) = event {
        facts.projects.insert(
            e.project_id.clone(),
            VentureProject {
                provider_id: e.provider_id.clone(),
                requested_fen: e.requested_fen,
                ..VentureProject::default()
            },
        );
        return VentureState::Present(facts);
    }
    if let VentureEvent::Funded(e) = event {
        facts.funded_fen = facts.funded_fen.saturating_add(e.amount_fen);
    }
    let id = match event {
        VentureEvent::Screened(e) => &e.project_id,
        VentureEvent::PitchReviewed(e) => &e.project_id,
        VentureEvent::Funded(e) => &e.project_id,
        VentureEvent::TrancheReleased(e) => &e.project_id,
        VentureEvent::MidTermReviewed(e) => &e.project_id,
        VentureEvent::Graded(e) => &e.project_id,
        VentureEvent::Opened(_) | VentureEvent::Applied(_) => return VentureState::Present(facts),
    };
    if let Some(project) = facts.projects.get_mut(id) {
        match event {
            VentureEvent::Screened(e) => project.screened = Some(e.passed),
            VentureEvent::PitchReviewed(e) => project.pitch = Some(e.score),
            VentureEvent::Funded(e) => project.tranches_fen = e.tranches_fen.clone(),
            VentureEvent::TrancheReleased(_) => project.released += 1,
            VentureEvent::MidTermReviewed(e) => project.mid_term_passed = Some(e.passed),
            VentureEvent::Graded(_) => project.graded = true,
            VentureEvent::Opened(_) | VentureEvent::Applied(_) => {}
        }
    }
    VentureState::Present(facts)
}
