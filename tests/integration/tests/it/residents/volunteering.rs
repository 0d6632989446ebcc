//! Volunteering and points end to end: an activity's attendance certified by
//! its organiser reaches each volunteer's account once; points are redeemed
//! from the catalogue; every refusal is a clear error that changes nothing.

use super::*;
use chrono::{SecondsFormat, TimeDelta, Utc};
use gongzhi_proto::gongzhi::residents::v1::volunteering_service_client::VolunteeringServiceClient;
use tonic::Code;
use tonic_types::StatusExt;

type Client = VolunteeringServiceClient<Channel>;

async fn client(service: &Residents) -> anyhow::Result<Client> {
    Ok(VolunteeringServiceClient::connect(format!("http://{}", service.started.addr)).await?)
}

/// The refusal's gRPC code and ErrorInfo reason.
fn refusal<T>(result: Result<T, tonic::Status>) -> (Option<Code>, Option<String>) {
    match result {
        Ok(_) => (None, None),
        Err(status) => (
            Some(status.code()),
            status.get_details_error_info().map(|info| info.reason),
        ),
    }
}

fn failed(reason: &str) -> (Option<Code>, Option<String>) {
    (Some(Code::FailedPrecondition), Some(reason.to_owned()))
}

async fn head(service: &Residents) -> anyhow::Result<u64> {
    Ok(service.started.store.head_position().await?)
}

/// An activity that ended an hour ago, scheduled with `token`.
fn schedule(request_id: &str, points_per_hour: i64) -> pb::ScheduleActivityRequest {
    let at = |hours: i64| {
        (Utc::now() - TimeDelta::hours(hours)).to_rfc3339_opts(SecondsFormat::Secs, true)
    };
    pb::ScheduleActivityRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        community: COMMUNITY.into(),
        title: "清理江滩步道".into(),
        starts_at: at(3),
        ends_at: at(1),
        points_per_hour,
    }
}

fn record(
    request_id: &str,
    activity_id: &str,
    volunteer_id: &str,
    minutes: i64,
) -> pb::RecordAttendanceRequest {
    pb::RecordAttendanceRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        activity_id: activity_id.into(),
        volunteer_id: volunteer_id.into(),
        minutes,
    }
}

fn certify(request_id: &str, activity_id: &str) -> pb::CertifyActivityRequest {
    pb::CertifyActivityRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        activity_id: activity_id.into(),
    }
}

fn redeem(
    request_id: &str,
    resident_id: &str,
    item_id: &str,
    cost: i64,
) -> pb::RedeemPointsRequest {
    pb::RedeemPointsRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        resident_id: resident_id.into(),
        item_id: item_id.into(),
        cost,
    }
}

async fn account(
    volunteering: &mut Client,
    resident_id: &str,
    min_position: u64,
) -> anyhow::Result<pb::PointsAccountView> {
    volunteering
        .get_points_account(authorized(
            pb::GetPointsAccountRequest {
                district: DISTRICT.into(),
                resident_id: resident_id.into(),
                min_position,
            },
            &resident_token(resident_id)?,
        )?)
        .await?
        .into_inner()
        .account
        .ok_or_else(|| anyhow::anyhow!("no account"))
}

async fn add_item(
    volunteering: &mut Client,
    request_id: &str,
    cost: i64,
    stock: u32,
) -> anyhow::Result<(String, u64)> {
    let added = volunteering
        .add_catalogue_item(authorized(
            pb::AddCatalogueItemRequest {
                request_id: request_id.into(),
                district: DISTRICT.into(),
                name: format!("兑换品 {cost}"),
                cost,
                stock,
            },
            &community_worker()?,
        )?)
        .await?
        .into_inner();
    Ok((added.item_id, added.receipt.map_or(0, |r| r.position)))
}

fn ledger(account: &pb::PointsAccountView) -> Vec<(i32, i64, i64)> {
    account
        .entries
        .iter()
        .map(|e| (e.kind, e.points, e.balance_after))
        .collect()
}

#[tokio::test]
async fn certified_attendance_earns_points_once_and_they_are_redeemed_for_a_reward()
-> anyhow::Result<()> {
    let service = Residents::start().await?;
    let mut residents = service.client().await?;
    let mut volunteering = client(&service).await?;
    let organiser = community_worker()?;
    let (alice, _) = register_nth(&mut residents, 1).await?;
    let (bob, _) = register_nth(&mut residents, 2).await?;

    let scheduled = volunteering
        .schedule_activity(authorized(schedule("act-1", 20), &organiser)?)
        .await?
        .into_inner();
    let activity_id = scheduled.activity_id.clone();
    volunteering
        .record_attendance(authorized(
            record("rec-1", &activity_id, &alice, 90),
            &organiser,
        )?)
        .await?;
    let recorded = volunteering
        .record_attendance(authorized(
            record("rec-2", &activity_id, &bob, 45),
            &organiser,
        )?)
        .await?
        .into_inner();

    // "Whoever records certifies": another district worker may neither
    // record nor certify, and nothing changes.
    let before = head(&service).await?;
    let other = district_admin()?;
    assert_eq!(
        refusal(
            volunteering
                .certify_activity(authorized(certify("c-other", &activity_id), &other)?)
                .await
        ),
        failed("ACTIVITY_NOT_ORGANISER")
    );
    assert_eq!(
        refusal(
            volunteering
                .record_attendance(authorized(
                    record("r-other", &activity_id, &bob, 30),
                    &other
                )?)
                .await
        ),
        failed("ACTIVITY_NOT_ORGANISER")
    );
    assert_eq!(head(&service).await?, before);
    let activity = volunteering
        .get_activity(authorized(
            pb::GetActivityRequest {
                district: DISTRICT.into(),
                activity_id: activity_id.clone(),
                min_position: recorded.receipt.map_or(0, |r| r.position),
            },
            &resident_token(&alice)?,
        )?)
        .await?
        .into_inner()
        .activity
        .ok_or_else(|| anyhow::anyhow!("no activity"))?;
    assert_eq!(activity.status, pb::ActivityStatus::Planned as i32);
    assert_eq!(activity.organiser_id, "tester-community_worker");
    assert_eq!(activity.attendance.len(), 2);
    assert_eq!(account(&mut volunteering, &alice, 0).await?.balance, 0);

    // Certified by its organiser: 90 min at 20/h = 30, 45 min = 15.
    let certified = volunteering
        .certify_activity(authorized(certify("c-1", &activity_id), &organiser)?)
        .await?
        .into_inner();
    let credited: Vec<(String, i64, i64)> = certified
        .credited
        .iter()
        .map(|c| (c.volunteer_id.clone(), c.minutes, c.points))
        .collect();
    assert_eq!(
        credited,
        vec![(alice.clone(), 90, 30), (bob.clone(), 45, 15)]
    );
    let certified_at = certified.receipt.map_or(0, |r| r.position);

    // The same certification retried, and certified again: points once.
    let retried = volunteering
        .certify_activity(authorized(certify("c-1", &activity_id), &organiser)?)
        .await?
        .into_inner()
        .receipt
        .ok_or_else(|| anyhow::anyhow!("no receipt"))?;
    assert!(retried.replayed);
    assert_eq!(retried.position, certified_at);
    assert_eq!(
        refusal(
            volunteering
                .certify_activity(authorized(certify("c-2", &activity_id), &organiser)?)
                .await
        ),
        failed("ACTIVITY_ALREADY_CERTIFIED")
    );
    assert_eq!(head(&service).await?, certified_at, "retries wrote nothing");
    let earned = account(&mut volunteering, &alice, certified_at).await?;
    assert_eq!(earned.balance, 30);
    assert_eq!(
        ledger(&earned),
        vec![(pb::PointsEntryKind::Earned as i32, 30, 30)]
    );
    assert_eq!(earned.entries[0].activity_id, activity_id);
    assert_eq!(
        account(&mut volunteering, &bob, certified_at)
            .await?
            .balance,
        15
    );

    // Redeemed for a reward by the resident herself.
    let (haircut, _) = add_item(&mut volunteering, "item-1", 20, 1).await?;
    let (rice, listed) = add_item(&mut volunteering, "item-2", 50, 5).await?;
    let redeemed = volunteering
        .redeem_points(authorized(
            redeem("redeem-1", &alice, &haircut, 20),
            &resident_token(&alice)?,
        )?)
        .await?
        .into_inner();
    assert_eq!(redeemed.balance, 10);
    let redeemed_at = redeemed.receipt.map_or(0, |r| r.position);

    // More than held, someone else's points, the last one gone: refused,
    // and neither the balance, the ledger nor the stock changes.
    let before = head(&service).await?;
    assert_eq!(
        refusal(
            volunteering
                .redeem_points(authorized(
                    redeem("redeem-2", &alice, &rice, 50),
                    &resident_token(&alice)?,
                )?)
                .await
        ),
        failed("POINTS_INSUFFICIENT")
    );
    assert_eq!(
        refusal(
            volunteering
                .redeem_points(authorized(
                    redeem("redeem-3", &alice, &haircut, 20),
                    &resident_token(&bob)?,
                )?)
                .await
        )
        .0,
        Some(Code::PermissionDenied)
    );
    assert_eq!(
        refusal(
            volunteering
                .redeem_points(authorized(
                    redeem("redeem-4", &bob, &haircut, 20),
                    &resident_token(&bob)?,
                )?)
                .await
        ),
        failed("REWARD_OUT_OF_STOCK")
    );
    assert_eq!(head(&service).await?, before, "refusals wrote nothing");
    let after = account(&mut volunteering, &alice, redeemed_at.max(listed)).await?;
    assert_eq!(after.balance, 10);
    assert_eq!(
        ledger(&after),
        vec![
            (pb::PointsEntryKind::Earned as i32, 30, 30),
            (pb::PointsEntryKind::Redeemed as i32, -20, 10)
        ]
    );
    assert_eq!(after.entries[1].item_id, haircut);
    assert_eq!(account(&mut volunteering, &bob, 0).await?.balance, 15);
    let catalogue = volunteering
        .list_catalogue(authorized(
            pb::ListCatalogueRequest {
                district: DISTRICT.into(),
                min_position: redeemed_at.max(listed),
            },
            &resident_token(&bob)?,
        )?)
        .await?
        .into_inner();
    let stock: Vec<(String, u32)> = catalogue
        .items
        .into_iter()
        .map(|i| (i.item_id, i.stock))
        .collect();
    let mut expected = vec![(haircut, 0), (rice, 5)];
    expected.sort();
    let mut stock = stock;
    stock.sort();
    assert_eq!(stock, expected);

    let certified_list = volunteering
        .list_activities(authorized(
            pb::ListActivitiesRequest {
                district: DISTRICT.into(),
                status: pb::ActivityStatus::Certified as i32,
                min_position: certified_at,
                ..Default::default()
            },
            &organiser,
        )?)
        .await?
        .into_inner();
    let ids: Vec<String> = certified_list
        .activities
        .into_iter()
        .map(|a| a.activity_id)
        .collect();
    assert_eq!(ids, vec![activity_id]);
    service.stop().await
}

#[tokio::test]
async fn a_resident_organises_and_bad_input_is_refused_field_by_field() -> anyhow::Result<()> {
    let service = Residents::start().await?;
    let mut residents = service.client().await?;
    let mut volunteering = client(&service).await?;
    let (carol, _) = register_nth(&mut residents, 3).await?;
    let (dave, _) = register_nth(&mut residents, 4).await?;
    let carol_token = resident_token(&carol)?;

    let scheduled = volunteering
        .schedule_activity(authorized(schedule("act-r", 10), &carol_token)?)
        .await?
        .into_inner();
    let own_hours = volunteering
        .record_attendance(authorized(
            record("rec-own", &scheduled.activity_id, &carol, 60),
            &carol_token,
        )?)
        .await;
    assert_eq!(
        refusal(own_hours),
        failed("ACTIVITY_ORGANISER_CANNOT_ATTEND")
    );
    let recorded = volunteering
        .record_attendance(authorized(
            record("rec-d", &scheduled.activity_id, &dave, 60),
            &carol_token,
        )?)
        .await?
        .into_inner();
    let activity = volunteering
        .get_activity(authorized(
            pb::GetActivityRequest {
                district: DISTRICT.into(),
                activity_id: scheduled.activity_id.clone(),
                min_position: recorded.receipt.map_or(0, |r| r.position),
            },
            &carol_token,
        )?)
        .await?
        .into_inner()
        .activity
        .ok_or_else(|| anyhow::anyhow!("no activity"))?;
    assert_eq!(activity.organiser_id, carol);

    let before = head(&service).await?;
    let mut bad = schedule("", 0);
    bad.district = "999999".into();
    bad.starts_at = "yesterday".into();
    bad.title = " ".into();
    let status = volunteering
        .schedule_activity(authorized(bad, &carol_token)?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("bad input accepted"))?;
    assert_eq!(status.code(), Code::InvalidArgument);
    let fields: Vec<String> = status
        .get_details_bad_request()
        .map(|b| b.field_violations.into_iter().map(|f| f.field).collect())
        .unwrap_or_default();
    assert_eq!(
        fields,
        vec![
            "request_id",
            "district",
            "title",
            "starts_at",
            "points_per_hour"
        ]
    );
    let minutes = volunteering
        .record_attendance(authorized(
            record("rec-0", &scheduled.activity_id, &dave, 0),
            &carol_token,
        )?)
        .await;
    assert_eq!(refusal(minutes).0, Some(Code::InvalidArgument));
    let too_long = volunteering
        .record_attendance(authorized(
            record("rec-long", &scheduled.activity_id, &carol, 500),
            &resident_token(&dave)?,
        )?)
        .await;
    assert_eq!(refusal(too_long), failed("ACTIVITY_NOT_ORGANISER"));
    let outsider = token(&["community_worker"], &[OTHER_DISTRICT])?;
    assert_eq!(
        refusal(
            volunteering
                .certify_activity(authorized(
                    certify("c-x", &scheduled.activity_id),
                    &outsider
                )?)
                .await
        )
        .0,
        Some(Code::PermissionDenied)
    );
    assert_eq!(head(&service).await?, before, "refusals wrote nothing");
    service.stop().await
}
