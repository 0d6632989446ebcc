//! A resident's rating of a property company travels from the residents
//! context to the property context as `gongzhi serve residents property`
//! runs them: relay -> JetStream -> the property reactor's durable consumer
//! -> the company's rating read model. The reactor is fed like a
//! projection, so the query's `min_position` (the rating's position) waits
//! until it has handled the rating: no sleeps.

use super::*;
use gongzhi_proto::gongzhi::residents::v1 as residents;
use gongzhi_proto::gongzhi::residents::v1::rating_service_client::RatingServiceClient;
use gongzhi_proto::gongzhi::residents::v1::resident_service_client::ResidentServiceClient;

/// A facility, rated too: not a company, so not in the company's model.
const FACILITY: &str = "0d5b9c2e-8f3a-4d7e-9b1c-2a6e4f8d0c13";

async fn resident(client: &mut ResidentServiceClient<Channel>, n: u32) -> anyhow::Result<String> {
    let mut request = crate::residents::registration(&format!("register-{n}"));
    request.id_number = crate::residents::id_number(n)?;
    Ok(client
        .register_resident(authorized(
            request,
            &token_for("admin", &["district_admin"])?,
        )?)
        .await?
        .into_inner()
        .resident_id)
}

async fn rate(
    client: &mut RatingServiceClient<Channel>,
    rater: &str,
    kind: residents::RatingSubjectKind,
    subject_id: &str,
    stars: u32,
) -> anyhow::Result<u64> {
    let request = residents::RateSubjectRequest {
        request_id: format!("rate-{subject_id}"),
        district: DISTRICT.into(),
        rater_resident_id: rater.into(),
        subject_kind: kind as i32,
        subject_id: subject_id.into(),
        stars,
        comment: String::new(),
    };
    let response = client
        .rate_subject(authorized(request, &token_for(rater, &["resident"])?)?)
        .await?
        .into_inner();
    Ok(response.receipt.map_or(0, |r| r.position))
}

async fn company_rating(c: &mut Clients, min_position: u64) -> anyhow::Result<pb::CompanyRating> {
    c.management
        .get_company_rating(authorized(
            pb::GetCompanyRatingRequest {
                district: DISTRICT.into(),
                company_id: COMPANY.into(),
                min_position,
            },
            &street()?,
        )?)
        .await?
        .into_inner()
        .rating
        .ok_or_else(|| anyhow::anyhow!("GetCompanyRating answers with a rating"))
}

#[tokio::test]
async fn residents_ratings_of_a_company_reach_its_rating() -> anyhow::Result<()> {
    let service =
        Property::start_hosting(vec![ServiceName::Residents, ServiceName::Property]).await?;
    let url = format!("http://{}", service.started.addr);
    let mut registry = ResidentServiceClient::connect(url.clone()).await?;
    let mut ratings = RatingServiceClient::connect(url).await?;
    let mut c = service.clients().await?;

    let empty = company_rating(&mut c, 0).await?;
    assert_eq!((empty.count, empty.star_sum), (0, 0));

    let first = resident(&mut registry, 1).await?;
    let second = resident(&mut registry, 2).await?;
    let company = residents::RatingSubjectKind::PropertyCompany;
    rate(&mut ratings, &first, company, COMPANY, 5).await?;
    rate(
        &mut ratings,
        &first,
        residents::RatingSubjectKind::Facility,
        FACILITY,
        1,
    )
    .await?;
    let last = rate(&mut ratings, &second, company, COMPANY, 3).await?;

    let rating = company_rating(&mut c, last).await?;
    assert_eq!(rating.company_id, COMPANY);
    assert_eq!(
        rating.count, 2,
        "the facility's rating is not the company's"
    );
    assert_eq!(rating.star_sum, 8);
    assert_eq!(rating.distribution, vec![0, 0, 1, 0, 1]);

    service.stop().await
}
