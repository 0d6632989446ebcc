//! Fixtures for purchase tests: a plan per method and a history up to each
//! phase.

use super::*;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use gongzhi_kernel::{Decider, DistrictCode};

pub fn district() -> DistrictCode {
    DistrictCode::parse("500108").expect("district")
}

/// Day `n` of 2027 at 09:00 UTC, from 1 January.
pub fn day(n: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 1, 9, 0, 0)
        .single()
        .expect("time")
        + Duration::days(n - 1)
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

pub fn plan_for(method: PurchaseMethod) -> PurchasePlan {
    let (invited, price_weight, criteria, justification): (Vec<&str>, u32, Vec<(&str, u32)>, &str) =
        match method {
            PurchaseMethod::OpenTender => (vec![], 30, vec![("plan", 40), ("team", 30)], ""),
            PurchaseMethod::Invitation | PurchaseMethod::CompetitiveConsultation => (
                vec!["a", "b", "c"],
                30,
                vec![("plan", 40), ("team", 30)],
                "few qualified providers in the district",
            ),
            PurchaseMethod::CompetitiveNegotiation => {
                (vec!["a", "b", "c"], 100, vec![], "urgent after the flood")
            }
            PurchaseMethod::SingleSource | PurchaseMethod::Unspecified => {
                (vec!["a"], 100, vec![], "the only licensed mediation centre")
            }
        };
    PurchasePlan {
        purchase_id: "pu1".into(),
        title: "南坪街道居家养老上门服务".into(),
        item_code: "elderly-care.home-visits".into(),
        stable_service: true,
        dispatchable: false,
        budget_fen: 50_000_000,
        budget_secured: false,
        method,
        justification: justification.into(),
        invited_provider_ids: invited.into_iter().map(String::from).collect(),
        price_weight,
        criteria: criteria
            .into_iter()
            .map(|(c, w)| (c.to_owned(), w))
            .collect(),
    }
}

pub fn plan(p: PurchasePlan) -> PurchaseCommand {
    PurchaseCommand::Plan {
        district: district(),
        plan: p,
        at: day(1),
    }
}

pub fn publish(deadline: DateTime<Utc>) -> PurchaseCommand {
    PurchaseCommand::Publish {
        district: district(),
        deadline,
        at: day(2),
    }
}

pub fn bid(provider: &str, price: u64, at: DateTime<Utc>) -> PurchaseCommand {
    PurchaseCommand::Bid {
        district: district(),
        provider_id: provider.into(),
        price_fen: price,
        at,
    }
}

pub fn review(provider: &str, qualified: bool) -> PurchaseCommand {
    PurchaseCommand::ReviewQualification {
        district: district(),
        provider_id: provider.into(),
        qualified,
        reason: if qualified {
            String::new()
        } else {
            "licence expired".into()
        },
        at: day(40),
    }
}

pub fn score(points: &[(&str, Vec<u32>)]) -> PurchaseCommand {
    PurchaseCommand::Score {
        district: district(),
        points: points
            .iter()
            .map(|(p, s)| ((*p).to_owned(), s.clone()))
            .collect(),
        at: day(41),
    }
}

pub fn award(provider: &str) -> PurchaseCommand {
    PurchaseCommand::Award {
        district: district(),
        provider_id: provider.into(),
        rules: Rules::default(),
        at: day(42),
    }
}

/// Runs `commands` from an empty stream, failing the test on a refusal.
pub fn history(commands: Vec<PurchaseCommand>) -> Vec<PurchaseEvent> {
    let mut events = Vec::new();
    for command in commands {
        let state = Purchase::fold(&events);
        let more = Purchase::decide(&state, command.clone())
            .unwrap_or_else(|e| panic!("{command:?} refused: {e}"));
        events.extend(more);
    }
    events
}

pub fn state(events: &[PurchaseEvent]) -> PurchaseState {
    Purchase::fold(events)
}

/// Open tender with bids a (best), b, c (c not qualified when `c_ok` is
/// false), closed for bids and reviewed.
pub fn open_tender_reviewed(c_ok: bool) -> Vec<PurchaseCommand> {
    vec![
        plan(plan_for(PurchaseMethod::OpenTender)),
        publish(day(30)),
        bid("a", 45_000_000, day(10)),
        bid("b", 40_000_000, day(11)),
        bid("c", 48_000_000, day(12)),
        bid("d", 49_000_000, day(13)),
        review("a", true),
        review("b", true),
        review("c", c_ok),
        review("d", true),
    ]
}

/// The open tender scored: a 90/90 at 45m (total 36+27+30*40/45=89.67),
/// b 70/70 at 40m (28+21+30=79), c (if qualified) and d low.
pub fn open_tender_scored() -> Vec<PurchaseCommand> {
    let mut commands = open_tender_reviewed(false);
    commands.push(score(&[
        ("a", vec![90, 90]),
        ("b", vec![70, 70]),
        ("d", vec![50, 50]),
    ]));
    commands
}

pub fn open_tender_awarded() -> Vec<PurchaseCommand> {
    let mut commands = open_tender_scored();
    commands.push(award("a"));
    commands
}

pub fn terms(term_months: u32) -> ContractTerms {
    ContractTerms {
        contract_id: "ct1".into(),
        starts_on: date(2027, 3, 1),
        term_months,
        milestones: vec![
            MilestonePlan {
                milestone_id: "m1".into(),
                title: "first half".into(),
                due: date(2027, 8, 31),
                payment_fen: 20_000_000,
            },
            MilestonePlan {
                milestone_id: "m2".into(),
                title: "second half".into(),
                due: date(2028, 2, 28),
                payment_fen: 25_000_000,
            },
        ],
    }
}

pub fn sign(term_months: u32, at: DateTime<Utc>) -> PurchaseCommand {
    PurchaseCommand::SignContract {
        district: district(),
        terms: terms(term_months),
        rules: Rules::default(),
        at,
    }
}

pub fn contracted() -> Vec<PurchaseCommand> {
    let mut commands = open_tender_awarded();
    commands.push(sign(12, day(50)));
    commands
}

pub fn deliver(m: &str) -> PurchaseCommand {
    PurchaseCommand::Deliver {
        district: district(),
        milestone_id: m.into(),
        at: day(200),
    }
}

pub fn pay(m: &str) -> PurchaseCommand {
    PurchaseCommand::Pay {
        district: district(),
        milestone_id: m.into(),
        at: day(210),
    }
}

pub fn evaluate(evaluator: Evaluator, name: &str, score: u32) -> PurchaseCommand {
    PurchaseCommand::Evaluate {
        district: district(),
        evaluator,
        evaluator_name: name.into(),
        score,
        satisfaction: Satisfaction {
            count: 3,
            star_sum: 13,
        },
        rules: Rules::default(),
        at: day(220),
    }
}

/// `command` refused with `error`, and nothing decided.
pub fn refused(given: Vec<PurchaseCommand>, command: PurchaseCommand, error: PurchaseError) {
    let events = history(given);
    assert_eq!(Purchase::decide(&state(&events), command), Err(error));
}
