//! Over random sequences of budgets and reservations, whatever the decider
//! accepts keeps every year at or under 10%, and every accepted
//! government-pays reservation leaves its years at or under 5%.

use super::tests::{budget, reserve};
use super::*;
use gongzhi_kernel::Decider;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Step {
    Budget(i32, u64),
    Reserve(bool, Vec<(i32, u64)>),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        1 => (2027i32..2031, 1u64..2_000_000).prop_map(|(y, f)| Step::Budget(y, f)),
        4 => (any::<bool>(), prop::collection::vec((2027i32..2031, 0u64..80_000), 1..4))
            .prop_map(|(g, o)| Step::Reserve(g, o)),
    ]
}

proptest! {
    #[test]
    fn accepted_reservations_never_break_the_caps(steps in prop::collection::vec(step(), 1..40)) {
        let mut state = PortfolioState::default();
        for (i, step) in steps.into_iter().enumerate() {
            let command = match &step {
                Step::Budget(year, fen) => budget(*year, *fen),
                Step::Reserve(government_pays, outlays) => {
                    reserve(&format!("p{i}"), *government_pays, outlays)
                }
            };
            let Ok(events) = Portfolio::decide(&state, command) else { continue };
            state = events.iter().fold(state, Portfolio::evolve);
            if let Step::Reserve(government_pays, outlays) = &step {
                for (year, _) in outlays {
                    let budget = u128::from(state.budgets[year].0);
                    let total = state.total(*year);
                    prop_assert!(total * 10 <= budget, "year {} at {} of {}", year, total, budget);
                    if *government_pays {
                        prop_assert!(total * 20 <= budget);
                    }
                }
            }
        }
    }
}
