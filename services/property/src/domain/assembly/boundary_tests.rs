use super::*;
use crate::domain::area::Area;

fn unit(id: &str, centiares: u64, owner: Option<&str>) -> RollUnit {
    RollUnit {
        unit_id: id.to_owned(),
        area: Area::from_centiares(centiares),
        owner: owner.map(str::to_owned),
    }
}

/// `n` owners with one unit of 100.00 m² each, owners o0..o(n-1).
fn equal_estate(n: usize) -> Roll {
    let units: Vec<RollUnit> = (0..n)
        .map(|i| unit(&format!("u{i}"), 10_000, Some(&format!("o{i}"))))
        .collect();
    Roll::from_units(&units).expect("valid estate")
}

fn ballot(owner: &str, choice: Choice) -> Ballot {
    Ballot {
        head: Head::Owner(owner.to_owned()),
        choice,
    }
}

fn ballots(choices: &[Choice]) -> Vec<Ballot> {
    choices
        .iter()
        .enumerate()
        .map(|(i, c)| ballot(&format!("o{i}"), *c))
        .collect()
}

use Choice::{Abstain, Against, For};

#[test]
fn exactly_two_thirds_taking_part_is_enough() {
    let outcome =
        count(&equal_estate(3), Matter::OtherMajor, &ballots(&[For, For])).expect("count");
    assert_eq!(outcome.reason, OutcomeReason::Passed);
    assert_eq!(outcome.tally.participating.heads, 2);
}

#[test]
fn one_hundredth_of_a_square_metre_below_two_thirds_is_not() {
    let units = [
        unit("a", 10_000, Some("o0")),
        unit("b", 10_000, Some("o1")),
        unit("c", 10_001, Some("o2")),
    ];
    let roll = Roll::from_units(&units).expect("roll");
    let outcome = count(&roll, Matter::OtherMajor, &ballots(&[For, For])).expect("count");
    assert!(!outcome.passed);
    assert_eq!(
        outcome.reason,
        OutcomeReason::ParticipatingAreaBelowTwoThirds
    );
}

#[test]
fn enough_area_but_too_few_heads_is_not_valid() {
    // o0 holds three large units: 3/5 of the heads would be needed, o0 is one.
    let units = [
        unit("a", 90_000, Some("o0")),
        unit("b", 90_000, Some("o0")),
        unit("c", 90_000, Some("o0")),
        unit("d", 5_000, Some("o1")),
        unit("e", 5_000, Some("o2")),
    ];
    let roll = Roll::from_units(&units).expect("roll");
    assert_eq!(roll.head_count(), 3);
    let outcome = count(&roll, Matter::OtherMajor, &[ballot("o0", For)]).expect("count");
    assert_eq!(
        outcome.reason,
        OutcomeReason::ParticipatingHeadsBelowTwoThirds
    );
}

#[test]
fn exactly_half_agreeing_is_not_more_than_half() {
    let outcome = count(
        &equal_estate(4),
        Matter::HireOrDismissManager,
        &ballots(&[For, For, Against, Abstain]),
    )
    .expect("count");
    assert!(!outcome.passed);
    assert_eq!(outcome.reason, OutcomeReason::AgreeingAreaBelowThreshold);
    let outcome = count(
        &equal_estate(4),
        Matter::HireOrDismissManager,
        &ballots(&[For, For, For, Abstain]),
    )
    .expect("count");
    assert!(outcome.passed);
}

#[test]
fn exactly_three_quarters_raises_the_fund_one_less_does_not() {
    let six_of_eight = ballots(&[For, For, For, For, For, For, Against, Abstain]);
    let outcome = count(
        &equal_estate(8),
        Matter::RaiseMaintenanceFund,
        &six_of_eight,
    )
    .expect("count");
    assert_eq!(outcome.reason, OutcomeReason::Passed);
    let five_of_eight = ballots(&[For, For, For, For, For, Against, Against, Abstain]);
    let outcome = count(
        &equal_estate(8),
        Matter::RaiseMaintenanceFund,
        &five_of_eight,
    )
    .expect("count");
    assert_eq!(outcome.reason, OutcomeReason::AgreeingAreaBelowThreshold);
    // The same five of eight is a clear majority for an ordinary matter.
    let outcome =
        count(&equal_estate(8), Matter::UseMaintenanceFund, &five_of_eight).expect("count");
    assert!(outcome.passed);
}

#[test]
fn area_agrees_but_heads_do_not() {
    // o0 holds 70% of the area; o0 for, o1..o3 against: area 70% >= 50%,
    // heads 1/4.
    let units = [
        unit("a", 70_000, Some("o0")),
        unit("b", 10_000, Some("o1")),
        unit("c", 10_000, Some("o2")),
        unit("d", 10_000, Some("o3")),
    ];
    let roll = Roll::from_units(&units).expect("roll");
    let outcome = count(
        &roll,
        Matter::ManagementStatute,
        &ballots(&[For, Against, Against, Against]),
    )
    .expect("count");
    assert_eq!(outcome.reason, OutcomeReason::AgreeingHeadsBelowThreshold);
}

#[test]
fn the_three_quarter_matters_are_exactly_fund_raising_rebuilding_and_common_parts() {
    let strict: Vec<Matter> = Matter::ALL
        .into_iter()
        .filter(|m| m.threshold() == Threshold::AtLeastThreeQuarters)
        .collect();
    assert_eq!(
        strict,
        vec![
            Matter::RaiseMaintenanceFund,
            Matter::Rebuild,
            Matter::ChangeUseOfCommonParts
        ]
    );
}

#[test]
fn unsold_units_count_as_one_head_and_one_buyer_counts_once() {
    let units = [
        unit("a", 10_000, None),
        unit("b", 10_000, None),
        unit("c", 10_000, None),
        unit("d", 10_000, Some("buyer")),
        unit("e", 10_000, Some("buyer")),
        unit("f", 10_000, Some("other")),
    ];
    let roll = Roll::from_units(&units).expect("roll");
    assert_eq!(roll.head_count(), 3);
    assert_eq!(
        roll.area_of(&Head::UnsoldDeveloperUnits),
        Some(Area::from_centiares(30_000))
    );
    assert_eq!(
        roll.area_of(&Head::Owner("buyer".into())),
        Some(Area::from_centiares(20_000))
    );
}

#[test]
fn a_second_ballot_or_a_stranger_is_refused() {
    let roll = equal_estate(3);
    assert_eq!(
        count(
            &roll,
            Matter::OtherMajor,
            &[ballot("o0", For), ballot("o0", Against)]
        ),
        Err(TallyError::SecondBallot(Head::Owner("o0".into())))
    );
    assert_eq!(
        count(&roll, Matter::OtherMajor, &[ballot("x", For)]),
        Err(TallyError::NotOnRoll(Head::Owner("x".into())))
    );
}

#[test]
fn a_roll_refuses_duplicates_empty_owners_zero_areas_and_nothing() {
    assert_eq!(
        Roll::from_units(&[unit("a", 1, Some("o")), unit("a", 1, Some("p"))]),
        Err(RollError::DuplicateUnit("a".into()))
    );
    assert_eq!(
        Roll::from_units(&[unit("a", 0, Some("o"))]),
        Err(RollError::ZeroArea("a".into()))
    );
    assert_eq!(
        Roll::from_units(&[unit("a", 1, Some(" "))]),
        Err(RollError::EmptyOwner("a".into()))
    );
    assert_eq!(Roll::from_units(&[]), Err(RollError::Empty));
}
