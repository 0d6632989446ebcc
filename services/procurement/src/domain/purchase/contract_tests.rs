//! Contract, milestones, monitoring, evaluation and payments.

use super::given::*;
use super::*;

#[test]
fn the_contract_waits_for_the_end_of_the_standstill() {
    refused(
        open_tender_awarded(),
        sign(12, day(49)),
        PurchaseError::StandstillRunning,
    );
    let events = history(contracted());
    let Some(PurchaseEvent::ContractSigned(e)) = events.last() else {
        panic!("{events:?}")
    };
    assert_eq!(
        (e.provider_id.as_str(), e.amount_fen, e.term_months),
        ("a", 45_000_000, 12)
    );
    // The term's last day; 2028 is a leap year.
    assert_eq!(
        (e.starts_on.as_str(), e.ends_on.as_str()),
        ("2027-03-01", "2028-02-29")
    );
    assert_eq!(
        (e.item_code.as_str(), e.dispatchable),
        ("elderly-care.home-visits", false)
    );
}

#[test]
fn a_dispatchable_service_says_so_on_its_contract() {
    let mut p = plan_for(PurchaseMethod::OpenTender);
    p.dispatchable = true;
    let mut commands = contracted();
    commands[0] = plan(p);
    let events = history(commands);
    let Some(PurchaseEvent::ContractSigned(e)) = events.last() else {
        panic!("{events:?}")
    };
    assert!(e.dispatchable);
}

#[test]
fn a_term_is_at_most_a_year_unless_stable_with_a_secured_budget() {
    refused(
        open_tender_awarded(),
        sign(13, day(50)),
        PurchaseError::TermTooLong { given: 13, max: 12 },
    );
    refused(
        open_tender_awarded(),
        sign(0, day(50)),
        PurchaseError::TermTooLong { given: 0, max: 12 },
    );
    let secured = |stable: bool| {
        let mut p = plan_for(PurchaseMethod::OpenTender);
        p.budget_secured = true;
        p.stable_service = stable;
        let mut commands = open_tender_awarded();
        commands[0] = plan(p);
        commands
    };
    refused(
        secured(false),
        sign(24, day(50)),
        PurchaseError::TermTooLong { given: 24, max: 12 },
    );
    refused(
        secured(true),
        sign(37, day(50)),
        PurchaseError::TermTooLong { given: 37, max: 36 },
    );
    let mut given = secured(true);
    given.push(sign(36, day(50)));
    assert!(matches!(
        history(given).last(),
        Some(PurchaseEvent::ContractSigned(_))
    ));
}

#[test]
fn milestone_payments_add_up_to_the_awarded_price_within_the_term() {
    let with = |change: fn(&mut ContractTerms)| {
        let mut terms = terms(12);
        change(&mut terms);
        PurchaseCommand::SignContract {
            district: district(),
            terms,
            rules: Rules::default(),
            at: day(50),
        }
    };
    refused(
        open_tender_awarded(),
        with(|t| t.milestones[1].payment_fen += 1),
        PurchaseError::PaymentsNotAwarded {
            sum: 45_000_001,
            awarded: 45_000_000,
        },
    );
    refused(
        open_tender_awarded(),
        with(|t| t.milestones.clear()),
        PurchaseError::NoMilestones,
    );
    refused(
        open_tender_awarded(),
        with(|t| t.milestones[1].milestone_id = "m1".into()),
        PurchaseError::MilestoneTwice("m1".into()),
    );
    refused(
        open_tender_awarded(),
        with(|t| t.milestones[1].due = date(2028, 3, 2)),
        PurchaseError::MilestoneOutsideTerm("m2".into()),
    );
}

#[test]
fn a_milestone_with_unsatisfactory_monitoring_is_not_delivered() {
    let monitor = |ok: bool| PurchaseCommand::Monitor {
        district: district(),
        milestone_id: "m1".into(),
        satisfactory: ok,
        note: if ok {
            String::new()
        } else {
            "visits skipped in week 3".into()
        },
        at: day(120),
    };
    let mut given = contracted();
    given.push(monitor(false));
    refused(
        given.clone(),
        deliver("m1"),
        PurchaseError::MonitoringUnsatisfactory("m1".into()),
    );
    given.push(monitor(true));
    given.push(deliver("m1"));
    refused(
        given.clone(),
        deliver("m1"),
        PurchaseError::AlreadyDelivered("m1".into()),
    );
    refused(
        given,
        deliver("m9"),
        PurchaseError::UnknownMilestone("m9".into()),
    );
}

#[test]
fn payments_follow_delivery_and_the_final_one_a_passed_evaluation() {
    let mut given = contracted();
    refused(
        given.clone(),
        pay("m1"),
        PurchaseError::NotDelivered("m1".into()),
    );
    given.push(deliver("m1"));
    given.push(pay("m1"));
    refused(
        given.clone(),
        pay("m1"),
        PurchaseError::AlreadyPaid("m1".into()),
    );
    refused(
        given.clone(),
        evaluate(Evaluator::Buyer, "", 80),
        PurchaseError::EvaluationTooEarly,
    );
    given.push(deliver("m2"));
    refused(given.clone(), pay("m2"), PurchaseError::NotEvaluated);
    let mut failed = given.clone();
    failed.push(evaluate(Evaluator::Buyer, "", 59));
    refused(
        failed,
        pay("m2"),
        PurchaseError::EvaluationFailed { score: 59 },
    );
    given.push(evaluate(Evaluator::ThirdParty, "重庆社会组织评估中心", 60));
    refused(
        given.clone(),
        evaluate(Evaluator::Buyer, "", 90),
        PurchaseError::AlreadyEvaluated,
    );
    given.push(pay("m2"));
    let events = history(given);
    let Some(PurchaseEvent::PaymentMade(e)) = events.last() else {
        panic!("{events:?}")
    };
    assert!(e.contract_completed);
    assert_eq!(e.amount_fen, 25_000_000);
    let PurchaseState::Present(facts) = state(&events) else {
        panic!("present")
    };
    assert_eq!(facts.phase, Phase::Completed);
}

#[test]
fn the_evaluation_keeps_the_residents_satisfaction_it_saw() {
    let mut given = contracted();
    given.push(deliver("m1"));
    given.push(deliver("m2"));
    given.push(evaluate(Evaluator::Buyer, "", 75));
    let events = history(given);
    let Some(PurchaseEvent::Evaluated(e)) = events.last() else {
        panic!("{events:?}")
    };
    assert_eq!(
        (e.satisfaction_count, e.satisfaction_star_sum, e.passed),
        (3, 13, true)
    );
}

#[test]
fn an_evaluator_is_named() {
    let mut given = contracted();
    given.push(deliver("m1"));
    given.push(deliver("m2"));
    refused(
        given.clone(),
        evaluate(Evaluator::Unspecified, "", 80),
        PurchaseError::EvaluatorRequired,
    );
    refused(
        given.clone(),
        evaluate(Evaluator::ThirdParty, " ", 80),
        PurchaseError::EvaluatorRequired,
    );
    refused(
        given,
        evaluate(Evaluator::Buyer, "", 101),
        PurchaseError::ScoreOutOfRange(101),
    );
}

#[test]
fn delivery_commands_need_a_contract() {
    refused(
        open_tender_awarded(),
        deliver("m1"),
        PurchaseError::WrongPhase {
            phase: Phase::Awarded,
            expected: "under contract",
        },
    );
}
