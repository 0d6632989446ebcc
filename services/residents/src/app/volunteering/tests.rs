//! The application's own paths: credits from certification, retries,
//! interrupted commands completed later, refusals that change nothing, and
//! the read model on SQLite.

use super::catalogue::redemption_id;
use super::*;
use crate::app::fixture::{DISTRICT, Fixture, ORGANISER, context, district, noon, reason};
use crate::domain::participation::volunteering::{
    Activity, ActivityCommand, Points, PointsCommand, PointsEvent,
};
use chrono::TimeDelta;
use gongzhi_kernel::Clock;

fn earned(events: &[PointsEvent]) -> Vec<(String, i64)> {
    events
        .iter()
        .filter_map(|e| match e {
            PointsEvent::Earned(e) => Some((e.activity_id.clone(), e.points)),
            _ => None,
        })
        .collect()
}

/// An activity with `volunteers` recorded at 90 minutes each (20 points an
/// hour: 30 points).
async fn attended(fx: &Fixture, request_id: &str, volunteers: &[Uuid]) -> Uuid {
    let activity_id = fx.activity(request_id, 20).await;
    for (n, volunteer) in volunteers.iter().enumerate() {
        fx.app
            .record_attendance(
                &context(ORGANISER, &format!("{request_id}-record-{n}")),
                district(),
                activity_id,
                *volunteer,
                90,
            )
            .await
            .expect("attendance recorded");
    }
    activity_id
}

async fn item(fx: &Fixture, cost: i64, stock: u32) -> Uuid {
    let entry = CatalogueEntry {
        name: "free haircut".into(),
        cost,
        stock,
    };
    fx.app
        .add_catalogue_item(
            &context("staff", &format!("item-{cost}-{stock}")),
            district(),
            entry,
        )
        .await
        .expect("item listed")
        .0
}

#[tokio::test]
async fn certification_credits_each_volunteer_once_and_a_retry_replays() {
    let fx = Fixture::new().await;
    let (a, b) = (fx.resident().await, fx.resident().await);
    let activity_id = attended(&fx, "act", &[a, b]).await;

    let first = fx
        .app
        .certify(&context(ORGANISER, "certify"), district(), activity_id)
        .await
        .expect("certified");
    assert_eq!(
        first.credited,
        vec![(a.to_string(), 90, 30), (b.to_string(), 90, 30)]
    );
    assert_eq!(first.receipt.position, fx.head().await);

    let head = fx.head().await;
    let retried = fx
        .app
        .certify(&context(ORGANISER, "certify"), district(), activity_id)
        .await
        .expect("retry answers");
    assert!(retried.receipt.replayed);
    assert_eq!(retried.receipt.position, first.receipt.position);
    let again = fx
        .app
        .certify(
            &context(ORGANISER, "certify-again"),
            district(),
            activity_id,
        )
        .await;
    assert_eq!(reason(again), "ACTIVITY_ALREADY_CERTIFIED");
    assert_eq!(fx.head().await, head, "retries wrote nothing");
    for volunteer in [a, b] {
        assert_eq!(
            earned(&fx.points_events(volunteer).await),
            vec![(activity_id.to_string(), 30)]
        );
        assert_eq!(fx.balance(volunteer).await, 30);
    }
}

#[tokio::test]
async fn an_interrupted_certification_is_completed_by_certifying_again() {
    let fx = Fixture::new().await;
    let volunteer = fx.resident().await;
    let activity_id = attended(&fx, "act", &[volunteer]).await;
    // The process stops after the activity stream took the certification
    // and before any credit.
    let command = ActivityCommand::Certify {
        district: district(),
        organiser_id: ORGANISER.into(),
        at: fx.clock.now(),
    };
    fx.app
        .run_request::<Activity>(
            &context(ORGANISER, "certify"),
            &district(),
            (ACTIVITY_CATEGORY, &activity_id),
            command,
        )
        .await
        .expect("certified without credits");
    assert_eq!(fx.balance(volunteer).await, 0);

    let completed = fx
        .app
        .certify(
            &context(ORGANISER, "certify-later"),
            district(),
            activity_id,
        )
        .await;
    assert_eq!(reason(completed), "ACTIVITY_ALREADY_CERTIFIED");
    assert_eq!(fx.balance(volunteer).await, 30);

    let head = fx.head().await;
    let retried = fx
        .app
        .certify(&context(ORGANISER, "certify"), district(), activity_id)
        .await
        .expect("the original request answers");
    assert!(retried.receipt.replayed);
    assert_eq!(fx.head().await, head);
    assert_eq!(earned(&fx.points_events(volunteer).await).len(), 1);
}

#[tokio::test]
async fn concurrent_certifications_credit_once() {
    let fx = Fixture::new().await;
    let volunteers = [
        fx.resident().await,
        fx.resident().await,
        fx.resident().await,
    ];
    let activity_id = attended(&fx, "act", &volunteers).await;
    let (first, second, third) = (
        context(ORGANISER, "c-1"),
        context(ORGANISER, "c-2"),
        context(ORGANISER, "c-1"),
    );
    let results = tokio::join!(
        fx.app.certify(&first, district(), activity_id),
        fx.app.certify(&second, district(), activity_id),
        fx.app.certify(&third, district(), activity_id),
    );
    let succeeded = [results.0.is_ok(), results.1.is_ok(), results.2.is_ok()];
    assert!(succeeded.iter().any(|ok| *ok), "{results:?}");
    for volunteer in volunteers {
        assert_eq!(earned(&fx.points_events(volunteer).await).len(), 1);
        assert_eq!(fx.balance(volunteer).await, 30);
    }
}

#[tokio::test]
async fn only_the_organiser_records_and_certifies_and_a_refusal_changes_nothing() {
    let fx = Fixture::new().await;
    let (volunteer, other) = (fx.resident().await, fx.resident().await);
    let activity_id = attended(&fx, "act", &[volunteer]).await;
    let head = fx.head().await;

    let recorded = fx
        .app
        .record_attendance(
            &context("someone-else", "r"),
            district(),
            activity_id,
            other,
            30,
        )
        .await;
    assert_eq!(reason(recorded), "ACTIVITY_NOT_ORGANISER");
    let certified = fx
        .app
        .certify(&context("someone-else", "c"), district(), activity_id)
        .await;
    assert_eq!(reason(certified), "ACTIVITY_NOT_ORGANISER");
    let stranger = fx
        .app
        .record_attendance(
            &context(ORGANISER, "r2"),
            district(),
            activity_id,
            Uuid::new_v4(),
            30,
        )
        .await;
    assert_eq!(reason(stranger), "RESIDENT_NOT_IN_DISTRICT");
    let own_hours = fx
        .app
        .record_attendance(
            &context(&volunteer.to_string(), "r3"),
            district(),
            activity_id,
            volunteer,
            30,
        )
        .await;
    assert_eq!(reason(own_hours), "ACTIVITY_NOT_ORGANISER");
    fx.clock.set(noon() - TimeDelta::hours(2));
    let too_early = fx
        .app
        .certify(&context(ORGANISER, "c2"), district(), activity_id)
        .await;
    assert_eq!(reason(too_early), "ACTIVITY_NOT_ENDED");
    assert_eq!(fx.head().await, head, "refusals wrote nothing");
    assert_eq!(fx.balance(volunteer).await, 0);
    assert_eq!(fx.balance(other).await, 0);
}

#[tokio::test]
async fn redeeming_more_than_held_is_refused_and_changes_nothing() {
    let fx = Fixture::new().await;
    let volunteer = fx.resident().await;
    let activity_id = attended(&fx, "act", &[volunteer]).await;
    fx.app
        .certify(&context(ORGANISER, "certify"), district(), activity_id)
        .await
        .expect("certified");
    let expensive = item(&fx, 50, 3).await;
    let head = fx.head().await;

    let refused = fx
        .app
        .redeem(
            &context("resident", "redeem"),
            district(),
            volunteer,
            expensive,
            50,
        )
        .await;
    assert_eq!(reason(refused), "POINTS_INSUFFICIENT");
    let newcomer = fx.resident().await;
    let head = head.max(fx.head().await);
    let no_account = fx
        .app
        .redeem(
            &context("resident", "redeem-2"),
            district(),
            newcomer,
            expensive,
            50,
        )
        .await;
    assert_eq!(reason(no_account), "POINTS_INSUFFICIENT");
    let stale_price = fx
        .app
        .redeem(
            &context("resident", "redeem-3"),
            district(),
            volunteer,
            expensive,
            20,
        )
        .await;
    assert_eq!(reason(stale_price), "REWARD_COST_MISMATCH");
    let unknown = fx
        .app
        .redeem(
            &context("resident", "redeem-4"),
            district(),
            volunteer,
            Uuid::new_v4(),
            20,
        )
        .await;
    assert_eq!(reason(unknown), "REWARD_NOT_FOUND");
    assert_eq!(fx.head().await, head, "refusals wrote nothing");
    assert_eq!(fx.balance(volunteer).await, 30);
}

#[tokio::test]
async fn a_paid_redemption_that_cannot_take_its_item_is_refunded_once() {
    let fx = Fixture::new().await;
    let volunteer = fx.resident().await;
    let activity_id = attended(&fx, "act", &[volunteer]).await;
    fx.app
        .certify(&context(ORGANISER, "certify"), district(), activity_id)
        .await
        .expect("certified");
    let haircut = item(&fx, 20, 1).await;
    // The process stops after paying; meanwhile the last one goes elsewhere.
    let request = context("resident", "redeem");
    let pay = PointsCommand::Redeem {
        district: district(),
        redemption_id: redemption_id(&request).to_string(),
        item_id: haircut.to_string(),
        cost: 20,
        at: fx.clock.now(),
    };
    fx.app
        .run_request::<Points>(&request, &district(), (POINTS_CATEGORY, &volunteer), pay)
        .await
        .expect("paid");
    assert_eq!(fx.balance(volunteer).await, 10);
    let sold_out = CatalogueEntry {
        name: "free haircut".into(),
        cost: 20,
        stock: 0,
    };
    fx.app
        .update_catalogue_item(&context("staff", "sold-out"), district(), haircut, sold_out)
        .await
        .expect("stock changed");

    let resumed = fx
        .app
        .redeem(&request, district(), volunteer, haircut, 20)
        .await;
    assert_eq!(reason(resumed), "REWARD_OUT_OF_STOCK");
    assert_eq!(fx.balance(volunteer).await, 30, "refunded");
    let head = fx.head().await;
    let again = fx
        .app
        .redeem(&request, district(), volunteer, haircut, 20)
        .await;
    assert_eq!(reason(again), "POINTS_REDEMPTION_REFUNDED");
    assert_eq!(fx.head().await, head);
    let refunds = fx
        .points_events(volunteer)
        .await
        .iter()
        .filter(|e| matches!(e, PointsEvent::Refunded(_)))
        .count();
    assert_eq!(refunds, 1);
}

#[tokio::test]
async fn the_read_model_shows_activities_balances_ledger_and_catalogue() {
    let fx = Fixture::new().await;
    let volunteer = fx.resident().await;
    let activity_id = attended(&fx, "act", &[volunteer]).await;
    let open = fx.activity("open", 10).await;
    fx.app
        .certify(&context(ORGANISER, "certify"), district(), activity_id)
        .await
        .expect("certified");
    let haircut = item(&fx, 20, 2).await;
    let redeemed = fx
        .app
        .redeem(
            &context("resident", "redeem"),
            district(),
            volunteer,
            haircut,
            20,
        )
        .await
        .expect("redeemed");
    assert_eq!(redeemed.balance, 10);
    fx.catch_up().await;
    // A second delivery of everything changes nothing.
    fx.catch_up().await;

    let here = district();
    let account = fx
        .app
        .get_points_account(&here, volunteer, redeemed.receipt.position)
        .await
        .expect("account");
    assert_eq!(
        (
            account.balance,
            account.earned,
            account.redeemed,
            account.refunded
        ),
        (10, 30, 20, 0)
    );
    let lines: Vec<(LedgerKind, i64, i64)> = account
        .entries
        .iter()
        .map(|e| (e.kind, e.points, e.balance_after))
        .collect();
    assert_eq!(
        lines,
        vec![
            (LedgerKind::Earned, 30, 30),
            (LedgerKind::Redeemed, -20, 10)
        ]
    );
    assert_eq!(account.entries[0].activity_id, activity_id.to_string());
    assert_eq!(account.entries[0].at, "2026-05-01T12:00:00Z");
    assert_eq!(account.entries[1].item_id, haircut.to_string());

    let activity = fx
        .app
        .get_activity(&here, activity_id, 0)
        .await
        .expect("activity");
    assert!(activity.certified);
    assert_eq!(
        activity.attendance,
        vec![AttendanceView {
            volunteer_id: volunteer.to_string(),
            minutes: 90,
            points: 30
        }]
    );
    let planned = ActivityFilter {
        community: None,
        certified: Some(false),
    };
    let page = fx
        .app
        .list_activities(&here, &planned, 0, None, 0)
        .await
        .expect("list");
    let ids: Vec<String> = page
        .activities
        .iter()
        .map(|a| a.activity_id.clone())
        .collect();
    assert_eq!(ids, vec![open.to_string()]);
    let first = fx
        .app
        .list_activities(&here, &ActivityFilter::default(), 1, None, 0)
        .await
        .expect("first page");
    let token: i64 = first.next_page_token.parse().expect("token");
    let second = fx
        .app
        .list_activities(&here, &ActivityFilter::default(), 1, Some(token), 0)
        .await
        .expect("second page");
    assert_eq!(first.activities[0].activity_id, open.to_string());
    assert_eq!(second.activities[0].activity_id, activity_id.to_string());
    assert_eq!(second.next_page_token, "");

    let catalogue = fx.app.list_catalogue(&here, 0).await.expect("catalogue");
    assert_eq!(
        catalogue
            .iter()
            .map(|i| (i.item_id.clone(), i.cost, i.stock))
            .collect::<Vec<_>>(),
        vec![(haircut.to_string(), 20, 1)]
    );
    let elsewhere = DistrictCode::parse("500103").expect("district");
    assert!(
        fx.app
            .list_catalogue(&elsewhere, 0)
            .await
            .expect("empty")
            .is_empty()
    );
    let missing = fx.app.get_activity(&elsewhere, activity_id, 0).await;
    assert!(matches!(missing, Err(ParticipationError::NotFound(_))));
    assert_eq!(DISTRICT, here.as_str());
}
