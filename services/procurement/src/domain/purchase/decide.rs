//! The purchase decider: planning, tender, bids and qualification here;
//! scoring, award and challenges in [`super::award`]; the contract and its
//! delivery in [`super::delivery`].

use super::award::{award, challenge, resolve, score_bids};
use super::method::{Evaluation, PRICE_WEIGHT_MAX, PRICE_WEIGHT_MIN, rules};
use super::scoring::MAX_FEN;
use super::state::evolve;
use super::{
    Phase, PurchaseCommand, PurchaseError, PurchaseEvent, PurchaseFacts, PurchasePlan,
    PurchaseState, delivery,
};
use crate::domain::text::{blank, time};
use chrono::{DateTime, Duration, Utc};
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::procurement::v1 as pb;
use std::collections::BTreeSet;

pub struct Purchase;

pub(super) fn existing<'a>(
    state: &'a PurchaseState,
    district: &DistrictCode,
    phases: &[Phase],
    expected: &'static str,
) -> Result<&'a PurchaseFacts, PurchaseError> {
    let PurchaseState::Present(facts) = state else {
        return Err(PurchaseError::NotFound);
    };
    if facts.district != district.as_str() {
        return Err(PurchaseError::WrongDistrict);
    }
    if !phases.contains(&facts.phase) {
        return Err(PurchaseError::WrongPhase {
            phase: facts.phase,
            expected,
        });
    }
    Ok(facts)
}

pub(super) fn check_score(score: u32) -> Result<u32, PurchaseError> {
    if score > 100 {
        return Err(PurchaseError::ScoreOutOfRange(score));
    }
    Ok(score)
}

fn plan(
    district: &DistrictCode,
    plan: PurchasePlan,
    at: DateTime<Utc>,
) -> Result<PurchaseEvent, PurchaseError> {
    if blank(&plan.title) {
        return Err(PurchaseError::Required { field: "title" });
    }
    if blank(&plan.item_code) {
        return Err(PurchaseError::Required { field: "item_code" });
    }
    if plan.budget_fen == 0 || plan.budget_fen > MAX_FEN {
        return Err(PurchaseError::BudgetOutOfRange { max: MAX_FEN });
    }
    let method = plan.method;
    let rules = rules(method).ok_or(PurchaseError::Required { field: "method" })?;
    if rules.needs_justification && blank(&plan.justification) {
        return Err(PurchaseError::JustificationMissing { method });
    }
    let given = plan.invited_provider_ids.len();
    match rules.invited {
        None if given > 0 => return Err(PurchaseError::OpenTenderInvites),
        Some((min, max)) if given < min || given > max => {
            return Err(PurchaseError::InvitedCount {
                method,
                min,
                max,
                given,
            });
        }
        _ => {}
    }
    let mut seen = BTreeSet::new();
    if let Some(twice) = plan
        .invited_provider_ids
        .iter()
        .find(|p| !seen.insert(p.as_str()))
    {
        return Err(PurchaseError::InvitedTwice(twice.clone()));
    }
    match rules.evaluation {
        Evaluation::LowestPrice => {
            if plan.price_weight != 100 || !plan.criteria.is_empty() {
                return Err(PurchaseError::LowestPriceOnly { method });
            }
        }
        Evaluation::Comprehensive => {
            if !(PRICE_WEIGHT_MIN..=PRICE_WEIGHT_MAX).contains(&plan.price_weight) {
                return Err(PurchaseError::PriceWeight {
                    min: PRICE_WEIGHT_MIN,
                    max: PRICE_WEIGHT_MAX,
                    given: plan.price_weight,
                });
            }
            if plan.criteria.is_empty() {
                return Err(PurchaseError::NoCriteria);
            }
        }
    }
    let mut ids = BTreeSet::new();
    if let Some((twice, _)) = plan
        .criteria
        .iter()
        .find(|(id, _)| !ids.insert(id.as_str()))
    {
        return Err(PurchaseError::CriterionTwice(twice.clone()));
    }
    if plan.criteria.iter().any(|(id, _)| blank(id)) {
        return Err(PurchaseError::Required {
            field: "criterion_id",
        });
    }
    let total = plan
        .criteria
        .iter()
        .fold(plan.price_weight, |sum, (_, w)| sum.saturating_add(*w));
    if total != 100 {
        return Err(PurchaseError::WeightsNot100(total));
    }
    Ok(PurchaseEvent::Planned(pb::PurchasePlanned {
        purchase_id: plan.purchase_id,
        district: district.to_string(),
        title: plan.title,
        item_code: plan.item_code,
        stable_service: plan.stable_service,
        budget_fen: plan.budget_fen,
        budget_secured: plan.budget_secured,
        method: method as i32,
        justification: plan.justification,
        invited_provider_ids: plan.invited_provider_ids,
        price_weight: plan.price_weight,
        criteria: plan
            .criteria
            .into_iter()
            .map(|(criterion_id, weight)| pb::Criterion {
                criterion_id,
                weight,
            })
            .collect(),
        planned_at: time(at),
        dispatchable: plan.dispatchable,
    }))
}

fn publish(
    facts: &PurchaseFacts,
    deadline: DateTime<Utc>,
    at: DateTime<Utc>,
) -> Result<PurchaseEvent, PurchaseError> {
    let days = rules(facts.method).map_or(0, |r| r.min_tender_days);
    if deadline < at + Duration::days(days) {
        return Err(PurchaseError::DeadlineTooSoon { days });
    }
    Ok(PurchaseEvent::TenderPublished(pb::TenderPublished {
        purchase_id: facts.purchase_id.clone(),
        district: facts.district.clone(),
        published_at: time(at),
        deadline: time(deadline),
    }))
}

fn bid(
    facts: &PurchaseFacts,
    provider_id: String,
    price_fen: u64,
    at: DateTime<Utc>,
) -> Result<PurchaseEvent, PurchaseError> {
    if blank(&provider_id) {
        return Err(PurchaseError::Required {
            field: "provider_id",
        });
    }
    match facts.deadline {
        Some(deadline) if at <= deadline => {}
        _ => return Err(PurchaseError::DeadlinePassed),
    }
    if facts.method != pb::PurchaseMethod::OpenTender && !facts.invited.contains(&provider_id) {
        return Err(PurchaseError::NotInvited(provider_id));
    }
    if facts.bids.contains_key(&provider_id) {
        return Err(PurchaseError::AlreadyBid(provider_id));
    }
    if price_fen == 0 || price_fen > facts.budget_fen {
        return Err(PurchaseError::PriceOutOfRange {
            price: price_fen,
            budget: facts.budget_fen,
        });
    }
    Ok(PurchaseEvent::BidSubmitted(pb::BidSubmitted {
        purchase_id: facts.purchase_id.clone(),
        district: facts.district.clone(),
        provider_id,
        price_fen,
        submitted_at: time(at),
    }))
}

pub(super) fn after_deadline(
    facts: &PurchaseFacts,
    at: DateTime<Utc>,
) -> Result<(), PurchaseError> {
    match facts.deadline {
        Some(deadline) if at > deadline => Ok(()),
        _ => Err(PurchaseError::DeadlineNotPassed),
    }
}

fn review(
    facts: &PurchaseFacts,
    provider_id: String,
    qualified: bool,
    reason: String,
    at: DateTime<Utc>,
) -> Result<PurchaseEvent, PurchaseError> {
    after_deadline(facts, at)?;
    let Some(bid) = facts.bids.get(&provider_id) else {
        return Err(PurchaseError::NoBid(provider_id));
    };
    if bid.qualified.is_some() {
        return Err(PurchaseError::AlreadyReviewed(provider_id));
    }
    if !qualified && blank(&reason) {
        return Err(PurchaseError::Required { field: "reason" });
    }
    Ok(PurchaseEvent::QualificationReviewed(
        pb::BidQualificationReviewed {
            purchase_id: facts.purchase_id.clone(),
            district: facts.district.clone(),
            provider_id,
            qualified,
            reason: if qualified { String::new() } else { reason },
        },
    ))
}

impl Decider for Purchase {
    type State = PurchaseState;
    type Command = PurchaseCommand;
    type Event = PurchaseEvent;
    type Error = PurchaseError;

    fn decide(
        state: &PurchaseState,
        command: PurchaseCommand,
    ) -> Result<Vec<PurchaseEvent>, PurchaseError> {
        use PurchaseCommand as C;
        let event = match command {
            C::Plan {
                district,
                plan: p,
                at,
            } => {
                if matches!(state, PurchaseState::Present(_)) {
                    return Err(PurchaseError::AlreadyExists);
                }
                plan(&district, p, at)?
            }
            C::Publish {
                district,
                deadline,
                at,
            } => publish(
                existing(state, &district, &[Phase::Planned], "planned")?,
                deadline,
                at,
            )?,
            C::Bid {
                district,
                provider_id,
                price_fen,
                at,
            } => {
                let facts = existing(state, &district, &[Phase::Tendering], "open for bids")?;
                bid(facts, provider_id, price_fen, at)?
            }
            C::ReviewQualification {
                district,
                provider_id,
                qualified,
                reason,
                at,
            } => {
                let facts = existing(state, &district, &[Phase::Tendering], "closed for bids")?;
                review(facts, provider_id, qualified, reason, at)?
            }
            C::Score {
                district,
                points,
                at,
            } => score_bids(
                existing(state, &district, &[Phase::Tendering], "closed for bids")?,
                points,
                at,
            )?,
            C::Award {
                district,
                provider_id,
                rules,
                at,
            } => award(
                existing(state, &district, &[Phase::Scored], "scored")?,
                provider_id,
                rules,
                at,
            )?,
            C::Challenge {
                district,
                provider_id,
                grounds,
                at,
            } => challenge(
                existing(state, &district, &[Phase::Awarded], "awarded")?,
                provider_id,
                grounds,
                at,
            )?,
            C::ResolveChallenge {
                district,
                upheld,
                reasoning,
            } => resolve(
                existing(state, &district, &[Phase::Awarded], "awarded")?,
                upheld,
                reasoning,
            )?,
            other => return delivery::decide(state, other),
        };
        Ok(vec![event])
    }

    fn evolve(state: PurchaseState, event: &PurchaseEvent) -> PurchaseState {
        evolve(state, event)
    }
}
