//! Scoring the qualified bids, the award, and challenges during the
//! standstill.

use super::decide::{after_deadline, check_score};
use super::method::rules;
use super::scoring::{BidToScore, score};
use super::{PurchaseError, PurchaseEvent, PurchaseFacts, Rules};
use crate::domain::text::{blank, time};
use chrono::{DateTime, Duration, Utc};
use gongzhi_proto::gongzhi::procurement::v1 as pb;

pub(super) fn score_bids(
    facts: &PurchaseFacts,
    points: Vec<(String, Vec<u32>)>,
    at: DateTime<Utc>,
) -> Result<PurchaseEvent, PurchaseError> {
    after_deadline(facts, at)?;
    if let Some((provider, _)) = facts.bids.iter().find(|(_, b)| b.qualified.is_none()) {
        return Err(PurchaseError::NotReviewed(provider.clone()));
    }
    let qualified: Vec<(&String, _)> = facts
        .bids
        .iter()
        .filter(|(_, b)| b.qualified == Some(true))
        .collect();
    let min = rules(facts.method).map_or(1, |r| r.min_qualified_bids);
    if qualified.len() < min {
        return Err(PurchaseError::TooFewQualifiedBids {
            qualified: qualified.len(),
            min,
        });
    }
    let mut to_score = Vec::with_capacity(qualified.len());
    for (provider_id, bid) in &qualified {
        let criterion_scores = if facts.criteria.is_empty() {
            Vec::new()
        } else {
            let given: Vec<&Vec<u32>> = points
                .iter()
                .filter(|(p, _)| p == *provider_id)
                .map(|(_, s)| s)
                .collect();
            let [scores] = given.as_slice() else {
                return Err(PurchaseError::ScoresMismatch(format!(
                    "one list of points for {provider_id}"
                )));
            };
            if scores.len() != facts.criteria.len() {
                return Err(PurchaseError::ScoresMismatch(format!(
                    "{provider_id} needs {} points, got {}",
                    facts.criteria.len(),
                    scores.len()
                )));
            }
            for s in scores.iter() {
                check_score(*s)?;
            }
            (*scores).clone()
        };
        to_score.push(BidToScore {
            provider_id: (*provider_id).clone(),
            price_fen: bid.price_fen,
            criterion_scores,
            sequence: bid.sequence,
        });
    }
    if let Some((stray, _)) = points
        .iter()
        .find(|(p, _)| !qualified.iter().any(|(q, _)| *q == p))
    {
        return Err(PurchaseError::ScoresMismatch(format!(
            "{stray} is not a qualified bidder"
        )));
    }
    if facts.criteria.is_empty() && !points.is_empty() {
        return Err(PurchaseError::ScoresMismatch(
            "a lowest-price purchase takes no points".into(),
        ));
    }
    let weights: Vec<u32> = facts.criteria.iter().map(|(_, w)| *w).collect();
    let scored = score(facts.price_weight, &weights, to_score);
    Ok(PurchaseEvent::Scored(pb::BidsScored {
        purchase_id: facts.purchase_id.clone(),
        district: facts.district.clone(),
        scores: scored
            .into_iter()
            .map(|s| pb::BidScore {
                provider_id: s.provider_id,
                price_fen: s.price_fen,
                criteria: facts
                    .criteria
                    .iter()
                    .zip(s.criterion_scores)
                    .map(|((criterion_id, _), score)| pb::CriterionScore {
                        criterion_id: criterion_id.clone(),
                        score,
                    })
                    .collect(),
                total_numerator: u64::try_from(s.total.numerator()).unwrap_or(u64::MAX),
                total_denominator: u64::try_from(s.total.denominator()).unwrap_or(u64::MAX),
                rank: s.rank,
            })
            .collect(),
    }))
}

pub(super) fn award(
    facts: &PurchaseFacts,
    provider_id: String,
    rules: Rules,
    at: DateTime<Utc>,
) -> Result<PurchaseEvent, PurchaseError> {
    let Some(bid) = facts.bids.get(&provider_id) else {
        return Err(PurchaseError::NoBid(provider_id));
    };
    if bid.qualified != Some(true) {
        return Err(PurchaseError::NotQualified(provider_id));
    }
    if facts.excluded.contains(&provider_id) {
        return Err(PurchaseError::Excluded(provider_id));
    }
    let first = facts.ranking.iter().find(|p| !facts.excluded.contains(*p));
    if let Some(first) = first.filter(|first| **first != provider_id) {
        return Err(PurchaseError::NotFirstRanked {
            provider: provider_id,
            first: first.clone(),
        });
    }
    Ok(PurchaseEvent::Awarded(pb::PurchaseAwarded {
        purchase_id: facts.purchase_id.clone(),
        district: facts.district.clone(),
        provider_id,
        price_fen: bid.price_fen,
        awarded_at: time(at),
        standstill_ends_at: time(at + Duration::days(rules.standstill_days)),
    }))
}

pub(super) fn challenge(
    facts: &PurchaseFacts,
    provider_id: String,
    grounds: String,
    at: DateTime<Utc>,
) -> Result<PurchaseEvent, PurchaseError> {
    let Some(award) = &facts.award else {
        return Err(PurchaseError::WrongPhase {
            phase: facts.phase,
            expected: "awarded",
        });
    };
    if !facts.bids.contains_key(&provider_id) {
        return Err(PurchaseError::NoBid(provider_id));
    }
    if blank(&grounds) {
        return Err(PurchaseError::Required { field: "grounds" });
    }
    if award.challenger.is_some() {
        return Err(PurchaseError::ChallengePending);
    }
    match award.standstill_ends {
        Some(end) if at <= end => {}
        _ => return Err(PurchaseError::StandstillOver),
    }
    Ok(PurchaseEvent::Challenged(pb::AwardChallenged {
        purchase_id: facts.purchase_id.clone(),
        district: facts.district.clone(),
        provider_id,
        grounds,
        challenged_at: time(at),
    }))
}

pub(super) fn resolve(
    facts: &PurchaseFacts,
    upheld: bool,
    reasoning: String,
) -> Result<PurchaseEvent, PurchaseError> {
    let Some(challenger) = facts.award.as_ref().and_then(|a| a.challenger.clone()) else {
        return Err(PurchaseError::NoChallenge);
    };
    if blank(&reasoning) {
        return Err(PurchaseError::Required { field: "reasoning" });
    }
    Ok(PurchaseEvent::ChallengeResolved(pb::ChallengeResolved {
        purchase_id: facts.purchase_id.clone(),
        district: facts.district.clone(),
        provider_id: challenger,
        upheld,
        reasoning,
    }))
}
