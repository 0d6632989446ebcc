//! Properties of the exact weighted scoring.

use super::*;
use proptest::prelude::*;

fn weights_and_bids() -> impl Strategy<Value = (u32, Vec<u32>, Vec<BidToScore>)> {
    (10u32..=30, 1usize..=4).prop_flat_map(|(price_weight, criteria)| {
        // Split the remaining weight over the criteria: all but the last get
        // a part, the last takes the rest.
        let rest = 100 - price_weight;
        let weights = proptest::collection::vec(0u32..=rest / criteria as u32, criteria - 1)
            .prop_map(move |mut w| {
                let used: u32 = w.iter().sum();
                w.push(rest - used);
                w
            });
        let bids = proptest::collection::vec(
            (
                1u64..=MAX_FEN,
                proptest::collection::vec(0u32..=100, criteria),
            ),
            1..8,
        )
        .prop_map(|bids| {
            bids.into_iter()
                .enumerate()
                .map(|(sequence, (price_fen, criterion_scores))| BidToScore {
                    provider_id: format!("p{sequence}"),
                    price_fen,
                    criterion_scores,
                    sequence,
                })
                .collect::<Vec<_>>()
        });
        (Just(price_weight), weights, bids)
    })
}

proptest! {
    #[test]
    fn totals_lie_between_zero_and_one_hundred((price_weight, weights, bids) in weights_and_bids()) {
        for bid in score(price_weight, &weights, bids) {
            prop_assert!(bid.total <= Ratio::whole(100));
            // Every bid earns some price points.
            prop_assert!(bid.total > Ratio::whole(0));
        }
    }

    #[test]
    fn the_lowest_price_takes_the_whole_price_weight((price_weight, weights, bids) in weights_and_bids()) {
        let lowest = bids.iter().map(|b| b.price_fen).min().unwrap_or(1);
        for bid in score(price_weight, &weights, bids) {
            let quality: u128 = weights.iter().zip(&bid.criterion_scores).map(|(w, s)| u128::from(*w) * u128::from(*s)).sum();
            let quality = Ratio::new(quality, 100).unwrap_or(Ratio::whole(0));
            let with_full_price = Ratio::new(quality.numerator() + u128::from(price_weight) * quality.denominator(), quality.denominator()).unwrap_or(Ratio::whole(0));
            if bid.price_fen == lowest {
                prop_assert_eq!(bid.total, with_full_price);
            } else {
                prop_assert!(bid.total < with_full_price);
            }
        }
    }

    #[test]
    fn ranks_run_from_one_best_first((price_weight, weights, bids) in weights_and_bids()) {
        let count = bids.len();
        let scored = score(price_weight, &weights, bids);
        prop_assert_eq!(scored.len(), count);
        for (index, pair) in scored.windows(2).enumerate() {
            prop_assert_eq!(pair[0].rank as usize, index + 1);
            prop_assert!(pair[0].total > pair[1].total
                || (pair[0].total == pair[1].total && pair[0].price_fen <= pair[1].price_fen));
        }
    }

    #[test]
    fn scaling_every_price_keeps_the_ranking((price_weight, weights, bids) in weights_and_bids(), factor in 2u64..=1000) {
        let scaled: Vec<BidToScore> = bids.iter().cloned().map(|mut b| { b.price_fen = b.price_fen.min(MAX_FEN / factor).max(1) * factor; b }).collect();
        let unscaled: Vec<BidToScore> = bids.into_iter().map(|mut b| { b.price_fen = b.price_fen.min(MAX_FEN / factor).max(1); b }).collect();
        let order = |bids: Vec<BidToScore>| score(price_weight, &weights, bids).into_iter().map(|b| (b.provider_id, b.total)).collect::<Vec<_>>();
        prop_assert_eq!(order(unscaled), order(scaled));
    }

    #[test]
    fn better_quality_at_the_same_price_never_ranks_lower((price_weight, weights, bids) in weights_and_bids()) {
        // Give the first bid full marks on every criterion at the lowest price:
        // nothing can beat it.
        let mut bids = bids;
        let lowest = bids.iter().map(|b| b.price_fen).min().unwrap_or(1);
        if let Some(first) = bids.first_mut() {
            first.price_fen = lowest;
            first.criterion_scores = vec![100; weights.len()];
        }
        let scored = score(price_weight, &weights, bids);
        prop_assert_eq!(scored.first().map(|b| b.total), Some(Ratio::whole(100)));
    }
}

#[test]
fn a_worked_example_scores_exactly() {
    // Price weight 30, quality 70 over two criteria (40, 30).
    let bids = vec![
        BidToScore {
            provider_id: "a".into(),
            price_fen: 300_000,
            criterion_scores: vec![90, 80],
            sequence: 0,
        },
        BidToScore {
            provider_id: "b".into(),
            price_fen: 270_000,
            criterion_scores: vec![80, 80],
            sequence: 1,
        },
    ];
    let scored = score(30, &[40, 30], bids);
    // a: 36 + 24 + 30 * 27/30 = 87; b: 32 + 24 + 30 = 86.
    assert_eq!(scored[0].provider_id, "a");
    assert_eq!(scored[0].total, Ratio::whole(87));
    assert_eq!(scored[1].total, Ratio::whole(86));
    assert_eq!((scored[0].rank, scored[1].rank), (1, 2));
}

#[test]
fn equal_totals_go_to_the_lower_price_then_the_earlier_bid() {
    let bid = |id: &str, price, q, sequence| BidToScore {
        provider_id: id.into(),
        price_fen: price,
        criterion_scores: vec![q],
        sequence,
    };
    // Same price, same quality: the earlier bid first.
    let scored = score(
        30,
        &[70],
        vec![bid("late", 100, 50, 1), bid("early", 100, 50, 0)],
    );
    assert_eq!(scored[0].provider_id, "early");
    // One third of a point cannot be lost to rounding: 30*100/300 = 10 exactly.
    let scored = score(30, &[70], vec![bid("x", 300, 100, 0), bid("y", 100, 0, 1)]);
    assert_eq!(scored[0].total, Ratio::whole(80));
    assert_eq!(scored[1].total, Ratio::whole(30));
}
