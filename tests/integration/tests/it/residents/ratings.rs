//! Satisfaction ratings over gRPC: once per resident and subject, exact
//! summaries, paged lists, every bad input refused with nothing written,
//! and who may rate where. `across_services` follows a rating of a case into
//! the grids context over NATS; `case_evaluation` pins down the grids
//! reactor's rule on a store without NATS.

mod across_services;
mod case_evaluation;

use super::*;
use gongzhi_eventstore::{Direction, ReadFrom, StreamName};
use gongzhi_proto::gongzhi::residents::v1::rating_service_client::RatingServiceClient;
use tonic::{Code, Status};
use tonic_types::StatusExt;

/// A facility rated in these tests.
const FACILITY: &str = "0d5b9c2e-8f3a-4d7e-9b1c-2a6e4f8d0c13";

pub async fn ratings_client(service: &Residents) -> anyhow::Result<RatingServiceClient<Channel>> {
    Ok(RatingServiceClient::connect(format!("http://{}", service.started.addr)).await?)
}

pub fn rate(
    request_id: &str,
    rater: &str,
    kind: pb::RatingSubjectKind,
    subject_id: &str,
    stars: u32,
) -> pb::RateSubjectRequest {
    pb::RateSubjectRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        rater_resident_id: rater.into(),
        subject_kind: kind as i32,
        subject_id: subject_id.into(),
        stars,
        comment: format!("{stars} 星"),
    }
}

fn facility(request_id: &str, rater: &str, stars: u32) -> pb::RateSubjectRequest {
    rate(
        request_id,
        rater,
        pb::RatingSubjectKind::Facility,
        FACILITY,
        stars,
    )
}

pub async fn summary(
    client: &mut RatingServiceClient<Channel>,
    kind: pb::RatingSubjectKind,
    subject_id: &str,
    min_position: u64,
) -> anyhow::Result<pb::RatingSummary> {
    let request = pb::GetRatingSummaryRequest {
        district: DISTRICT.into(),
        subject_kind: kind as i32,
        subject_id: subject_id.into(),
        min_position,
    };
    client
        .get_rating_summary(authorized(request, &community_worker()?)?)
        .await?
        .into_inner()
        .summary
        .ok_or_else(|| anyhow::anyhow!("a summary answers with a summary"))
}

/// Stars 1 to 5 and how many gave each.
fn distribution(summary: &pb::RatingSummary) -> Vec<(u32, u64)> {
    summary
        .distribution
        .iter()
        .map(|s| (s.stars, s.count))
        .collect()
}

fn reason(status: &Status) -> Option<String> {
    status.get_details_error_info().map(|info| info.reason)
}

fn fields(status: &Status) -> Vec<String> {
    let mut fields: Vec<String> = status
        .get_details_bad_request()
        .map(|bad| bad.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default();
    fields.sort();
    fields
}

fn refused<T: std::fmt::Debug>(answer: Result<T, Status>) -> anyhow::Result<Status> {
    match answer {
        Ok(accepted) => Err(anyhow::anyhow!("accepted: {accepted:?}")),
        Err(status) => Ok(status),
    }
}

fn position(receipt: Option<&pb::CommandReceipt>) -> anyhow::Result<u64> {
    receipt
        .map(|r| r.position)
        .ok_or_else(|| anyhow::anyhow!("a command answers with a receipt"))
}

#[tokio::test]
async fn a_resident_rates_a_subject_once_and_the_summary_is_exact() -> anyhow::Result<()> {
    let service = Residents::start().await?;
    let mut residents = service.client().await?;
    let mut client = ratings_client(&service).await?;
    let (first, _) = register_nth(&mut residents, 1).await?;
    let (second, _) = register_nth(&mut residents, 2).await?;
    let (third, _) = register_nth(&mut residents, 3).await?;

    let given = client
        .rate_subject(authorized(
            facility("r-1", &first, 4),
            &resident_token(&first)?,
        )?)
        .await?
        .into_inner();
    let retried = client
        .rate_subject(authorized(
            facility("r-1", &first, 4),
            &resident_token(&first)?,
        )?)
        .await?
        .into_inner();
    assert_eq!(retried.rating_id, given.rating_id);
    assert_eq!(
        retried.receipt.as_ref().map(|r| (r.position, r.replayed)),
        Some((position(given.receipt.as_ref())?, true))
    );
    client
        .rate_subject(authorized(
            facility("r-2", &second, 5),
            &resident_token(&second)?,
        )?)
        .await?;
    // Staff record a paper rating on the third resident's behalf.
    let on_behalf = client
        .rate_subject(authorized(
            facility("r-3", &third, 2),
            &community_worker()?,
        )?)
        .await?
        .into_inner();
    let last = position(on_behalf.receipt.as_ref())?;

    let before = summary(&mut client, pb::RatingSubjectKind::Facility, FACILITY, last).await?;
    assert_eq!((before.count, before.star_sum), (3, 11));
    assert_eq!(
        distribution(&before),
        vec![(1, 0), (2, 1), (3, 0), (4, 1), (5, 1)]
    );

    // A second rating of the same subject by the same resident, with a new
    // request id and other stars, meets the first one's stream.
    let twice = refused(
        client
            .rate_subject(authorized(
                facility("r-4", &first, 1),
                &resident_token(&first)?,
            )?)
            .await,
    )?;
    assert_eq!(twice.code(), Code::FailedPrecondition);
    assert_eq!(reason(&twice).as_deref(), Some("RATING_ALREADY_GIVEN"));
    let stream = StreamName::new("rating", uuid::Uuid::parse_str(&given.rating_id)?)?;
    let stored = service
        .started
        .store
        .read_stream(&stream, Direction::Forward, ReadFrom::Start, 10)
        .await?;
    assert_eq!(stored.len(), 1);
    let head = service.started.store.head_position().await?;
    let after = summary(&mut client, pb::RatingSubjectKind::Facility, FACILITY, head).await?;
    assert_eq!(after, before);

    // Newest first, two per page; a resident sees only their own rater id.
    let list = |page_token: String, token: String| {
        let request = pb::ListRatingsRequest {
            district: DISTRICT.into(),
            subject_kind: pb::RatingSubjectKind::Facility as i32,
            subject_id: FACILITY.to_uppercase(),
            page_size: 2,
            page_token,
            min_position: last,
            ..Default::default()
        };
        authorized(request, &token)
    };
    let page = client
        .list_ratings(list(String::new(), resident_token(&first)?)?)
        .await?
        .into_inner();
    let raters: Vec<&str> = page
        .ratings
        .iter()
        .map(|r| r.rater_resident_id.as_str())
        .collect();
    assert_eq!(raters, vec!["", ""]);
    assert_eq!(
        page.ratings.iter().map(|r| r.stars).collect::<Vec<_>>(),
        vec![2, 5]
    );
    assert!(!page.next_page_token.is_empty());
    let rest = client
        .list_ratings(list(page.next_page_token, resident_token(&first)?)?)
        .await?
        .into_inner();
    assert_eq!(rest.ratings.len(), 1);
    assert_eq!(rest.ratings[0].rater_resident_id, first);
    assert_eq!(rest.ratings[0].comment, "4 星");
    assert_eq!(rest.ratings[0].community, COMMUNITY);
    assert!(rest.next_page_token.is_empty());

    let by_community = pb::ListRatingsRequest {
        district: DISTRICT.into(),
        community: COMMUNITY.into(),
        min_position: last,
        ..Default::default()
    };
    let community = client
        .list_ratings(authorized(by_community, &community_worker()?)?)
        .await?
        .into_inner();
    let mut raters: Vec<String> = community
        .ratings
        .into_iter()
        .map(|r| r.rater_resident_id)
        .collect();
    raters.sort();
    let mut expected = vec![first, second, third];
    expected.sort();
    assert_eq!(raters, expected);
    service.stop().await
}

#[tokio::test]
async fn bad_ratings_are_refused_field_by_field_and_write_nothing() -> anyhow::Result<()> {
    let service = Residents::start().await?;
    let mut residents = service.client().await?;
    let mut client = ratings_client(&service).await?;
    let (rater, _) = register_nth(&mut residents, 1).await?;
    let token = resident_token(&rater)?;
    let head = service.started.store.head_position().await?;

    for stars in [0, 6] {
        let status = refused(
            client
                .rate_subject(authorized(facility("bad-stars", &rater, stars), &token)?)
                .await,
        )?;
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(fields(&status), vec!["stars"]);
    }
    let mut long = facility("bad-comment", &rater, 3);
    long.comment = "好".repeat(501);
    let status = refused(client.rate_subject(authorized(long, &token)?).await)?;
    assert_eq!(fields(&status), vec!["comment"]);
    let mut longest = facility("bad-comment", &rater, 3);
    longest.comment = "好".repeat(500);
    longest.subject_kind = 9;
    let status = refused(client.rate_subject(authorized(longest, &token)?).await)?;
    assert_eq!(fields(&status), vec!["subject_kind"]);
    let company = rate(
        "bad-company",
        &rater,
        pb::RatingSubjectKind::PropertyCompany,
        FACILITY,
        3,
    );
    let status = refused(client.rate_subject(authorized(company, &token)?).await)?;
    assert_eq!(fields(&status), vec!["subject_id"]);

    // Everything wrong at once is reported at once.
    let everything = pb::RateSubjectRequest {
        request_id: String::new(),
        district: "999999".into(),
        rater_resident_id: "someone".into(),
        subject_kind: 0,
        subject_id: String::new(),
        stars: 0,
        comment: "a\u{7}b".into(),
    };
    let status = refused(client.rate_subject(authorized(everything, &token)?).await)?;
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        fields(&status),
        vec![
            "comment",
            "district",
            "rater_resident_id",
            "request_id",
            "stars",
            "subject_id",
            "subject_kind"
        ]
    );

    let unknown_kind = pb::GetRatingSummaryRequest {
        district: DISTRICT.into(),
        subject_kind: 0,
        subject_id: FACILITY.into(),
        min_position: 0,
    };
    let status = refused(
        client
            .get_rating_summary(authorized(unknown_kind, &token)?)
            .await,
    )?;
    assert_eq!(fields(&status), vec!["subject_kind"]);
    let both = pb::ListRatingsRequest {
        district: DISTRICT.into(),
        subject_kind: pb::RatingSubjectKind::Facility as i32,
        subject_id: FACILITY.into(),
        community: COMMUNITY.into(),
        ..Default::default()
    };
    let status = refused(client.list_ratings(authorized(both, &token)?).await)?;
    assert_eq!(fields(&status), vec!["community"]);

    assert_eq!(service.started.store.head_position().await?, head);
    let nothing = summary(&mut client, pb::RatingSubjectKind::Facility, FACILITY, head).await?;
    assert_eq!((nothing.count, nothing.star_sum), (0, 0));
    service.stop().await
}

#[tokio::test]
async fn a_resident_rates_only_for_themselves_and_only_where_they_live() -> anyhow::Result<()> {
    let service = Residents::start().await?;
    let mut residents = service.client().await?;
    let mut client = ratings_client(&service).await?;
    let (rater, _) = register_nth(&mut residents, 1).await?;
    let (neighbour, _) = register_nth(&mut residents, 2).await?;
    let head = service.started.store.head_position().await?;

    let for_neighbour = refused(
        client
            .rate_subject(authorized(
                facility("other-1", &neighbour, 5),
                &resident_token(&rater)?,
            )?)
            .await,
    )?;
    assert_eq!(for_neighbour.code(), Code::PermissionDenied);

    let mut elsewhere = facility("other-2", &rater, 5);
    elsewhere.district = OTHER_DISTRICT.into();
    let status = refused(
        client
            .rate_subject(authorized(elsewhere.clone(), &resident_token(&rater)?)?)
            .await,
    )?;
    assert_eq!(status.code(), Code::PermissionDenied);
    // Staff of the other district cannot rate in its name for a resident
    // who does not live there.
    let other_staff = token(&["community_worker"], &[OTHER_DISTRICT])?;
    let status = refused(
        client
            .rate_subject(authorized(elsewhere, &other_staff)?)
            .await,
    )?;
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert_eq!(reason(&status).as_deref(), Some("RESIDENT_NOT_IN_DISTRICT"));
    let stranger = uuid::Uuid::new_v4().to_string();
    let status = refused(
        client
            .rate_subject(authorized(
                facility("other-3", &stranger, 5),
                &community_worker()?,
            )?)
            .await,
    )?;
    assert_eq!(reason(&status).as_deref(), Some("RESIDENT_NOT_IN_DISTRICT"));

    let mut read_elsewhere = pb::GetRatingSummaryRequest {
        district: OTHER_DISTRICT.into(),
        subject_kind: pb::RatingSubjectKind::Facility as i32,
        subject_id: FACILITY.into(),
        min_position: 0,
    };
    let status = refused(
        client
            .get_rating_summary(authorized(
                read_elsewhere.clone(),
                &resident_token(&rater)?,
            )?)
            .await,
    )?;
    assert_eq!(status.code(), Code::PermissionDenied);
    read_elsewhere.district = DISTRICT.into();
    let status = refused(
        client
            .get_rating_summary(authorized(
                read_elsewhere,
                &token(&["grid_worker"], &[DISTRICT])?,
            )?)
            .await,
    )?;
    assert_eq!(status.code(), Code::PermissionDenied);

    assert_eq!(service.started.store.head_position().await?, head);
    service.stop().await
}
