//! Over random sequences of deposits, approvals and spending, whatever the
//! decider accepts keeps the ledger whole: the balance is deposits minus
//! spending and never negative, and no approval is overdrawn.

use super::tests::{approve, deposit, spend, use_decision};
use super::*;
use gongzhi_kernel::Decider;
use proptest::prelude::*;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
enum Step {
    Deposit(u64),
    Approve(u8, u64, bool),
    Spend(u8, u64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (1u64..50_000).prop_map(Step::Deposit),
        (0u8..4, 1u64..80_000, any::<bool>()).prop_map(|(m, a, p)| Step::Approve(m, a, p)),
        (0u8..4, 0u64..60_000).prop_map(|(a, x)| Step::Spend(a, x)),
    ]
}

proptest! {
    #[test]
    fn the_balance_never_goes_negative_and_no_approval_is_overdrawn(
        steps in prop::collection::vec(step(), 1..60)
    ) {
        let mut state = FundState::default();
        let mut deposited: u64 = 0;
        let mut spent: u64 = 0;
        let mut approved: BTreeMap<String, u64> = BTreeMap::new();
        let mut spent_per: BTreeMap<String, u64> = BTreeMap::new();
        for (i, step) in steps.into_iter().enumerate() {
            let command = match &step {
                Step::Deposit(amount) => deposit(&format!("d{i}"), *amount),
                Step::Approve(m, amount, passed) => {
                    approve(&format!("ap{m}"), use_decision(&format!("m{m}"), *passed), *amount)
                }
                Step::Spend(a, amount) => spend(&format!("ap{a}"), &format!("s{i}"), *amount),
            };
            let Ok(events) = Fund::decide(&state, command) else { continue };
            for event in &events {
                match event {
                    crate::domain::FundEvent::Deposited(e) => deposited += e.amount_fen,
                    crate::domain::FundEvent::UseApproved(e) => {
                        prop_assert!(approved.insert(e.approval_id.clone(), e.amount_fen).is_none());
                    }
                    crate::domain::FundEvent::Spent(e) => {
                        spent += e.amount_fen;
                        *spent_per.entry(e.approval_id.clone()).or_default() += e.amount_fen;
                    }
                }
                state = Fund::evolve(state, event);
            }
            prop_assert!(spent <= deposited);
            prop_assert_eq!(state.balance_fen, deposited - spent);
            for (approval, total) in &spent_per {
                prop_assert!(total <= approved.get(approval).unwrap_or(&0));
            }
        }
    }
}
