//! Wishes through the application against a SQLite store and read model:
//! who may do what, refusals that change nothing, and age bands that move
//! with the clock alone.

use super::*;
use crate::app::fixture::{COMMUNITY, Fixture, context, district, reason};
use chrono::TimeDelta;
use gongzhi_divisions::Divisions;

fn community() -> CommunityCode {
    Divisions::embedded()
        .community_code_in(COMMUNITY, &district())
        .expect("valid community")
}

fn volunteer(resident_id: Uuid) -> Claimant {
    Claimant {
        kind: WishClaimantKind::Volunteer,
        id: resident_id.to_string(),
    }
}

async fn post(fx: &Fixture, poster: Uuid, request_id: &str) -> Uuid {
    fx.wishes
        .post(
            &context(&poster.to_string(), request_id),
            district(),
            community(),
            poster,
            "help carrying groceries upstairs".into(),
        )
        .await
        .expect("posted")
        .0
}

#[tokio::test]
async fn a_wish_goes_from_posted_to_confirmed_and_only_its_poster_confirms() {
    let fx = Fixture::new().await;
    let (poster, helper, neighbour) = (
        fx.resident().await,
        fx.resident().await,
        fx.resident().await,
    );
    let wish_id = post(&fx, poster, "post").await;
    let as_helper = |request: &str| context(&helper.to_string(), request);

    let own = fx
        .wishes
        .claim(
            &context(&poster.to_string(), "own"),
            district(),
            wish_id,
            volunteer(poster),
        )
        .await;
    assert_eq!(reason(own), "WISH_OWN_WISH");
    let outsider = fx
        .wishes
        .claim(
            &as_helper("outsider"),
            district(),
            wish_id,
            volunteer(Uuid::new_v4()),
        )
        .await;
    assert_eq!(reason(outsider), "RESIDENT_NOT_IN_DISTRICT");
    fx.wishes
        .claim(&as_helper("claim"), district(), wish_id, volunteer(helper))
        .await
        .expect("claimed");
    fx.wishes
        .fulfil(
            &as_helper("fulfil"),
            district(),
            wish_id,
            volunteer(helper),
            "done".into(),
        )
        .await
        .expect("fulfilled");

    let head = fx.head().await;
    let by_neighbour = fx
        .wishes
        .confirm(
            &context(&neighbour.to_string(), "confirm"),
            district(),
            wish_id,
            neighbour,
        )
        .await;
    assert_eq!(reason(by_neighbour), "WISH_NOT_POSTER");
    let by_helper = fx
        .wishes
        .confirm(&as_helper("confirm"), district(), wish_id, helper)
        .await;
    assert_eq!(reason(by_helper), "WISH_NOT_POSTER");
    assert_eq!(fx.head().await, head, "refusals wrote nothing");

    let confirmed = fx
        .wishes
        .confirm(
            &context(&poster.to_string(), "confirm"),
            district(),
            wish_id,
            poster,
        )
        .await
        .expect("confirmed");
    fx.catch_up().await;
    let view = fx
        .wishes
        .get(&district(), wish_id, confirmed.position)
        .await
        .expect("wish");
    assert_eq!(view.status, WishStatus::Confirmed);
    assert_eq!(view.claimant, Some(volunteer(helper)));
    assert_eq!(view.note, "done");
    assert_eq!(view.age, None);
    assert_eq!(view.confirmed_at, "2026-05-01T12:00:00Z");
}

#[tokio::test]
async fn an_open_wish_ages_on_the_board_and_a_claimed_one_does_not() {
    let fx = Fixture::new().await;
    let (poster, helper) = (fx.resident().await, fx.resident().await);
    let waiting = post(&fx, poster, "first").await;
    let claimed = post(&fx, poster, "second").await;
    fx.wishes
        .claim(
            &context("worker", "claim"),
            district(),
            claimed,
            volunteer(helper),
        )
        .await
        .expect("claimed");
    fx.catch_up().await;
    let ages = |page: WishPage| -> Vec<(String, Option<WishAge>)> {
        page.wishes
            .into_iter()
            .map(|w| (w.wish_id, w.age))
            .collect()
    };
    let all = WishFilter::default();

    let now = fx
        .wishes
        .list(&district(), &all, 0, None, 0)
        .await
        .expect("list");
    assert_eq!(
        ages(now),
        vec![
            (waiting.to_string(), Some(WishAge::Fresh)),
            (claimed.to_string(), None)
        ]
    );
    fx.clock.advance(TimeDelta::days(4));
    let open = WishFilter {
        community: None,
        status: Some(WishStatus::Open),
    };
    let later = fx
        .wishes
        .list(&district(), &open, 0, None, 0)
        .await
        .expect("list");
    assert_eq!(
        ages(later),
        vec![(waiting.to_string(), Some(WishAge::Waiting))]
    );
    fx.clock.advance(TimeDelta::days(11));
    let much_later = fx
        .wishes
        .list(&district(), &open, 0, None, 0)
        .await
        .expect("list");
    assert_eq!(
        ages(much_later),
        vec![(waiting.to_string(), Some(WishAge::Overlooked))]
    );

    let first = fx
        .wishes
        .list(&district(), &all, 1, None, 0)
        .await
        .expect("page");
    let token: i64 = first.next_page_token.parse().expect("token");
    let second = fx
        .wishes
        .list(&district(), &all, 1, Some(token), 0)
        .await
        .expect("page");
    assert_eq!(first.wishes[0].wish_id, waiting.to_string());
    assert_eq!(second.wishes[0].wish_id, claimed.to_string());
    assert_eq!(second.next_page_token, "");
}
