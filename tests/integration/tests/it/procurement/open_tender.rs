//! An open tender from the catalogue to a paid and evaluated contract, and
//! the refusals on the way (late bid, second bid, award to a bidder that
//! did not qualify, ...), each shown to have written and changed nothing.

use super::*;
use chrono::TimeDelta;
use gongzhi_kernel::Clock;

pub(super) const ITEM: &str = "elderly-care.home-visits";

pub(super) async fn register(p: &mut Procurement, n: u32) -> anyhow::Result<String> {
    let response = p
        .providers
        .register_provider(authorized(
            pb::RegisterProviderRequest {
                request_id: format!("register-{n}"),
                district: DISTRICT.into(),
                social_credit_code: social_credit_code(n)?,
                name: format!("南岸区第{n}社工服务中心"),
                kind: pb::ProviderKind::SocialOrganisation as i32,
                qualifications: vec!["养老服务".into()],
                contact: "023-62000000".into(),
            },
            &buyer()?,
        )?)
        .await?
        .into_inner();
    Ok(response.provider_id)
}

pub(super) fn publish_item(
    request_id: &str,
    code: &str,
    nature: pb::ServiceNature,
) -> pb::PublishCatalogueItemRequest {
    pb::PublishCatalogueItemRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        item_code: code.into(),
        name: "居家养老上门服务".into(),
        nature: nature as i32,
        stable: true,
        dispatchable: false,
    }
}

pub(super) fn plan() -> pb::PlanPurchaseRequest {
    pb::PlanPurchaseRequest {
        request_id: "plan".into(),
        district: DISTRICT.into(),
        title: "南坪街道2027年居家养老上门服务".into(),
        item_code: ITEM.into(),
        budget_fen: 50_000_000,
        budget_secured: false,
        method: pb::PurchaseMethod::OpenTender as i32,
        justification: String::new(),
        invited_provider_ids: Vec::new(),
        price_weight: 30,
        criteria: vec![
            pb::Criterion {
                criterion_id: "plan".into(),
                weight: 40,
            },
            pb::Criterion {
                criterion_id: "team".into(),
                weight: 30,
            },
        ],
    }
}

pub(super) fn bid(
    purchase_id: &str,
    request_id: &str,
    provider_id: &str,
    price_fen: u64,
) -> pb::SubmitBidRequest {
    pb::SubmitBidRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        purchase_id: purchase_id.into(),
        provider_id: provider_id.into(),
        price_fen,
    }
}

fn review(purchase_id: &str, provider_id: &str, qualified: bool) -> pb::ReviewQualificationRequest {
    pb::ReviewQualificationRequest {
        request_id: format!("review-{provider_id}"),
        district: DISTRICT.into(),
        purchase_id: purchase_id.into(),
        provider_id: provider_id.into(),
        qualified,
        reason: if qualified {
            String::new()
        } else {
            "营业执照已过期".into()
        },
    }
}

fn award(purchase_id: &str, request_id: &str, provider_id: &str) -> pb::AwardPurchaseRequest {
    pb::AwardPurchaseRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        purchase_id: purchase_id.into(),
        provider_id: provider_id.into(),
    }
}

fn milestone(purchase_id: &str, request_id: &str, milestone_id: &str) -> (String, String, String) {
    (
        purchase_id.to_owned(),
        request_id.to_owned(),
        milestone_id.to_owned(),
    )
}

async fn deliver(
    p: &mut Procurement,
    (purchase_id, request_id, milestone_id): (String, String, String),
) -> anyhow::Result<u64> {
    let response = p
        .purchases
        .deliver_milestone(authorized(
            pb::DeliverMilestoneRequest {
                request_id,
                district: DISTRICT.into(),
                purchase_id,
                milestone_id,
            },
            &buyer()?,
        )?)
        .await?;
    Ok(position(response.into_inner().receipt))
}

async fn pay(
    p: &mut Procurement,
    (purchase_id, request_id, milestone_id): (String, String, String),
) -> Result<tonic::Response<pb::MakePaymentResponse>, tonic::Status> {
    let request = p.buyer.on(pb::MakePaymentRequest {
        request_id,
        district: DISTRICT.into(),
        purchase_id,
        milestone_id,
    });
    p.purchases.make_payment(request).await
}

pub(super) async fn get(
    p: &mut Procurement,
    purchase_id: &str,
    min_position: u64,
) -> anyhow::Result<pb::Purchase> {
    p.purchases
        .get_purchase(authorized(
            pb::GetPurchaseRequest {
                district: DISTRICT.into(),
                purchase_id: purchase_id.into(),
                min_position,
            },
            &buyer()?,
        )?)
        .await?
        .into_inner()
        .purchase
        .ok_or_else(|| anyhow::anyhow!("no purchase in the answer"))
}

/// A resident of the district rates the purchased service 4 stars through
/// the residents service; answers the rating's position.
async fn rate_service(p: &mut Procurement, purchase_id: &str, token: &str) -> anyhow::Result<u64> {
    use gongzhi_proto::gongzhi::residents::v1 as residents;
    use residents::rating_service_client::RatingServiceClient;
    use residents::resident_service_client::ResidentServiceClient;
    let url = format!("http://{}", p.started.addr);
    let resident = ResidentServiceClient::connect(url.clone())
        .await?
        .register_resident(authorized(crate::residents::registration("rater"), token)?)
        .await?
        .into_inner();
    let rating = RatingServiceClient::connect(url)
        .await?
        .rate_subject(authorized(
            residents::RateSubjectRequest {
                request_id: "rate-service".into(),
                district: DISTRICT.into(),
                rater_resident_id: resident.resident_id,
                subject_kind: residents::RatingSubjectKind::Service as i32,
                subject_id: purchase_id.into(),
                stars: 4,
                comment: "服务员很耐心".into(),
            },
            token,
        )?)
        .await?
        .into_inner();
    Ok(rating.receipt.map_or(0, |r| r.position))
}

#[tokio::test]
async fn an_open_tender_runs_from_catalogue_to_a_paid_and_evaluated_contract() -> anyhow::Result<()>
{
    let mut p = Procurement::start_with_residents().await?;
    let token = buyer()?;
    let mut providers = Vec::new();
    for n in 1..=5 {
        providers.push(register(&mut p, n).await?);
    }
    let (a, b, c, unqualified, late) = (
        &providers[0],
        &providers[1],
        &providers[2],
        &providers[3],
        &providers[4],
    );

    // Catalogue: a public service is published; goods are not services.
    p.catalogue
        .publish_catalogue_item(authorized(
            publish_item("item", ITEM, pb::ServiceNature::PublicService),
            &token,
        )?)
        .await?;
    let goods = p
        .catalogue
        .publish_catalogue_item(authorized(
            publish_item("goods", "wheelchairs", pb::ServiceNature::Goods),
            &token,
        )?)
        .await;
    assert_eq!(reason(goods), "NOT_A_PURCHASABLE_SERVICE");

    let planned = p
        .purchases
        .plan_purchase(authorized(plan(), &token)?)
        .await?
        .into_inner();
    let id = planned.purchase_id.clone();
    let deadline = p.clock.now() + TimeDelta::days(20);
    p.purchases
        .publish_tender(authorized(
            pb::PublishTenderRequest {
                request_id: "publish".into(),
                district: DISTRICT.into(),
                purchase_id: id.clone(),
                deadline: deadline.to_rfc3339(),
            },
            &token,
        )?)
        .await?;

    p.clock.advance(TimeDelta::days(5));
    for (n, (provider, price)) in [
        (a, 45_000_000),
        (b, 40_000_000),
        (c, 48_000_000),
        (unqualified, 30_000_000),
    ]
    .into_iter()
    .enumerate()
    {
        p.purchases
            .submit_bid(authorized(
                bid(&id, &format!("bid-{n}"), provider, price),
                &token,
            )?)
            .await?;
    }

    // A second bid from one provider is refused and writes nothing.
    let before = p.events_in("purchase", &id).await?;
    let second = p
        .purchases
        .submit_bid(authorized(bid(&id, "bid-again", a, 44_000_000), &token)?)
        .await;
    assert_eq!(reason(second), "PROVIDER_ALREADY_BID");
    assert_eq!(p.events_in("purchase", &id).await?, before);

    // After the deadline a bid is late.
    p.clock.set(deadline + TimeDelta::seconds(1));
    let late_bid = p
        .purchases
        .submit_bid(authorized(bid(&id, "bid-late", late, 20_000_000), &token)?)
        .await;
    assert_eq!(reason(late_bid), "BID_AFTER_DEADLINE");
    assert_eq!(p.events_in("purchase", &id).await?, before);

    for (provider, qualified) in [(a, true), (b, true), (c, true), (unqualified, false)] {
        p.purchases
            .review_qualification(authorized(review(&id, provider, qualified), &token)?)
            .await?;
    }
    let points = |provider: &str, q: u32| pb::BidPoints {
        provider_id: provider.to_owned(),
        points: vec![q, q],
    };
    p.purchases
        .score_bids(authorized(
            pb::ScoreBidsRequest {
                request_id: "score".into(),
                district: DISTRICT.into(),
                purchase_id: id.clone(),
                bids: vec![points(a, 90), points(b, 70), points(c, 50)],
            },
            &token,
        )?)
        .await?;

    // The cheapest bidder did not qualify: no award to it.
    let before = p.events_in("purchase", &id).await?;
    let refused = p
        .purchases
        .award_purchase(authorized(
            award(&id, "award-unqualified", unqualified),
            &token,
        )?)
        .await;
    assert_eq!(reason(refused), "BIDDER_NOT_QUALIFIED");
    let second_ranked = p
        .purchases
        .award_purchase(authorized(award(&id, "award-b", b), &token)?)
        .await;
    assert_eq!(reason(second_ranked), "BIDDER_NOT_FIRST_RANKED");
    assert_eq!(p.events_in("purchase", &id).await?, before);
    p.purchases
        .award_purchase(authorized(award(&id, "award-a", a), &token)?)
        .await?;

    let sign = pb::SignContractRequest {
        request_id: "sign".into(),
        district: DISTRICT.into(),
        purchase_id: id.clone(),
        contract_id: "NA-2027-001".into(),
        starts_on: "2027-03-01".into(),
        term_months: 12,
        milestones: vec![
            pb::Milestone {
                milestone_id: "h1".into(),
                title: "上半年服务".into(),
                due: "2027-08-31".into(),
                payment_fen: 20_000_000,
            },
            pb::Milestone {
                milestone_id: "h2".into(),
                title: "下半年服务".into(),
                due: "2028-02-28".into(),
                payment_fen: 25_000_000,
            },
        ],
    };
    let early = p
        .purchases
        .sign_contract(authorized(sign.clone(), &token)?)
        .await;
    assert_eq!(reason(early), "STANDSTILL_RUNNING");
    p.clock.advance(TimeDelta::days(8));
    p.purchases.sign_contract(authorized(sign, &token)?).await?;

    p.purchases
        .record_monitoring(authorized(
            pb::RecordMonitoringRequest {
                request_id: "monitor-h1".into(),
                district: DISTRICT.into(),
                purchase_id: id.clone(),
                milestone_id: "h1".into(),
                satisfactory: true,
                note: "抽查20户，服务记录完整".into(),
            },
            &token,
        )?)
        .await?;
    deliver(&mut p, milestone(&id, "deliver-h1", "h1")).await?;
    pay(&mut p, milestone(&id, "pay-h1", "h1")).await?;
    deliver(&mut p, milestone(&id, "deliver-h2", "h2")).await?;

    // A resident rates the service; the evaluation takes the rating in.
    let rating_position = rate_service(&mut p, &id, &token).await?;
    let rated = get(&mut p, &id, rating_position).await?;
    assert_eq!(
        (rated.satisfaction_count, rated.satisfaction_star_sum),
        (1, 4)
    );

    // The final payment waits for the evaluation.
    let before = p.events_in("purchase", &id).await?;
    assert_eq!(
        reason(pay(&mut p, milestone(&id, "pay-h2-early", "h2")).await),
        "FINAL_PAYMENT_NEEDS_EVALUATION"
    );
    assert_eq!(p.events_in("purchase", &id).await?, before);
    p.purchases
        .evaluate_performance(authorized(
            pb::EvaluatePerformanceRequest {
                request_id: "evaluate".into(),
                district: DISTRICT.into(),
                purchase_id: id.clone(),
                evaluator: pb::Evaluator::ThirdParty as i32,
                evaluator_name: "重庆市社会组织评估中心".into(),
                score: 88,
            },
            &token,
        )?)
        .await?;
    let paid = pay(&mut p, milestone(&id, "pay-h2", "h2"))
        .await?
        .into_inner();

    let purchase = get(&mut p, &id, position(paid.receipt)).await?;
    assert_eq!(purchase.phase, "COMPLETED");
    assert_eq!(purchase.awarded_provider_id, *a);
    assert_eq!(
        (
            purchase.bid_count,
            purchase.contract_amount_fen,
            purchase.paid_fen
        ),
        (4, 45_000_000, 45_000_000)
    );
    assert_eq!((purchase.evaluated, purchase.evaluation_score), (true, 88));

    // The evaluation joins the provider's history for future selections.
    let provider = p
        .providers
        .get_provider(authorized(
            pb::GetProviderRequest {
                district: DISTRICT.into(),
                provider_id: a.clone(),
                min_position: 0,
            },
            &token,
        )?)
        .await?
        .into_inner()
        .provider
        .ok_or_else(|| anyhow::anyhow!("no provider"))?;
    assert_eq!(provider.contracts.len(), 1);
    assert_eq!(
        (
            provider.contracts[0].evaluated,
            provider.contracts[0].evaluation_score
        ),
        (true, 88)
    );
    assert_eq!(
        (
            provider.contracts[0].satisfaction_count,
            provider.contracts[0].satisfaction_star_sum
        ),
        (1, 4)
    );

    // Open data: every release and the merged record validate against
    // OCDS 1.1.5, and the record tells the whole story.
    let export = p
        .purchases
        .export_ocds(authorized(
            pb::ExportOcdsRequest {
                district: DISTRICT.into(),
                purchase_id: id.clone(),
            },
            &super::token(&["city_reader"], &[])?,
        )?)
        .await?
        .into_inner();
    let releases: serde_json::Value = serde_json::from_str(&export.release_package_json)?;
    let record: serde_json::Value = serde_json::from_str(&export.record_package_json)?;
    let validators = gongzhi_ocds::validate::OcdsValidators::new()?;
    assert_eq!(validators.release_package(&releases), Vec::<String>::new());
    assert_eq!(validators.record_package(&record), Vec::<String>::new());
    let tags: Vec<&str> = releases["releases"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["tag"].as_array().into_iter().flatten())
        .filter_map(serde_json::Value::as_str)
        .collect();
    for tag in [
        "planning",
        "tender",
        "award",
        "contract",
        "implementation",
        "contractTermination",
    ] {
        assert!(tags.contains(&tag), "no {tag} release in {tags:?}");
    }
    let compiled = &record["records"][0]["compiledRelease"];
    assert_eq!(
        compiled["ocid"],
        serde_json::json!(format!("ocds-gongzhi-pu-{id}"))
    );
    assert_eq!(
        compiled["contracts"][0]["status"],
        serde_json::json!("terminated")
    );
    assert_eq!(
        compiled["contracts"][0]["implementation"]["transactions"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let supplier = compiled["parties"]
        .as_array()
        .and_then(|parties| {
            parties
                .iter()
                .find(|party| party["id"] == serde_json::json!(a))
        })
        .ok_or_else(|| anyhow::anyhow!("no supplier party"))?;
    assert_eq!(
        supplier["identifier"]["id"],
        serde_json::json!(social_credit_code(1)?)
    );
    // Another district's export does not find it.
    let elsewhere = p
        .purchases
        .export_ocds(authorized(
            pb::ExportOcdsRequest {
                district: "500103".into(),
                purchase_id: id.clone(),
            },
            &super::token(&["city_reader"], &[])?,
        )?)
        .await;
    assert_eq!(
        elsewhere.err().map(|s| s.code()),
        Some(tonic::Code::NotFound)
    );
    p.stop().await
}
