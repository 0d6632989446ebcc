//! Micro-wishes end to end: posted, claimed, fulfilled and confirmed by the
//! resident who posted it; refusals change nothing; unclaimed wishes show
//! their age band on the board.

use super::*;
use chrono::{TimeDelta, Utc};
use gongzhi_divisions::Divisions;
use gongzhi_kernel::Clock;
use gongzhi_proto::gongzhi::residents::v1::wish_service_client::WishServiceClient;
use gongzhi_residents::app::participation::FakeClock;
use gongzhi_residents::app::{ParticipationApp, WishFilter, WishesApp};
use gongzhi_residents::domain::participation::wishes::{WishAge, WishStatus};
use gongzhi_server::CommandContext;
use std::sync::Arc;
use tonic::Code;
use tonic_types::StatusExt;

type Client = WishServiceClient<Channel>;

async fn client(service: &Residents) -> anyhow::Result<Client> {
    Ok(WishServiceClient::connect(format!("http://{}", service.started.addr)).await?)
}

fn refusal<T>(result: Result<T, tonic::Status>) -> (Option<Code>, Option<String>) {
    match result {
        Ok(_) => (None, None),
        Err(status) => (
            Some(status.code()),
            status.get_details_error_info().map(|info| info.reason),
        ),
    }
}

fn volunteer(resident_id: &str) -> Option<pb::WishClaimant> {
    Some(pb::WishClaimant {
        kind: pb::WishClaimantKind::Volunteer as i32,
        id: resident_id.into(),
    })
}

async fn post(
    wishes: &mut Client,
    request_id: &str,
    poster: &str,
) -> anyhow::Result<(String, u64)> {
    let posted = wishes
        .post_wish(authorized(
            pb::PostWishRequest {
                request_id: request_id.into(),
                district: DISTRICT.into(),
                community: COMMUNITY.into(),
                resident_id: poster.into(),
                text: "帮忙把米扛上六楼".into(),
            },
            &resident_token(poster)?,
        )?)
        .await?
        .into_inner();
    Ok((posted.wish_id, posted.receipt.map_or(0, |r| r.position)))
}

async fn get(wishes: &mut Client, wish_id: &str, min_position: u64) -> anyhow::Result<pb::Wish> {
    wishes
        .get_wish(authorized(
            pb::GetWishRequest {
                district: DISTRICT.into(),
                wish_id: wish_id.into(),
                min_position,
            },
            &community_worker()?,
        )?)
        .await?
        .into_inner()
        .wish
        .ok_or_else(|| anyhow::anyhow!("no wish"))
}

#[tokio::test]
async fn a_wish_is_claimed_fulfilled_and_confirmed_only_by_its_poster() -> anyhow::Result<()> {
    let service = Residents::start().await?;
    let mut residents = service.client().await?;
    let mut wishes = client(&service).await?;
    let (poster, _) = register_nth(&mut residents, 11).await?;
    let (helper, _) = register_nth(&mut residents, 12).await?;
    let (neighbour, _) = register_nth(&mut residents, 13).await?;
    let (wish_id, _) = post(&mut wishes, "post-1", &poster).await?;
    let claim = |request_id: &str, claimant: &str| pb::ClaimWishRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        wish_id: wish_id.clone(),
        claimant: volunteer(claimant),
    };

    let before = service.started.store.head_position().await?;
    let own = wishes
        .claim_wish(authorized(
            claim("claim-own", &poster),
            &resident_token(&poster)?,
        )?)
        .await;
    assert_eq!(
        refusal(own),
        (Some(Code::FailedPrecondition), Some("WISH_OWN_WISH".into()))
    );
    let for_someone_else = wishes
        .claim_wish(authorized(
            claim("claim-x", &helper),
            &resident_token(&neighbour)?,
        )?)
        .await;
    assert_eq!(refusal(for_someone_else).0, Some(Code::PermissionDenied));
    assert_eq!(service.started.store.head_position().await?, before);

    wishes
        .claim_wish(authorized(
            claim("claim-1", &helper),
            &resident_token(&helper)?,
        )?)
        .await?;
    let fulfilled = wishes
        .fulfil_wish(authorized(
            pb::FulfilWishRequest {
                request_id: "fulfil-1".into(),
                district: DISTRICT.into(),
                wish_id: wish_id.clone(),
                claimant: volunteer(&helper),
                note: "周六上午扛上去了".into(),
            },
            &resident_token(&helper)?,
        )?)
        .await?
        .into_inner();
    let fulfilled_at = fulfilled.receipt.map_or(0, |r| r.position);

    // Someone else confirming: as themselves, refused by the wish; in the
    // poster's name, refused by access. Nothing changes.
    let confirm = |request_id: &str, resident_id: &str| pb::ConfirmWishRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        wish_id: wish_id.clone(),
        resident_id: resident_id.into(),
    };
    let before = service.started.store.head_position().await?;
    let as_neighbour = wishes
        .confirm_wish(authorized(
            confirm("confirm-n", &neighbour),
            &resident_token(&neighbour)?,
        )?)
        .await;
    assert_eq!(
        refusal(as_neighbour),
        (
            Some(Code::FailedPrecondition),
            Some("WISH_NOT_POSTER".into())
        )
    );
    let in_posters_name = wishes
        .confirm_wish(authorized(
            confirm("confirm-p", &poster),
            &resident_token(&neighbour)?,
        )?)
        .await;
    assert_eq!(refusal(in_posters_name).0, Some(Code::PermissionDenied));
    assert_eq!(service.started.store.head_position().await?, before);
    let unchanged = get(&mut wishes, &wish_id, fulfilled_at).await?;
    assert_eq!(unchanged.status, pb::WishStatus::Fulfilled as i32);
    assert_eq!(unchanged.confirmed_at, "");

    let confirmed = wishes
        .confirm_wish(authorized(
            confirm("confirm-1", &poster),
            &resident_token(&poster)?,
        )?)
        .await?
        .into_inner();
    let wish = get(
        &mut wishes,
        &wish_id,
        confirmed.receipt.map_or(0, |r| r.position),
    )
    .await?;
    assert_eq!(wish.status, pb::WishStatus::Confirmed as i32);
    assert_eq!(wish.posted_by, poster);
    assert_eq!(wish.claimant, volunteer(&helper));
    assert_eq!(wish.note, "周六上午扛上去了");
    assert_eq!(wish.age, pb::WishAge::Unspecified as i32);
    assert!(!wish.confirmed_at.is_empty());
    service.stop().await
}

#[tokio::test]
async fn an_unclaimed_wish_shows_how_long_it_has_waited() -> anyhow::Result<()> {
    let service = Residents::start().await?;
    let mut residents = service.client().await?;
    let mut wishes = client(&service).await?;
    let (poster, _) = register_nth(&mut residents, 21).await?;
    let wishes_model = service
        .started
        .projections
        .iter()
        .find(|p| p.name() == "wishes")
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("no wishes read model"))?;
    // The same application, on the same store and read model, with a clock
    // fifteen days in the past: its wish was posted then.
    let clock = FakeClock::at(Utc::now() - TimeDelta::days(15));
    let participation =
        ParticipationApp::new(service.started.store.clone(), Duration::from_secs(5))
            .with_clock(Arc::new(clock.clone()));
    let app = WishesApp::new(participation, wishes_model);
    let district = DistrictCode::parse(DISTRICT)?;
    let caller = Caller {
        subject: poster.clone(),
        roles: vec![gongzhi_residents::grpc::RESIDENT.to_owned()],
        districts: vec![district.clone()],
    };
    let community = Divisions::embedded().community_code_in(COMMUNITY, &district)?;
    let (old, old_receipt) = app
        .post(
            &CommandContext::new(caller, "post-old")?,
            district.clone(),
            community,
            uuid::Uuid::parse_str(&poster)?,
            "楼道灯坏了，想请人换一下".into(),
        )
        .await?;
    let (fresh, fresh_at) = post(&mut wishes, "post-fresh", &poster).await?;

    let open = wishes
        .list_wishes(authorized(
            pb::ListWishesRequest {
                district: DISTRICT.into(),
                status: pb::WishStatus::Open as i32,
                min_position: fresh_at.max(old_receipt.position),
                ..Default::default()
            },
            &resident_token(&poster)?,
        )?)
        .await?
        .into_inner();
    let bands: Vec<(String, i32)> = open
        .wishes
        .into_iter()
        .map(|w| (w.wish_id, w.age))
        .collect();
    assert_eq!(
        bands,
        vec![
            (old.to_string(), pb::WishAge::Overlooked as i32),
            (fresh.clone(), pb::WishAge::Fresh as i32)
        ]
    );

    // Twenty days on, by the fake clock, the fresh one has waited five.
    clock.advance(TimeDelta::days(20));
    assert!(clock.now() > Utc::now());
    let later = app
        .list(
            &district,
            &WishFilter {
                community: None,
                status: Some(WishStatus::Open),
            },
            0,
            None,
            fresh_at,
        )
        .await?;
    let bands: Vec<(String, Option<WishAge>)> = later
        .wishes
        .into_iter()
        .map(|w| (w.wish_id, w.age))
        .collect();
    assert_eq!(
        bands,
        vec![
            (old.to_string(), Some(WishAge::Overlooked)),
            (fresh, Some(WishAge::Waiting))
        ]
    );
    service.stop().await
}
