//! The support count equals the number of distinct supporting residents,
//! whatever the order or repetition of Support commands.

use super::decide_tests::{given, raise, support};
use super::*;
use gongzhi_kernel::Decider;
use proptest::prelude::*;
use std::collections::BTreeSet;

proptest! {
    #[test]
    fn support_count_is_the_number_of_distinct_supporters(
        supporters in proptest::collection::vec(0u8..12, 0..60)
    ) {
        let mut state = given(&[raise()]);
        let mut last_count = 0u32;
        for supporter in &supporters {
            let command = support(&format!("r-{supporter}"));
            match Proposal::decide(&state, command) {
                Ok(events) => {
                    for event in &events {
                        if let ProposalEvent::Supported(e) = event {
                            prop_assert_eq!(e.support_count, last_count + 1);
                            last_count = e.support_count;
                        }
                        state = Proposal::evolve(state, event);
                    }
                }
                Err(error) => prop_assert_eq!(error.reason(), "PROPOSAL_ALREADY_SUPPORTED"),
            }
        }
        let distinct: BTreeSet<_> = supporters.iter().collect();
        let ProposalState::Present(facts) = &state else {
            return Err(TestCaseError::fail("item expected"));
        };
        prop_assert_eq!(facts.support_count(), distinct.len());
        prop_assert_eq!(usize::try_from(last_count).ok(), Some(distinct.len()));
    }
}
