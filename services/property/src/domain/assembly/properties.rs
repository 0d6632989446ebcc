//! Art. 278 counting over random estates: the outcome agrees with the law
//! spelled out independently, does not depend on ballot order, and never
//! gets worse when someone more agrees.

use super::*;
use crate::domain::area::Area;
use proptest::prelude::*;
use std::collections::BTreeSet;

fn estates() -> impl Strategy<Value = Vec<RollUnit>> {
    // Up to 40 units, areas 0.01..=300 m², owners from a small pool so that
    // multi-unit buyers are common; `None` is an unsold developer unit.
    prop::collection::vec((1u64..=30_000, prop::option::weighted(0.8, 0u8..12)), 1..40).prop_map(
        |units| {
            units
                .into_iter()
                .enumerate()
                .map(|(i, (area, owner))| RollUnit {
                    unit_id: format!("u{i}"),
                    area: Area::from_centiares(area),
                    owner: owner.map(|o| format!("o{o}")),
                })
                .collect()
        },
    )
}

fn choice() -> impl Strategy<Value = Option<Choice>> {
    prop_oneof![
        Just(None),
        Just(Some(Choice::For)),
        Just(Some(Choice::Against)),
        Just(Some(Choice::Abstain)),
    ]
}

fn matter() -> impl Strategy<Value = Matter> {
    prop::sample::select(Matter::ALL.to_vec())
}

fn ballots_for(roll: &Roll, choices: &[Option<Choice>]) -> Vec<Ballot> {
    roll.heads()
        .zip(choices.iter().cycle())
        .filter_map(|((head, _), choice)| {
            choice.map(|choice| Ballot {
                head: head.clone(),
                choice,
            })
        })
        .collect()
}

/// The law as written, over plain integers, without the module's helpers.
fn by_the_letter(units: &[RollUnit], matter: Matter, ballots: &[Ballot]) -> bool {
    let head_of = |u: &RollUnit| {
        u.owner
            .clone()
            .map_or(Head::UnsoldDeveloperUnits, Head::Owner)
    };
    let heads: BTreeSet<Head> = units.iter().map(head_of).collect();
    let area_of = |h: &Head| -> u128 {
        units
            .iter()
            .filter(|u| &head_of(u) == h)
            .map(|u| u128::from(u.area.centiares()))
            .sum()
    };
    let total_area: u128 = units.iter().map(|u| u128::from(u.area.centiares())).sum();
    let total_heads = heads.len() as u128;
    let part_area: u128 = ballots.iter().map(|b| area_of(&b.head)).sum();
    let part_heads = ballots.len() as u128;
    let agree: Vec<&Ballot> = ballots.iter().filter(|b| b.choice == Choice::For).collect();
    let agree_area: u128 = agree.iter().map(|b| area_of(&b.head)).sum();
    let agree_heads = agree.len() as u128;
    let valid = 3 * part_area >= 2 * total_area && 3 * part_heads >= 2 * total_heads;
    let agreed = match matter {
        Matter::RaiseMaintenanceFund | Matter::Rebuild | Matter::ChangeUseOfCommonParts => {
            4 * agree_area >= 3 * part_area && 4 * agree_heads >= 3 * part_heads
        }
        _ => 2 * agree_area > part_area && 2 * agree_heads > part_heads,
    };
    valid && agreed && part_heads > 0
}

proptest! {
    #[test]
    fn the_roll_keeps_every_square_centimetre_and_counts_heads_by_the_rules(units in estates()) {
        let roll = Roll::from_units(&units).expect("generated estates are valid");
        let owners: BTreeSet<&String> = units.iter().filter_map(|u| u.owner.as_ref()).collect();
        let unsold = units.iter().any(|u| u.owner.is_none());
        prop_assert_eq!(roll.head_count(), owners.len() as u64 + u64::from(unsold));
        prop_assert_eq!(roll.total_area(), units.iter().map(|u| u.area).sum::<Area>());
        prop_assert_eq!(roll.heads().map(|(_, a)| a).sum::<Area>(), roll.total_area());
    }

    #[test]
    fn the_count_agrees_with_the_letter_of_the_law(
        units in estates(),
        choices in prop::collection::vec(choice(), 1..16),
        matter in matter(),
    ) {
        let roll = Roll::from_units(&units).expect("valid");
        let ballots = ballots_for(&roll, &choices);
        let outcome = count(&roll, matter, &ballots).expect("one ballot per head");
        prop_assert_eq!(outcome.passed, by_the_letter(&units, matter, &ballots));
    }

    #[test]
    fn ballot_order_does_not_matter(
        units in estates(),
        choices in prop::collection::vec(choice(), 1..16),
        matter in matter(),
    ) {
        let roll = Roll::from_units(&units).expect("valid");
        let ballots = ballots_for(&roll, &choices);
        let mut reversed = ballots.clone();
        reversed.reverse();
        prop_assert_eq!(count(&roll, matter, &ballots), count(&roll, matter, &reversed));
    }

    #[test]
    fn more_agreement_never_undoes_a_pass(
        units in estates(),
        choices in prop::collection::vec(choice(), 1..16),
        matter in matter(),
        convert in any::<prop::sample::Index>(),
    ) {
        let roll = Roll::from_units(&units).expect("valid");
        let ballots = ballots_for(&roll, &choices);
        let before = count(&roll, matter, &ballots).expect("count");
        // One head that did not agree (or did not vote) now votes for.
        let heads: Vec<Head> = roll.heads().map(|(h, _)| h.clone()).collect();
        let head = convert.get(&heads).clone();
        let mut more = ballots.into_iter().filter(|b| b.head != head).collect::<Vec<_>>();
        more.push(Ballot { head, choice: Choice::For });
        let after = count(&roll, matter, &more).expect("count");
        prop_assert!(!before.passed || after.passed);
    }
}
