//! Property tests of the counting rules: exact, strict, one vote per person.

use super::tests::{attend, close_motion, convene, given, open, table, vote};
use super::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

fn choice(index: u8) -> MotionChoice {
    match index % 3 {
        0 => MotionChoice::For,
        1 => MotionChoice::Against,
        _ => MotionChoice::Abstain,
    }
}

proptest! {
    #[test]
    fn default_rules_pass_iff_strict_majorities(
        eligible in 0u32..64,
        present_seed in 0u32..64,
        for_seed in 0u32..64,
    ) {
        // Small ranges so exact halves, the boundary, come up often.
        let present = present_seed % (eligible + 1);
        let votes_for = for_seed % (present + 1);
        let counts = MotionCounts { votes_for, ..MotionCounts::default() };
        let (passed, reason) = motion_outcome(QuorumRules::default(), counts, present, eligible);
        let quorum = 2 * present > eligible;
        let majority = 2 * votes_for > present;
        prop_assert_eq!(passed, quorum && majority);
        let expected = if !quorum {
            MotionOutcomeReason::NoQuorum
        } else if majority {
            MotionOutcomeReason::MajorityFor
        } else {
            MotionOutcomeReason::NoMajorityFor
        };
        prop_assert_eq!(reason, expected);
    }

    #[test]
    fn any_share_compares_exactly(
        numerator in 0u32..12,
        extra in 0u32..12,
        part in 0u32..48,
        whole in 0u32..48,
        scale in prop_oneof![Just(1u32), Just(u32::MAX / 64)],
    ) {
        // Scaling keeps the ratio and checks that large counts do not overflow.
        let (part, whole) = (part * scale, whole * scale);
        let denominator = numerator + extra + 1;
        let share = Share::parse(numerator, denominator).expect("numerator below denominator");
        let left = u128::from(part) * u128::from(denominator);
        let right = u128::from(whole) * u128::from(numerator);
        prop_assert_eq!(share.exceeded_by(part, whole), left > right);
        prop_assert_eq!(share.reached_by(part, whole), left >= right);
    }

    #[test]
    fn counts_are_the_first_vote_of_each_person_present(
        eligible in 1u32..12,
        absent_seed in 0u32..12,
        attempts in proptest::collection::vec((0u32..16, 0u8..3), 0..60),
    ) {
        // Strictly more than half attend, so the meeting opens.
        let present = eligible - (absent_seed % eligible.div_ceil(2));
        let attendees: Vec<String> = (0..present).map(|i| format!("v{i}")).collect();
        let attendee_refs: Vec<&str> = attendees.iter().map(String::as_str).collect();
        let mut state = given(&[convene(eligible), attend(&attendee_refs), open(), table("a")]);
        let mut first_votes: BTreeMap<u32, MotionChoice> = BTreeMap::new();
        for (voter, choice_index) in attempts {
            let command = vote("a", &format!("v{voter}"), choice(choice_index));
            match Meeting::decide(&state, command) {
                Ok(events) => {
                    prop_assert!(voter < present, "a voter not present was counted");
                    prop_assert!(first_votes.insert(voter, choice(choice_index)).is_none(), "counted twice");
                    for event in &events {
                        state = Meeting::evolve(state, event);
                    }
                }
                Err(error) => {
                    prop_assert!(voter >= present || first_votes.contains_key(&voter), "refused {error}");
                }
            }
        }
        let events = Meeting::decide(&state, close_motion("a")).expect("motion closes");
        let [MeetingEvent::MotionClosed(closed)] = events.as_slice() else {
            panic!("expected MotionClosed, got {events:?}");
        };
        let count = |wanted| u32::try_from(first_votes.values().filter(|c| **c == wanted).count()).expect("small");
        prop_assert_eq!(closed.votes_for, count(MotionChoice::For));
        prop_assert_eq!(closed.votes_against, count(MotionChoice::Against));
        prop_assert_eq!(closed.abstentions, count(MotionChoice::Abstain));
        prop_assert_eq!(closed.present_count, present);
        prop_assert_eq!(closed.passed, 2 * closed.votes_for > present);
    }
}
