//! Property: for any sequence of earns, redemptions and refunds (duplicates
//! and over-redemptions included), the balance equals the distinct
//! activities' points minus accepted redemptions plus accepted refunds, is
//! never negative, and no activity is credited twice.

use super::*;
use chrono::TimeZone;
use gongzhi_kernel::Decider;
use proptest::prelude::*;
use std::collections::BTreeSet;

fn command() -> impl Strategy<Value = PointsCommand> {
    let district = DistrictCode::parse("500108").expect("valid test district");
    let at = Utc
        .with_ymd_and_hms(2026, 5, 1, 10, 0, 0)
        .single()
        .expect("valid test time");
    let (d1, d2) = (district.clone(), district.clone());
    prop_oneof![
        // Few activities with few point values: duplicates and conflicting
        // repeats both happen often.
        (0..5u8, 1..4i64).prop_map(move |(activity, points)| PointsCommand::Earn {
            district: d1.clone(),
            volunteer_id: "v1".into(),
            activity_id: format!("a{activity}"),
            points: points * 10,
        }),
        (0..6u8, 1..60i64).prop_map(move |(redemption, cost)| PointsCommand::Redeem {
            district: d2.clone(),
            redemption_id: format!("r{redemption}"),
            item_id: "item".into(),
            cost,
            at,
        }),
        (0..6u8).prop_map(move |redemption| PointsCommand::Refund {
            district: district.clone(),
            redemption_id: format!("r{redemption}"),
            at,
        }),
    ]
}

proptest! {
    #[test]
    fn balance_is_earned_minus_redeemed_plus_refunded_and_never_negative(
        commands in proptest::collection::vec(command(), 0..60)
    ) {
        let mut state = PointsState::Absent;
        let mut credited = BTreeSet::new();
        let (mut earned, mut redeemed, mut refunded) = (0i64, 0i64, 0i64);
        for command in commands {
            let before = state.clone();
            match Points::decide(&state, command) {
                // A refusal changes nothing by construction: no events.
                Err(_) => {}
                Ok(events) => {
                    for event in &events {
                        match event {
                            PointsEvent::Earned(e) => {
                                prop_assert!(
                                    credited.insert(e.activity_id.clone()),
                                    "activity {} counted twice", e.activity_id
                                );
                                earned += e.points;
                            }
                            PointsEvent::Redeemed(e) => redeemed += e.cost,
                            PointsEvent::Refunded(e) => refunded += e.points,
                        }
                        state = Points::evolve(state, event);
                    }
                    if events.is_empty() {
                        prop_assert_eq!(&state, &before);
                    }
                }
            }
            let balance = match &state {
                PointsState::Open(account) => account.balance,
                PointsState::Absent => 0,
            };
            prop_assert!(balance >= 0, "balance went negative: {}", balance);
            prop_assert_eq!(balance, earned - redeemed + refunded);
            prop_assert!(refunded <= redeemed);
            if let PointsState::Open(account) = &state {
                let distinct: i64 = account.earned.values().sum();
                prop_assert_eq!(distinct, earned);
            }
        }
    }
}
