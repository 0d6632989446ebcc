//! Given events, when a command, then events or an error.

use super::*;
use chrono::TimeZone;
use gongzhi_kernel::Decider;

const DISTRICT: &str = "500108";
const VOLUNTEER: &str = "v1";

fn district(code: &str) -> DistrictCode {
    DistrictCode::parse(code).expect("valid test district")
}

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 1, 10, 0, 0)
        .single()
        .expect("valid test time")
}

fn earn(activity_id: &str, points: i64) -> PointsCommand {
    PointsCommand::Earn {
        district: district(DISTRICT),
        volunteer_id: VOLUNTEER.into(),
        activity_id: activity_id.into(),
        points,
    }
}

fn redeem(redemption_id: &str, cost: i64) -> PointsCommand {
    PointsCommand::Redeem {
        district: district(DISTRICT),
        redemption_id: redemption_id.into(),
        item_id: "haircut".into(),
        cost,
        at: at(),
    }
}

fn refund(redemption_id: &str) -> PointsCommand {
    PointsCommand::Refund {
        district: district(DISTRICT),
        redemption_id: redemption_id.into(),
        at: at(),
    }
}

fn given(history: &[PointsCommand]) -> PointsState {
    history.iter().fold(PointsState::Absent, |state, command| {
        let events = Points::decide(&state, command.clone()).expect("history must be valid");
        events.iter().fold(state, Points::evolve)
    })
}

fn when(
    history: &[PointsCommand],
    command: PointsCommand,
) -> Result<Vec<PointsEvent>, PointsError> {
    Points::decide(&given(history), command)
}

fn balance(history: &[PointsCommand]) -> i64 {
    match given(history) {
        PointsState::Open(account) => account.balance,
        PointsState::Absent => panic!("account expected after {history:?}"),
    }
}

#[test]
fn the_first_earn_opens_the_account() {
    let events = when(&[], earn("a1", 15));
    assert_eq!(
        events,
        Ok(vec![PointsEvent::Earned(pb::PointsEarned {
            volunteer_id: VOLUNTEER.into(),
            district: DISTRICT.into(),
            activity_id: "a1".into(),
            points: 15,
            balance_after: 15,
        })])
    );
}

#[test]
fn the_same_certification_redelivered_is_a_no_op() {
    assert_eq!(when(&[earn("a1", 15)], earn("a1", 15)), Ok(vec![]));
    assert_eq!(balance(&[earn("a1", 15), earn("a1", 15)]), 15);
}

#[test]
fn the_same_activity_with_other_points_is_counted_twice() {
    assert_eq!(
        when(&[earn("a1", 15)], earn("a1", 20)),
        Err(PointsError::CountedTwice {
            activity_id: "a1".into(),
            counted: 15
        })
    );
}

#[test]
fn distinct_activities_add_up() {
    assert_eq!(balance(&[earn("a1", 15), earn("a2", 7)]), 22);
}

#[test]
fn earning_nothing_or_less_is_refused() {
    assert_eq!(
        when(&[], earn("a1", 0)),
        Err(PointsError::AmountNotPositive { amount: 0 })
    );
    assert_eq!(
        when(&[earn("a1", 5)], earn("a2", -3)).map_err(|e| e.reason()),
        Err("POINTS_AMOUNT_NOT_POSITIVE")
    );
}

#[test]
fn another_volunteers_earning_is_refused() {
    let command = PointsCommand::Earn {
        district: district(DISTRICT),
        volunteer_id: "v2".into(),
        activity_id: "a2".into(),
        points: 5,
    };
    assert_eq!(
        when(&[earn("a1", 5)], command).map_err(|e| e.reason()),
        Err("POINTS_ACCOUNT_WRONG_VOLUNTEER")
    );
}

#[test]
fn a_redemption_within_the_balance_is_paid() {
    let events = when(&[earn("a1", 15)], redeem("r1", 10));
    assert_eq!(
        events,
        Ok(vec![PointsEvent::Redeemed(pb::PointsRedeemed {
            volunteer_id: VOLUNTEER.into(),
            district: DISTRICT.into(),
            redemption_id: "r1".into(),
            item_id: "haircut".into(),
            cost: 10,
            redeemed_at: "2026-05-01T10:00:00Z".into(),
            balance_after: 5,
        })])
    );
}

#[test]
fn redeeming_the_whole_balance_leaves_zero() {
    assert_eq!(balance(&[earn("a1", 15), redeem("r1", 15)]), 0);
}

#[test]
fn redeeming_more_than_held_is_refused_and_changes_nothing() {
    let history = [earn("a1", 15)];
    assert_eq!(
        when(&history, redeem("r1", 16)),
        Err(PointsError::InsufficientPoints {
            balance: 15,
            cost: 16
        })
    );
    assert_eq!(balance(&history), 15);
}

#[test]
fn redeeming_without_an_account_is_refused() {
    assert_eq!(when(&[], redeem("r1", 1)), Err(PointsError::NotFound));
}

#[test]
fn a_redemption_id_is_used_once() {
    assert_eq!(
        when(&[earn("a1", 15), redeem("r1", 5)], redeem("r1", 5)).map_err(|e| e.reason()),
        Err("POINTS_REDEMPTION_EXISTS")
    );
}

#[test]
fn a_free_or_negative_redemption_is_refused() {
    assert_eq!(
        when(&[earn("a1", 15)], redeem("r1", 0)),
        Err(PointsError::AmountNotPositive { amount: 0 })
    );
    assert_eq!(
        when(&[earn("a1", 15)], redeem("r1", -5)),
        Err(PointsError::AmountNotPositive { amount: -5 })
    );
}

#[test]
fn a_refund_returns_the_cost_once() {
    let history = [earn("a1", 15), redeem("r1", 10)];
    assert_eq!(
        when(&history, refund("r1")),
        Ok(vec![PointsEvent::Refunded(pb::PointsRefunded {
            volunteer_id: VOLUNTEER.into(),
            district: DISTRICT.into(),
            redemption_id: "r1".into(),
            points: 10,
            refunded_at: "2026-05-01T10:00:00Z".into(),
            balance_after: 15,
        })])
    );
    let refunded = [earn("a1", 15), redeem("r1", 10), refund("r1")];
    assert_eq!(
        when(&refunded, refund("r1")),
        Err(PointsError::AlreadyRefunded {
            redemption_id: "r1".into()
        })
    );
}

#[test]
fn refunding_an_unknown_redemption_is_refused() {
    assert_eq!(
        when(&[earn("a1", 15)], refund("r9")).map_err(|e| e.reason()),
        Err("POINTS_REDEMPTION_NOT_FOUND")
    );
}

#[test]
fn another_districts_command_is_refused() {
    let command = PointsCommand::Redeem {
        district: district("110105"),
        redemption_id: "r1".into(),
        item_id: "haircut".into(),
        cost: 1,
        at: at(),
    };
    assert_eq!(
        when(&[earn("a1", 15)], command),
        Err(PointsError::WrongDistrict {
            given: "110105".into(),
            actual: DISTRICT.into()
        })
    );
}

#[test]
fn a_balance_beyond_the_representable_is_refused() {
    assert_eq!(
        when(&[earn("a1", i64::MAX)], earn("a2", 1)),
        Err(PointsError::BalanceOverflow)
    );
}
