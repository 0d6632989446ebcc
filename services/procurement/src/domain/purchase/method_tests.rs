//! Planning rules of every method.

use super::given::*;
use super::*;
use gongzhi_kernel::Decider;

fn plan_refused(p: PurchasePlan, error: PurchaseError) {
    assert_eq!(
        Purchase::decide(&PurchaseState::Absent, plan(p)),
        Err(error)
    );
}

#[test]
fn every_method_plans_with_its_own_fixture() {
    for method in [
        PurchaseMethod::OpenTender,
        PurchaseMethod::Invitation,
        PurchaseMethod::CompetitiveNegotiation,
        PurchaseMethod::CompetitiveConsultation,
        PurchaseMethod::SingleSource,
    ] {
        let events = history(vec![plan(plan_for(method))]);
        let [PurchaseEvent::Planned(e)] = events.as_slice() else {
            panic!("{events:?}")
        };
        assert_eq!(e.method, method as i32);
    }
}

#[test]
fn a_method_must_be_named() {
    plan_refused(
        plan_for(PurchaseMethod::Unspecified).with_method(PurchaseMethod::Unspecified),
        PurchaseError::Required { field: "method" },
    );
}

#[test]
fn a_budget_is_above_zero_and_bounded() {
    let mut p = plan_for(PurchaseMethod::OpenTender);
    p.budget_fen = 0;
    plan_refused(
        p.clone(),
        PurchaseError::BudgetOutOfRange {
            max: scoring::MAX_FEN,
        },
    );
    p.budget_fen = scoring::MAX_FEN + 1;
    plan_refused(
        p,
        PurchaseError::BudgetOutOfRange {
            max: scoring::MAX_FEN,
        },
    );
}

#[test]
fn an_open_tender_names_no_providers() {
    let mut p = plan_for(PurchaseMethod::OpenTender);
    p.invited_provider_ids = vec!["a".into()];
    plan_refused(p, PurchaseError::OpenTenderInvites);
}

#[test]
fn single_source_needs_a_justification_and_exactly_one_provider() {
    let mut p = plan_for(PurchaseMethod::SingleSource);
    p.justification = "  ".into();
    plan_refused(
        p,
        PurchaseError::JustificationMissing {
            method: PurchaseMethod::SingleSource,
        },
    );
    let mut p = plan_for(PurchaseMethod::SingleSource);
    p.invited_provider_ids.push("b".into());
    plan_refused(
        p,
        PurchaseError::InvitedCount {
            method: PurchaseMethod::SingleSource,
            min: 1,
            max: 1,
            given: 2,
        },
    );
}

#[test]
fn invitation_negotiation_and_consultation_invite_three_and_justify() {
    for method in [
        PurchaseMethod::Invitation,
        PurchaseMethod::CompetitiveNegotiation,
        PurchaseMethod::CompetitiveConsultation,
    ] {
        let mut p = plan_for(method);
        p.invited_provider_ids.pop();
        plan_refused(
            p,
            PurchaseError::InvitedCount {
                method,
                min: 3,
                max: usize::MAX,
                given: 2,
            },
        );
        let mut p = plan_for(method);
        p.justification.clear();
        plan_refused(p, PurchaseError::JustificationMissing { method });
        let mut p = plan_for(method);
        p.invited_provider_ids[2] = "a".into();
        plan_refused(p, PurchaseError::InvitedTwice("a".into()));
    }
}

#[test]
fn comprehensive_scoring_weighs_price_ten_to_thirty() {
    for method in [
        PurchaseMethod::OpenTender,
        PurchaseMethod::Invitation,
        PurchaseMethod::CompetitiveConsultation,
    ] {
        let mut p = plan_for(method);
        p.price_weight = 40;
        p.criteria = vec![("plan".into(), 60)];
        plan_refused(
            p,
            PurchaseError::PriceWeight {
                min: 10,
                max: 30,
                given: 40,
            },
        );
        let mut p = plan_for(method);
        p.criteria.clear();
        plan_refused(p, PurchaseError::NoCriteria);
    }
}

#[test]
fn weights_add_up_to_one_hundred_over_distinct_criteria() {
    let mut p = plan_for(PurchaseMethod::OpenTender);
    p.criteria[1].1 = 20;
    plan_refused(p, PurchaseError::WeightsNot100(90));
    let mut p = plan_for(PurchaseMethod::OpenTender);
    p.criteria[1].0 = "plan".into();
    plan_refused(p, PurchaseError::CriterionTwice("plan".into()));
}

#[test]
fn negotiation_and_single_source_compare_prices_only() {
    for method in [
        PurchaseMethod::CompetitiveNegotiation,
        PurchaseMethod::SingleSource,
    ] {
        let mut p = plan_for(method);
        p.price_weight = 30;
        p.criteria = vec![("plan".into(), 70)];
        plan_refused(p, PurchaseError::LowestPriceOnly { method });
    }
}

#[test]
fn each_method_has_its_minimum_tender_period() {
    for (method, days) in [
        (PurchaseMethod::OpenTender, 20),
        (PurchaseMethod::Invitation, 20),
        (PurchaseMethod::CompetitiveNegotiation, 3),
        (PurchaseMethod::CompetitiveConsultation, 10),
        (PurchaseMethod::SingleSource, 5),
    ] {
        // Published on day 2: the deadline is day 2 + days at the earliest.
        refused(
            vec![plan(plan_for(method))],
            publish(day(1 + days)),
            PurchaseError::DeadlineTooSoon { days },
        );
        let events = history(vec![plan(plan_for(method)), publish(day(2 + days))]);
        assert!(matches!(
            events.last(),
            Some(PurchaseEvent::TenderPublished(_))
        ));
    }
}

#[test]
fn invited_methods_take_bids_from_invited_providers_only() {
    for method in [
        PurchaseMethod::Invitation,
        PurchaseMethod::CompetitiveNegotiation,
        PurchaseMethod::CompetitiveConsultation,
        PurchaseMethod::SingleSource,
    ] {
        refused(
            vec![plan(plan_for(method)), publish(day(30))],
            bid("z", 1_000, day(5)),
            PurchaseError::NotInvited("z".into()),
        );
    }
}

#[test]
fn each_method_needs_its_number_of_qualified_bids() {
    let three = |method| {
        vec![
            plan(plan_for(method)),
            publish(day(30)),
            bid("a", 30_000_000, day(5)),
            bid("b", 31_000_000, day(5)),
            bid("c", 32_000_000, day(5)),
            review("a", true),
            review("b", true),
            review("c", false),
        ]
    };
    for method in [
        PurchaseMethod::Invitation,
        PurchaseMethod::CompetitiveNegotiation,
    ] {
        let points = if method == PurchaseMethod::Invitation {
            vec![("a", vec![80, 80]), ("b", vec![80, 80])]
        } else {
            vec![]
        };
        refused(
            three(method),
            score(&points),
            PurchaseError::TooFewQualifiedBids {
                qualified: 2,
                min: 3,
            },
        );
    }
    // Consultation for services may go on with two (财库〔2015〕124号).
    let events = history({
        let mut c = three(PurchaseMethod::CompetitiveConsultation);
        c.push(score(&[("a", vec![80, 80]), ("b", vec![80, 80])]));
        c
    });
    assert!(matches!(events.last(), Some(PurchaseEvent::Scored(_))));
}

#[test]
fn negotiation_awards_the_lowest_qualified_price() {
    let events = history(vec![
        plan(plan_for(PurchaseMethod::CompetitiveNegotiation)),
        publish(day(10)),
        bid("a", 30_000_000, day(5)),
        bid("b", 29_000_000, day(5)),
        bid("c", 28_000_000, day(5)),
        review("a", true),
        review("b", true),
        review("c", true),
        score(&[]),
    ]);
    let Some(PurchaseEvent::Scored(e)) = events.last() else {
        panic!("{events:?}")
    };
    assert_eq!(e.scores[0].provider_id, "c");
    assert_eq!(
        (e.scores[0].total_numerator, e.scores[0].total_denominator),
        (100, 1)
    );
    refused(
        vec![
            plan(plan_for(PurchaseMethod::CompetitiveNegotiation)),
            publish(day(10)),
            bid("a", 30_000_000, day(5)),
            bid("b", 29_000_000, day(5)),
            bid("c", 28_000_000, day(5)),
            review("a", true),
            review("b", true),
            review("c", true),
        ],
        score(&[("a", vec![50])]),
        PurchaseError::ScoresMismatch("a lowest-price purchase takes no points".into()),
    );
}

#[test]
fn single_source_goes_on_with_its_one_provider() {
    let events = history(vec![
        plan(plan_for(PurchaseMethod::SingleSource)),
        publish(day(10)),
        bid("a", 30_000_000, day(5)),
        review("a", true),
        score(&[]),
        award("a"),
    ]);
    assert!(matches!(events.last(), Some(PurchaseEvent::Awarded(_))));
}

impl PurchasePlan {
    fn with_method(mut self, method: PurchaseMethod) -> Self {
        self.method = method;
        self
    }
}
