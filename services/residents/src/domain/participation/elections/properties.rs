//! Property tests of the count: one ballot per voter, only valid ballots
//! counted, never more winners than seats, ties never drawn by lot.

use super::tests::{ballot, close, counted, given, nominate, open_with};
use super::*;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

const GROUPS: [&str; 3] = ["18-35", "36-59", "60+"];

proptest! {
    #[test]
    fn a_group_never_elects_more_than_its_seats(
        seats in 0u32..6,
        votes in proptest::collection::vec(0u32..6, 0..10),
    ) {
        let tallies: Vec<(String, u32)> =
            votes.iter().enumerate().map(|(i, v)| (format!("c{i}"), *v)).collect();
        let result = count_group(seats, tallies.clone());
        let elected = u32::try_from(result.elected.len()).expect("small");
        prop_assert!(elected <= seats);
        prop_assert!(elected + result.runoff_seats + result.vacant_seats <= seats);
        let votes_of: BTreeMap<&str, u32> = tallies.iter().map(|(id, v)| (id.as_str(), *v)).collect();
        let runoff: BTreeSet<&str> = result.runoff_candidates.iter().map(String::as_str).collect();
        if runoff.is_empty() {
            prop_assert_eq!(result.runoff_seats, 0);
            // Without a tie every seat is filled or vacant for want of candidates.
            prop_assert_eq!(elected + result.vacant_seats, seats);
        } else {
            prop_assert!(result.runoff_seats >= 1);
            prop_assert!(u32::try_from(runoff.len()).expect("small") > result.runoff_seats);
            prop_assert_eq!(elected + result.runoff_seats, seats);
            let tied: BTreeSet<u32> = runoff.iter().map(|id| votes_of[id]).collect();
            prop_assert_eq!(tied.len(), 1, "run-off candidates share one count");
        }
        let winners: BTreeSet<&str> = result.elected.iter().map(String::as_str).collect();
        for (id, votes) in &votes_of {
            if winners.contains(id) {
                continue;
            }
            for winner in &winners {
                prop_assert!(votes_of[winner] > *votes || (runoff.is_empty() && votes_of[winner] >= *votes));
            }
        }
    }

    #[test]
    fn counts_are_the_distinct_valid_ballots(
        seats in proptest::collection::vec(1u32..3, 3),
        candidates_per_group in proptest::collection::vec(0usize..4, 3),
        attempts in proptest::collection::vec(
            (0u32..10, proptest::collection::vec((0usize..3, 0usize..5), 0..5)),
            0..40,
        ),
    ) {
        let groups = AgeGroup::standard(seats[0], seats[1], seats[2]);
        let mut history = vec![open_with(groups, 1000)];
        let mut group_of: BTreeMap<String, usize> = BTreeMap::new();
        for (group, count) in candidates_per_group.iter().enumerate() {
            for index in 0..*count {
                let id = format!("g{group}c{index}");
                history.push(nominate(&id, GROUPS[group]));
                group_of.insert(id, group);
            }
        }
        let mut state = given(&history);
        let mut accepted: BTreeMap<u32, Vec<String>> = BTreeMap::new();
        for (voter, picks) in attempts {
            let choices: Vec<String> = picks.iter().map(|(g, c)| format!("g{g}c{c}")).collect();
            let distinct: BTreeSet<&String> = choices.iter().collect();
            let mut per_group = [0u32; 3];
            let mut known = true;
            for choice in &choices {
                match group_of.get(choice) {
                    Some(group) => per_group[*group] += 1,
                    None => known = false,
                }
            }
            let valid = !accepted.contains_key(&voter)
                && known
                && distinct.len() == choices.len()
                && per_group.iter().zip(&seats).all(|(chosen, seats)| chosen <= seats);
            let refs: Vec<&str> = choices.iter().map(String::as_str).collect();
            match Election::decide(&state, ballot(&format!("v{voter}"), &refs)) {
                Ok(events) => {
                    prop_assert!(valid, "accepted an invalid ballot {choices:?}");
                    accepted.insert(voter, choices);
                    for event in &events {
                        state = Election::evolve(state, event);
                    }
                }
                Err(error) => prop_assert!(!valid, "refused a valid ballot: {error}"),
            }
        }
        let result = counted(Election::decide(&state, close()).expect("counted"));
        prop_assert_eq!(result.ballots_cast, u32::try_from(accepted.len()).expect("small"));
        for (group, outcome) in result.results.iter().enumerate() {
            prop_assert!(u32::try_from(outcome.elected.len()).expect("small") <= seats[group]);
            for tally in &outcome.tallies {
                let expected = accepted.values().filter(|b| b.contains(&tally.candidate_id)).count();
                prop_assert_eq!(tally.votes, u32::try_from(expected).expect("small"));
            }
        }
    }
}
