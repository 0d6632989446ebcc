//! Refusals that must change nothing: bad codes, category-1 institutions,
//! plans outside the catalogue or without a justification, the wrong roles
//! and districts; and a retried request answered without writing again.

use super::open_tender::{ITEM, bid, get, plan, publish_item, register};
use super::*;
use chrono::TimeDelta;

#[tokio::test]
async fn bad_providers_and_plans_are_refused_and_change_nothing() -> anyhow::Result<()> {
    let mut p = Procurement::start().await?;
    let token = buyer()?;

    // A wrong check character is a field violation.
    let mut code = social_credit_code(1)?;
    let last = code.pop().map_or('0', |c| if c == '0' { '1' } else { '0' });
    code.push(last);
    let bad_code = p
        .providers
        .register_provider(authorized(
            pb::RegisterProviderRequest {
                request_id: "bad-code".into(),
                district: DISTRICT.into(),
                social_credit_code: code,
                name: "某机构".into(),
                kind: pb::ProviderKind::Enterprise as i32,
                qualifications: Vec::new(),
                contact: String::new(),
            },
            &token,
        )?)
        .await;
    assert_eq!(
        violated_fields(bad_code),
        vec!["social_credit_code".to_owned()]
    );

    // A category-1 public institution cannot provide.
    let category_one = p
        .providers
        .register_provider(authorized(
            pb::RegisterProviderRequest {
                request_id: "category-one".into(),
                district: DISTRICT.into(),
                social_credit_code: social_credit_code(2)?,
                name: "区公立医院".into(),
                kind: pb::ProviderKind::PublicInstitutionCategory1 as i32,
                qualifications: Vec::new(),
                contact: String::new(),
            },
            &token,
        )?)
        .await;
    assert_eq!(
        reason(category_one),
        "PROVIDER_CATEGORY_ONE_PUBLIC_INSTITUTION"
    );
    let id = gongzhi_procurement::app::provider_id(
        &DistrictCode::parse(DISTRICT)?,
        &social_credit_code(2)?,
    );
    assert_eq!(p.events_in("provider", &id.to_string()).await?, 0);

    // A plan for an item the catalogue does not hold.
    let missing = p.purchases.plan_purchase(authorized(plan(), &token)?).await;
    assert_eq!(reason(missing), "CATALOGUE_ITEM_NOT_FOUND");

    // Single source without a justification, once the item is published.
    p.catalogue
        .publish_catalogue_item(authorized(
            publish_item("item", ITEM, pb::ServiceNature::PublicService),
            &token,
        )?)
        .await?;
    let provider = register(&mut p, 3).await?;
    let mut single = plan();
    single.request_id = "single".into();
    single.method = pb::PurchaseMethod::SingleSource as i32;
    single.invited_provider_ids = vec![provider];
    single.price_weight = 100;
    single.criteria.clear();
    let refused = p.purchases.plan_purchase(authorized(single, &token)?).await;
    assert_eq!(reason(refused), "JUSTIFICATION_MISSING");

    // Nobody outside the buyer's roles plans.
    let reader = super::token(&["community_worker"], &[DISTRICT])?;
    let denied = p
        .purchases
        .plan_purchase(authorized(plan(), &reader)?)
        .await;
    assert_eq!(
        denied.err().map(|s| s.code()),
        Some(tonic::Code::PermissionDenied)
    );
    p.stop().await
}

#[tokio::test]
async fn a_retried_plan_is_replayed_and_other_districts_see_nothing() -> anyhow::Result<()> {
    let mut p = Procurement::start().await?;
    let token = buyer()?;
    p.catalogue
        .publish_catalogue_item(authorized(
            publish_item("item", ITEM, pb::ServiceNature::PublicService),
            &token,
        )?)
        .await?;
    let first = p
        .purchases
        .plan_purchase(authorized(plan(), &token)?)
        .await?
        .into_inner();
    let again = p
        .purchases
        .plan_purchase(authorized(plan(), &token)?)
        .await?
        .into_inner();
    assert_eq!(again.purchase_id, first.purchase_id);
    assert_eq!(again.receipt.map(|r| r.replayed), Some(true));
    assert_eq!(p.events_in("purchase", &first.purchase_id).await?, 1);

    // A street officer of another district neither reads nor acts here,
    // and in their own district the purchase does not exist.
    let outsider = super::token(&["street_officer"], &["500103"])?;
    let here = p
        .purchases
        .get_purchase(authorized(
            pb::GetPurchaseRequest {
                district: DISTRICT.into(),
                purchase_id: first.purchase_id.clone(),
                min_position: 0,
            },
            &outsider,
        )?)
        .await;
    assert_eq!(
        here.err().map(|s| s.code()),
        Some(tonic::Code::PermissionDenied)
    );
    let deadline = (start_time()? + TimeDelta::days(30)).to_rfc3339();
    let publish = |district: &str| pb::PublishTenderRequest {
        request_id: "publish-elsewhere".into(),
        district: district.into(),
        purchase_id: first.purchase_id.clone(),
        deadline: deadline.clone(),
    };
    let elsewhere = p
        .purchases
        .publish_tender(authorized(publish("500103"), &outsider)?)
        .await;
    assert_eq!(
        elsewhere.err().map(|s| s.code()),
        Some(tonic::Code::NotFound)
    );
    assert_eq!(p.events_in("purchase", &first.purchase_id).await?, 1);

    // A refused bid leaves the read model as the last accepted one did.
    p.purchases
        .publish_tender(authorized(publish(DISTRICT), &token)?)
        .await?;
    let provider = register(&mut p, 9).await?;
    p.clock.advance(TimeDelta::days(1));
    let accepted = p
        .purchases
        .submit_bid(authorized(
            bid(&first.purchase_id, "bid", &provider, 1_000_000),
            &token,
        )?)
        .await?
        .into_inner();
    let second_bid = p
        .purchases
        .submit_bid(authorized(
            bid(&first.purchase_id, "bid-2", &provider, 60_000_000),
            &token,
        )?)
        .await;
    assert_eq!(reason(second_bid), "PROVIDER_ALREADY_BID");
    let stranger = uuid::Uuid::new_v4().to_string();
    let unregistered = p
        .purchases
        .submit_bid(authorized(
            bid(&first.purchase_id, "bid-stranger", &stranger, 1_000_000),
            &token,
        )?)
        .await;
    assert_eq!(reason(unregistered), "PROVIDER_NOT_REGISTERED");
    let view = get(&mut p, &first.purchase_id, position(accepted.receipt)).await?;
    assert_eq!((view.phase.as_str(), view.bid_count), ("TENDERING", 1));
    p.stop().await
}

#[tokio::test]
async fn qualifications_change_in_the_providers_district_only() -> anyhow::Result<()> {
    let mut p = Procurement::start().await?;
    let provider = register(&mut p, 5).await?;
    let update = |request_id: &str, district: &str| pb::UpdateProviderQualificationsRequest {
        request_id: request_id.into(),
        district: district.into(),
        provider_id: provider.clone(),
        qualifications: vec!["养老服务".into(), "人民调解员".into()],
    };
    let outsider = super::token(&["district_admin"], &["500103"])?;
    let elsewhere = p
        .providers
        .update_provider_qualifications(authorized(update("elsewhere", "500103"), &outsider)?)
        .await;
    assert_eq!(
        elsewhere.err().map(|s| s.code()),
        Some(tonic::Code::NotFound)
    );
    assert_eq!(p.events_in("provider", &provider).await?, 1);
    let updated = p
        .providers
        .update_provider_qualifications(authorized(update("here", DISTRICT), &buyer()?)?)
        .await?
        .into_inner();
    let found = p
        .providers
        .get_provider(authorized(
            pb::GetProviderRequest {
                district: DISTRICT.into(),
                provider_id: provider.clone(),
                min_position: position(updated.receipt),
            },
            &buyer()?,
        )?)
        .await?
        .into_inner()
        .provider
        .ok_or_else(|| anyhow::anyhow!("no provider"))?;
    assert_eq!(
        found.qualifications,
        vec!["养老服务".to_owned(), "人民调解员".to_owned()]
    );
    p.stop().await
}
