//! Given events, when a command, then events or an error.

use super::*;
use crate::domain::participation::volunteering::{RewardEvent, RewardItem};
use gongzhi_kernel::Decider;
use proptest::prelude::*;

fn district(code: &str) -> DistrictCode {
    DistrictCode::parse(code).expect("valid test district")
}

fn list(stock: u32) -> RewardCommand {
    RewardCommand::List {
        item_id: "haircut".into(),
        district: district("500108"),
        name: "free haircut".into(),
        cost: 50,
        stock,
    }
}

fn take(redemption_id: &str, cost: i64) -> RewardCommand {
    RewardCommand::Take {
        district: district("500108"),
        redemption_id: redemption_id.into(),
        volunteer_id: "v1".into(),
        cost,
    }
}

fn given(history: &[RewardCommand]) -> RewardState {
    let mut state = RewardState::Absent;
    for command in history {
        for event in Reward::decide(&state, command.clone()).expect("history must be valid") {
            state = Reward::evolve(state, &event);
        }
    }
    state
}

fn when(history: &[RewardCommand], command: RewardCommand) -> Result<Vec<RewardEvent>, String> {
    Reward::decide(&given(history), command).map_err(|e| e.reason().to_owned())
}

fn stock(history: &[RewardCommand]) -> Option<u32> {
    match given(history) {
        RewardState::Listed(facts) => Some(facts.item.stock),
        RewardState::Absent => None,
    }
}

#[test]
fn listing_puts_an_item_on_offer_once() {
    assert_eq!(
        when(&[], list(2)),
        Ok(vec![RewardEvent::Listed(pb::RewardItemListed {
            item_id: "haircut".into(),
            district: "500108".into(),
            name: "free haircut".into(),
            cost: 50,
            stock: 2,
        })])
    );
    assert_eq!(
        when(&[list(2)], list(2)),
        Err("REWARD_ALREADY_LISTED".into())
    );
}

#[test]
fn an_item_needs_a_name_and_a_positive_price() {
    let nameless = RewardCommand::List {
        item_id: "x".into(),
        district: district("500108"),
        name: " ".into(),
        cost: 5,
        stock: 1,
    };
    assert_eq!(when(&[], nameless), Err("REWARD_FIELD_REQUIRED".into()));
    let free = RewardCommand::Change {
        district: district("500108"),
        name: "x".into(),
        cost: 0,
        stock: 1,
    };
    assert_eq!(
        when(&[list(1)], free),
        Err("REWARD_COST_NOT_POSITIVE".into())
    );
}

#[test]
fn taking_one_lowers_stock_and_the_same_redemption_takes_once() {
    let events = when(&[list(2)], take("r1", 50)).expect("take");
    assert!(matches!(events.as_slice(), [RewardEvent::Taken(e)] if e.stock_after == 1));
    assert_eq!(stock(&[list(2), take("r1", 50)]), Some(1));
    assert_eq!(when(&[list(2), take("r1", 50)], take("r1", 50)), Ok(vec![]));
    assert_eq!(stock(&[list(2), take("r1", 50), take("r1", 50)]), Some(1));
}

#[test]
fn taking_refuses_out_of_stock_stale_prices_and_missing_items() {
    assert_eq!(
        when(&[list(1), take("r1", 50)], take("r2", 50)),
        Err("REWARD_OUT_OF_STOCK".into())
    );
    assert_eq!(
        when(&[list(1)], take("r1", 40)),
        Err("REWARD_COST_MISMATCH".into())
    );
    assert_eq!(when(&[], take("r1", 50)), Err("REWARD_NOT_FOUND".into()));
    let elsewhere = RewardCommand::Take {
        district: district("110105"),
        redemption_id: "r1".into(),
        volunteer_id: "v1".into(),
        cost: 50,
    };
    assert_eq!(
        when(&[list(1)], elsewhere),
        Err("REWARD_WRONG_DISTRICT".into())
    );
}

#[test]
fn a_change_sets_name_price_and_stock() {
    let change = RewardCommand::Change {
        district: district("500108"),
        name: "haircut and wash".into(),
        cost: 60,
        stock: 5,
    };
    let state = given(&[list(0), change]);
    let RewardState::Listed(facts) = state else {
        panic!("listed item expected");
    };
    assert_eq!(
        facts.item,
        RewardItem {
            item_id: "haircut".into(),
            name: "haircut and wash".into(),
            cost: 60,
            stock: 5,
        }
    );
    assert_eq!(
        when(&[list(0)], take("r1", 50)),
        Err("REWARD_OUT_OF_STOCK".into())
    );
}

proptest! {
    /// Any mix of takes (repeats included) never takes more than the stock
    /// and never takes twice for one redemption.
    #[test]
    fn stock_never_goes_below_zero(
        initial in 0u32..5,
        takes in proptest::collection::vec(0u8..8, 0..30)
    ) {
        let mut state = given(&[list(initial)]);
        let mut taken = std::collections::BTreeSet::new();
        for redemption in takes {
            let id = format!("r{redemption}");
            if let Ok(events) = Reward::decide(&state, take(&id, 50)) {
                for event in &events {
                    if let RewardEvent::Taken(e) = event {
                        prop_assert!(taken.insert(e.redemption_id.clone()));
                    }
                    state = Reward::evolve(state, event);
                }
            }
            let RewardState::Listed(facts) = &state else {
                return Err(TestCaseError::fail("item vanished"));
            };
            prop_assert_eq!(u64::from(facts.item.stock) + taken.len() as u64, u64::from(initial));
        }
    }
}
