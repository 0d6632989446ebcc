use super::{CaseOutcome, CaseTotals, Satisfaction};
use proptest::prelude::*;

fn satisfaction() -> impl Strategy<Value = Option<Satisfaction>> {
    prop_oneof![
        Just(None),
        Just(Some(Satisfaction::Satisfied)),
        Just(Some(Satisfaction::BasicallySatisfied)),
        Just(Some(Satisfaction::Dissatisfied)),
    ]
}

fn outcome() -> impl Strategy<Value = CaseOutcome> {
    (any::<[bool; 8]>(), 0u32..4, satisfaction()).prop_map(|(flags, reworks, satisfaction)| {
        let [
            due_to_close,
            closed,
            closed_on_time,
            overdue,
            deferred,
            responded,
            resolved,
            _,
        ] = flags;
        CaseOutcome {
            due_to_close,
            closed,
            closed_on_time,
            reworks,
            overdue,
            deferred,
            responded,
            resolved,
            satisfaction,
        }
    })
}

proptest! {
    #[test]
    fn merging_partitions_equals_aggregating_all(
        outcomes in prop::collection::vec(outcome(), 0..200),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..5),
    ) {
        let mut bounds: Vec<usize> = cuts.iter().map(|cut| cut.index(outcomes.len() + 1)).collect();
        bounds.push(0);
        bounds.push(outcomes.len());
        bounds.sort_unstable();
        let merged = bounds
            .windows(2)
            .map(|pair| CaseTotals::of(&outcomes[pair[0]..pair[1]]))
            .fold(CaseTotals::default(), |total, part| total.merged(&part));
        prop_assert_eq!(merged, CaseTotals::of(&outcomes));
    }

    #[test]
    fn merge_is_commutative(a in prop::collection::vec(outcome(), 0..50), b in prop::collection::vec(outcome(), 0..50)) {
        let (left, right) = (CaseTotals::of(&a), CaseTotals::of(&b));
        prop_assert_eq!(left.merged(&right), right.merged(&left));
    }

    #[test]
    fn rates_never_exceed_one(outcomes in prop::collection::vec(outcome(), 1..100)) {
        let metrics = CaseTotals::of(&outcomes).metrics();
        for rate in [
            metrics.closure_rate,
            metrics.on_time_closure_rate,
            metrics.rework_rate,
            metrics.response_rate,
            metrics.resolution_rate,
            metrics.satisfaction_rate,
        ] {
            prop_assert!(rate.numerator <= rate.denominator, "{:?}", rate);
        }
    }

    #[test]
    fn removing_an_added_outcome_restores_the_totals(
        outcomes in prop::collection::vec(outcome(), 0..50),
        extra in outcome(),
    ) {
        let before = CaseTotals::of(&outcomes);
        let mut after = before;
        after.add(&extra);
        after.remove(&extra);
        prop_assert_eq!(after, before);
    }
}
