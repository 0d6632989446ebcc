//! Tender, bids, qualification, scoring, award, standstill and challenges.

use super::given::*;
use super::*;
use gongzhi_kernel::Decider;

fn tendering() -> Vec<PurchaseCommand> {
    vec![plan(plan_for(PurchaseMethod::OpenTender)), publish(day(30))]
}

#[test]
fn a_plan_is_made_once_and_published_once() {
    refused(
        tendering(),
        plan(plan_for(PurchaseMethod::OpenTender)),
        PurchaseError::AlreadyExists,
    );
    refused(
        tendering(),
        publish(day(40)),
        PurchaseError::WrongPhase {
            phase: Phase::Tendering,
            expected: "planned",
        },
    );
}

#[test]
fn a_bid_before_publication_is_refused() {
    refused(
        vec![plan(plan_for(PurchaseMethod::OpenTender))],
        bid("a", 1_000, day(3)),
        PurchaseError::WrongPhase {
            phase: Phase::Planned,
            expected: "open for bids",
        },
    );
}

#[test]
fn a_bid_after_the_deadline_is_refused() {
    refused(
        tendering(),
        bid("a", 1_000, day(30) + chrono::Duration::seconds(1)),
        PurchaseError::DeadlinePassed,
    );
    // At the deadline itself it is still on time.
    assert!(Purchase::decide(&state(&history(tendering())), bid("a", 1_000, day(30))).is_ok());
}

#[test]
fn a_second_bid_from_one_provider_is_refused() {
    let mut given = tendering();
    given.push(bid("a", 45_000_000, day(10)));
    refused(
        given,
        bid("a", 44_000_000, day(11)),
        PurchaseError::AlreadyBid("a".into()),
    );
}

#[test]
fn a_bid_above_the_budget_or_of_zero_is_refused() {
    refused(
        tendering(),
        bid("a", 50_000_001, day(10)),
        PurchaseError::PriceOutOfRange {
            price: 50_000_001,
            budget: 50_000_000,
        },
    );
    refused(
        tendering(),
        bid("a", 0, day(10)),
        PurchaseError::PriceOutOfRange {
            price: 0,
            budget: 50_000_000,
        },
    );
}

#[test]
fn qualification_is_reviewed_after_the_deadline_once_per_bid() {
    let mut given = tendering();
    given.push(bid("a", 45_000_000, day(10)));
    let early = PurchaseCommand::ReviewQualification {
        district: district(),
        provider_id: "a".into(),
        qualified: true,
        reason: String::new(),
        at: day(20),
    };
    refused(given.clone(), early, PurchaseError::DeadlineNotPassed);
    refused(
        given.clone(),
        review("z", true),
        PurchaseError::NoBid("z".into()),
    );
    let mut no_reason = review("a", false);
    if let PurchaseCommand::ReviewQualification { reason, .. } = &mut no_reason {
        reason.clear();
    }
    refused(
        given.clone(),
        no_reason,
        PurchaseError::Required { field: "reason" },
    );
    given.push(review("a", true));
    refused(
        given,
        review("a", false),
        PurchaseError::AlreadyReviewed("a".into()),
    );
}

#[test]
fn scoring_waits_for_every_review_and_takes_points_for_qualified_bids_only() {
    let mut unreviewed = open_tender_reviewed(false);
    unreviewed.pop();
    refused(
        unreviewed,
        score(&[]),
        PurchaseError::NotReviewed("d".into()),
    );
    let given = open_tender_reviewed(false);
    refused(
        given.clone(),
        score(&[("a", vec![90, 90]), ("b", vec![70, 70])]),
        PurchaseError::ScoresMismatch("one list of points for d".into()),
    );
    refused(
        given.clone(),
        score(&[
            ("a", vec![90, 90]),
            ("b", vec![70, 70]),
            ("c", vec![1, 1]),
            ("d", vec![50, 50]),
        ]),
        PurchaseError::ScoresMismatch("c is not a qualified bidder".into()),
    );
    refused(
        given.clone(),
        score(&[("a", vec![90]), ("b", vec![70, 70]), ("d", vec![50, 50])]),
        PurchaseError::ScoresMismatch("a needs 2 points, got 1".into()),
    );
    refused(
        given,
        score(&[
            ("a", vec![101, 90]),
            ("b", vec![70, 70]),
            ("d", vec![50, 50]),
        ]),
        PurchaseError::ScoreOutOfRange(101),
    );
}

#[test]
fn scores_are_exact_and_ranked() {
    let events = history(open_tender_scored());
    let Some(PurchaseEvent::Scored(e)) = events.last() else {
        panic!("{events:?}")
    };
    let ranked: Vec<(&str, u64, u64, u32)> = e
        .scores
        .iter()
        .map(|s| {
            (
                s.provider_id.as_str(),
                s.total_numerator,
                s.total_denominator,
                s.rank,
            )
        })
        .collect();
    // a: 36 + 27 + 30 * 40/45 = 63 + 80/3 = 269/3; b: 28 + 21 + 30 = 79;
    // d: 20 + 15 + 30 * 40/49 = 35 + 1200/49 = 2915/49.
    assert_eq!(
        ranked,
        vec![("a", 269, 3, 1), ("b", 79, 1, 2), ("d", 2915, 49, 3)]
    );
}

#[test]
fn an_award_to_a_non_qualified_bidder_is_refused() {
    refused(
        open_tender_scored(),
        award("c"),
        PurchaseError::NotQualified("c".into()),
    );
    refused(
        open_tender_scored(),
        award("z"),
        PurchaseError::NoBid("z".into()),
    );
}

#[test]
fn the_award_goes_to_the_first_ranked() {
    refused(
        open_tender_scored(),
        award("b"),
        PurchaseError::NotFirstRanked {
            provider: "b".into(),
            first: "a".into(),
        },
    );
    let events = history(open_tender_awarded());
    let Some(PurchaseEvent::Awarded(e)) = events.last() else {
        panic!("{events:?}")
    };
    assert_eq!((e.provider_id.as_str(), e.price_fen), ("a", 45_000_000));
    assert_eq!(e.standstill_ends_at, "2027-02-18T09:00:00Z");
}

#[test]
fn an_award_before_scoring_is_refused() {
    refused(
        open_tender_reviewed(true),
        award("a"),
        PurchaseError::WrongPhase {
            phase: Phase::Tendering,
            expected: "scored",
        },
    );
}

fn challenge(provider: &str, at: chrono::DateTime<chrono::Utc>) -> PurchaseCommand {
    PurchaseCommand::Challenge {
        district: district(),
        provider_id: provider.into(),
        grounds: "scoring of the plan was wrong".into(),
        at,
    }
}

fn resolve(upheld: bool) -> PurchaseCommand {
    PurchaseCommand::ResolveChallenge {
        district: district(),
        upheld,
        reasoning: "reviewed the scoring sheets".into(),
    }
}

#[test]
fn bidders_challenge_during_the_standstill_only() {
    refused(
        open_tender_awarded(),
        challenge("z", day(43)),
        PurchaseError::NoBid("z".into()),
    );
    refused(
        open_tender_awarded(),
        challenge("b", day(50)),
        PurchaseError::StandstillOver,
    );
    let mut given = open_tender_awarded();
    given.push(challenge("b", day(43)));
    refused(
        given.clone(),
        challenge("d", day(44)),
        PurchaseError::ChallengePending,
    );
    refused(given, sign(12, day(50)), PurchaseError::ChallengePending);
    refused(
        open_tender_awarded(),
        resolve(false),
        PurchaseError::NoChallenge,
    );
}

#[test]
fn a_dismissed_challenge_lets_the_award_stand() {
    let mut given = open_tender_awarded();
    given.push(challenge("b", day(43)));
    given.push(resolve(false));
    let events = history(given);
    let PurchaseState::Present(facts) = state(&events) else {
        panic!("present")
    };
    assert_eq!(facts.phase, Phase::Awarded);
    assert_eq!(facts.award.map(|a| a.provider_id), Some("a".to_owned()));
}

#[test]
fn an_upheld_challenge_annuls_the_award_and_the_next_ranked_is_awarded() {
    let mut given = open_tender_awarded();
    given.push(challenge("b", day(43)));
    given.push(resolve(true));
    refused(
        given.clone(),
        award("a"),
        PurchaseError::Excluded("a".into()),
    );
    refused(
        given.clone(),
        sign(12, day(60)),
        PurchaseError::WrongPhase {
            phase: Phase::Scored,
            expected: "awarded",
        },
    );
    given.push(award("b"));
    let events = history(given);
    let Some(PurchaseEvent::Awarded(e)) = events.last() else {
        panic!("{events:?}")
    };
    assert_eq!(e.provider_id, "b");
}

#[test]
fn another_district_sees_no_purchase() {
    let events = history(tendering());
    let other = PurchaseCommand::Bid {
        district: gongzhi_kernel::DistrictCode::parse("110105").expect("district"),
        provider_id: "a".into(),
        price_fen: 1_000,
        at: day(5),
    };
    assert_eq!(
        Purchase::decide(&state(&events), other),
        Err(PurchaseError::WrongDistrict)
    );
    assert_eq!(
        Purchase::decide(&PurchaseState::Absent, bid("a", 1, day(5))),
        Err(PurchaseError::NotFound)
    );
}
