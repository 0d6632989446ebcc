//! Weighted scoring of qualified bids, exactly.
//!
//! Contract:
//! - a bid's total out of 100 is its quality points plus its price points:
//!   each criterion scores 0..100 and counts `weight / 100` of it; price
//!   counts `price_weight * lowest price / bid price` (低价优先法, 政府采购货物
//!   和服务招标投标管理办法 art. 55), so the lowest bid takes the whole price
//!   weight;
//! - lowest-price methods are the case `price_weight = 100` with no criteria;
//! - ranking is by total (highest first), then by price (lowest first), then
//!   by order of submission, so it is total and deterministic.

use crate::domain::rational::Ratio;
use std::cmp::Ordering;

/// Largest amount of money in a purchase (10 billion yuan): keeps every
/// product of the exact arithmetic inside u128.
pub const MAX_FEN: u64 = 1_000_000_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BidToScore {
    pub provider_id: String,
    pub price_fen: u64,
    /// Points 0..100 per criterion, in the order of the plan's criteria.
    pub criterion_scores: Vec<u32>,
    /// Order of submission, for the last tie-break.
    pub sequence: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoredBid {
    pub provider_id: String,
    pub price_fen: u64,
    pub criterion_scores: Vec<u32>,
    pub total: Ratio,
    pub rank: u32,
}

/// The qualified bids, scored and ranked best first. `weights` are the
/// criteria weights in plan order; prices are in `1..=MAX_FEN` and scores
/// in `0..=100` (checked by the decider before).
pub fn score(price_weight: u32, weights: &[u32], bids: Vec<BidToScore>) -> Vec<ScoredBid> {
    let Some(lowest) = bids.iter().map(|b| b.price_fen).min() else {
        return Vec::new();
    };
    let mut scored: Vec<(usize, ScoredBid)> = bids
        .into_iter()
        .map(|bid| {
            let quality: u128 = weights
                .iter()
                .zip(&bid.criterion_scores)
                .map(|(w, s)| u128::from(*w) * u128::from(*s))
                .sum();
            let price = u128::from(bid.price_fen.max(1));
            // quality / 100 + price_weight * lowest / price, over 100 * price.
            let numerator = quality * price + 100 * u128::from(price_weight) * u128::from(lowest);
            let total = Ratio::new(numerator, 100 * price).unwrap_or(Ratio::whole(0));
            (
                bid.sequence,
                ScoredBid {
                    provider_id: bid.provider_id,
                    price_fen: bid.price_fen,
                    criterion_scores: bid.criterion_scores,
                    total,
                    rank: 0,
                },
            )
        })
        .collect();
    scored.sort_by(|(sa, a), (sb, b)| {
        b.total
            .cmp(&a.total)
            .then(a.price_fen.cmp(&b.price_fen))
            .then(sa.cmp(sb))
            .then(Ordering::Equal)
    });
    scored
        .into_iter()
        .zip(1u32..)
        .map(|((_, mut bid), rank)| {
            bid.rank = rank;
            bid
        })
        .collect()
}

#[cfg(test)]
#[path = "scoring_properties.rs"]
mod properties;
