//! What a purchase remembers, folded from its events.

use super::{PurchaseEvent, PurchaseMethod};
use crate::domain::text::parse_time;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Planned,
    Tendering,
    Scored,
    Awarded,
    Contracted,
    Completed,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum PurchaseState {
    #[default]
    Absent,
    Present(Box<PurchaseFacts>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct BidFacts {
    pub price_fen: u64,
    pub sequence: usize,
    pub qualified: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AwardFacts {
    pub provider_id: String,
    pub price_fen: u64,
    pub standstill_ends: Option<DateTime<Utc>>,
    pub challenger: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MilestoneFacts {
    pub milestone_id: String,
    pub payment_fen: u64,
    pub delivered: bool,
    pub paid: bool,
    /// The latest monitoring's finding, if any.
    pub satisfactory: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PurchaseFacts {
    pub purchase_id: String,
    pub district: String,
    pub item_code: String,
    pub dispatchable: bool,
    pub method: PurchaseMethod,
    pub budget_fen: u64,
    pub budget_secured: bool,
    pub stable_service: bool,
    pub invited: Vec<String>,
    pub price_weight: u32,
    pub criteria: Vec<(String, u32)>,
    pub phase: Phase,
    pub deadline: Option<DateTime<Utc>>,
    pub bids: BTreeMap<String, BidFacts>,
    /// Qualified bidders, best first, once scored.
    pub ranking: Vec<String>,
    pub excluded: BTreeSet<String>,
    pub award: Option<AwardFacts>,
    pub provider_id: Option<String>,
    pub milestones: Vec<MilestoneFacts>,
    pub evaluation: Option<(u32, bool)>,
}

pub fn evolve(state: PurchaseState, event: &PurchaseEvent) -> PurchaseState {
    if let PurchaseEvent::Planned(e) = event {
        return PurchaseState::Present(Box::new(PurchaseFacts {
            purchase_id: e.purchase_id.clone(),
            district: e.district.clone(),
            item_code: e.item_code.clone(),
            dispatchable: e.dispatchable,
            method: PurchaseMethod::try_from(e.method).unwrap_or(PurchaseMethod::Unspecified),
            budget_fen: e.budget_fen,
            budget_secured: e.budget_secured,
            stable_service: e.stable_service,
            invited: e.invited_provider_ids.clone(),
            price_weight: e.price_weight,
            criteria: e
                .criteria
                .iter()
                .map(|c| (c.criterion_id.clone(), c.weight))
                .collect(),
            phase: Phase::Planned,
            deadline: None,
            bids: BTreeMap::new(),
            ranking: Vec::new(),
            excluded: BTreeSet::new(),
            award: None,
            provider_id: None,
            milestones: Vec::new(),
            evaluation: None,
        }));
    }
    let PurchaseState::Present(mut facts) = state else {
        return state;
    };
    apply(&mut facts, event);
    PurchaseState::Present(facts)
}

fn milestone<'a>(facts: &'a mut PurchaseFacts, id: &str) -> Option<&'a mut MilestoneFacts> {
    facts.milestones.iter_mut().find(|m| m.milestone_id == id)
}

fn apply(facts: &mut PurchaseFacts, event: &PurchaseEvent) {
    match event {
        PurchaseEvent::Planned(_) => {}
        PurchaseEvent::TenderPublished(e) => {
            facts.phase = Phase::Tendering;
            facts.deadline = parse_time(&e.deadline);
        }
        PurchaseEvent::BidSubmitted(e) => {
            let sequence = facts.bids.len();
            facts.bids.insert(
                e.provider_id.clone(),
                BidFacts {
                    price_fen: e.price_fen,
                    sequence,
                    qualified: None,
                },
            );
        }
        PurchaseEvent::QualificationReviewed(e) => {
            if let Some(bid) = facts.bids.get_mut(&e.provider_id) {
                bid.qualified = Some(e.qualified);
            }
        }
        PurchaseEvent::Scored(e) => {
            facts.phase = Phase::Scored;
            facts.ranking = e.scores.iter().map(|s| s.provider_id.clone()).collect();
        }
        PurchaseEvent::Awarded(e) => {
            facts.phase = Phase::Awarded;
            facts.award = Some(AwardFacts {
                provider_id: e.provider_id.clone(),
                price_fen: e.price_fen,
                standstill_ends: parse_time(&e.standstill_ends_at),
                challenger: None,
            });
        }
        PurchaseEvent::Challenged(e) => {
            if let Some(award) = facts.award.as_mut() {
                award.challenger = Some(e.provider_id.clone());
            }
        }
        PurchaseEvent::ChallengeResolved(e) => {
            if e.upheld {
                if let Some(award) = facts.award.take() {
                    facts.excluded.insert(award.provider_id);
                }
                facts.phase = Phase::Scored;
            } else if let Some(award) = facts.award.as_mut() {
                award.challenger = None;
            }
        }
        PurchaseEvent::ContractSigned(e) => {
            facts.phase = Phase::Contracted;
            facts.provider_id = Some(e.provider_id.clone());
            facts.milestones = e
                .milestones
                .iter()
                .map(|m| MilestoneFacts {
                    milestone_id: m.milestone_id.clone(),
                    payment_fen: m.payment_fen,
                    delivered: false,
                    paid: false,
                    satisfactory: None,
                })
                .collect();
        }
        PurchaseEvent::Monitored(e) => {
            if let Some(m) = milestone(facts, &e.milestone_id) {
                m.satisfactory = Some(e.satisfactory);
            }
        }
        PurchaseEvent::MilestoneDelivered(e) => {
            if let Some(m) = milestone(facts, &e.milestone_id) {
                m.delivered = true;
            }
        }
        PurchaseEvent::Evaluated(e) => {
            facts.evaluation = Some((e.score, e.passed));
        }
        PurchaseEvent::PaymentMade(e) => {
            if let Some(m) = milestone(facts, &e.milestone_id) {
                m.paid = true;
            }
            if e.contract_completed {
                facts.phase = Phase::Completed;
            }
        }
    }
}
