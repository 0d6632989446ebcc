//! A provider that won a contract for a dispatchable service (mediation)
//! receives grid cases: the grids service dispatches a case to the
//! provider's id, the provider gives feedback as the unit, the case closes,
//! and the purchase shows the grid's work under its contract, all through
//! events between the two contexts.

use super::open_tender::{bid, get, register};
use super::*;
use chrono::{Months, TimeDelta};
use gongzhi_kernel::Clock;
use gongzhi_proto::gongzhi::grids::v1 as grids;
use gongzhi_proto::gongzhi::grids::v1::case_service_client::CaseServiceClient;

const MEDIATION: &str = "mediation.disputes";

/// A single-source purchase of mediation from `provider`, run to a signed
/// contract whose term covers today (the grids service dates its dispatches
/// by the system clock).
async fn mediation_contract(p: &mut Procurement, provider: &str) -> anyhow::Result<String> {
    let token = buyer()?;
    p.catalogue
        .publish_catalogue_item(authorized(
            pb::PublishCatalogueItemRequest {
                request_id: "item".into(),
                district: DISTRICT.into(),
                item_code: MEDIATION.into(),
                name: "矛盾纠纷调解".into(),
                nature: pb::ServiceNature::PublicService as i32,
                stable: false,
                dispatchable: true,
            },
            &token,
        )?)
        .await?;
    let id = p
        .purchases
        .plan_purchase(authorized(
            pb::PlanPurchaseRequest {
                request_id: "plan".into(),
                district: DISTRICT.into(),
                title: "南坪街道人民调解服务".into(),
                item_code: MEDIATION.into(),
                budget_fen: 12_000_000,
                budget_secured: false,
                method: pb::PurchaseMethod::SingleSource as i32,
                justification: "辖区唯一的专业调解组织".into(),
                invited_provider_ids: vec![provider.to_owned()],
                price_weight: 100,
                criteria: Vec::new(),
            },
            &token,
        )?)
        .await?
        .into_inner()
        .purchase_id;
    let deadline = p.clock.now() + TimeDelta::days(5);
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
    p.purchases
        .submit_bid(authorized(bid(&id, "bid", provider, 12_000_000), &token)?)
        .await?;
    p.clock.set(deadline + TimeDelta::seconds(1));
    p.purchases
        .review_qualification(authorized(
            pb::ReviewQualificationRequest {
                request_id: "review".into(),
                district: DISTRICT.into(),
                purchase_id: id.clone(),
                provider_id: provider.to_owned(),
                qualified: true,
                reason: String::new(),
            },
            &token,
        )?)
        .await?;
    p.purchases
        .score_bids(authorized(
            pb::ScoreBidsRequest {
                request_id: "score".into(),
                district: DISTRICT.into(),
                purchase_id: id.clone(),
                bids: Vec::new(),
            },
            &token,
        )?)
        .await?;
    p.purchases
        .award_purchase(authorized(
            pb::AwardPurchaseRequest {
                request_id: "award".into(),
                district: DISTRICT.into(),
                purchase_id: id.clone(),
                provider_id: provider.to_owned(),
            },
            &token,
        )?)
        .await?;
    p.clock.advance(TimeDelta::days(8));
    let today = chrono::Utc::now().date_naive();
    let starts_on = today - TimeDelta::days(1);
    let due = starts_on
        .checked_add_months(Months::new(5))
        .ok_or_else(|| anyhow::anyhow!("no such date"))?;
    p.purchases
        .sign_contract(authorized(
            pb::SignContractRequest {
                request_id: "sign".into(),
                district: DISTRICT.into(),
                purchase_id: id.clone(),
                contract_id: "NP-MED-001".into(),
                starts_on: starts_on.format("%Y-%m-%d").to_string(),
                term_months: 6,
                milestones: vec![pb::Milestone {
                    milestone_id: "all".into(),
                    title: "全年调解服务".into(),
                    due: due.format("%Y-%m-%d").to_string(),
                    payment_fen: 12_000_000,
                }],
            },
            &token,
        )?)
        .await?;
    Ok(id)
}

#[tokio::test]
async fn a_grid_case_is_dispatched_to_a_provider_that_won_a_contract() -> anyhow::Result<()> {
    let mut p = Procurement::start_with_grids().await?;
    let provider = register(&mut p, 11).await?;
    let purchase_id = mediation_contract(&mut p, &provider).await?;
    let mut cases = CaseServiceClient::connect(format!("http://{}", p.started.addr)).await?;
    let center = token(&["command_center"], &[DISTRICT])?;

    let case_id = cases
        .report_case(authorized(
            grids::ReportCaseRequest {
                request_id: "report".into(),
                district: DISTRICT.into(),
                grid: crate::residents::GRID.into(),
                category: "component/01/01".into(),
                source: grids::CaseSource::Patrol as i32,
                urgency: grids::CaseUrgency::Normal as i32,
                description: "邻里噪音纠纷".into(),
                location: Some(grids::CaseLocation {
                    latitude: 29.52,
                    longitude: 106.54,
                }),
                reported_by: String::new(),
            },
            &token(&["grid_worker"], &[DISTRICT])?,
        )?)
        .await?
        .into_inner()
        .case_id;
    let step = |request_id: &str| (request_id.to_owned(), case_id.clone());
    let (request_id, id) = step("register");
    cases
        .register_case(authorized(
            grids::RegisterCaseRequest {
                request_id,
                district: DISTRICT.into(),
                case_id: id,
            },
            &center,
        )?)
        .await?;
    let (request_id, id) = step("dispatch");
    let dispatched = cases
        .dispatch_case(authorized(
            grids::DispatchCaseRequest {
                request_id,
                district: DISTRICT.into(),
                case_id: id,
                unit_id: provider.clone(),
            },
            &center,
        )?)
        .await?
        .into_inner();
    let dispatch_position = dispatched.receipt.map_or(0, |r| r.position);
    let purchase = get(&mut p, &purchase_id, dispatch_position).await?;
    assert!(purchase.dispatchable);
    assert_eq!(
        (purchase.grid_cases_dispatched, purchase.grid_cases_closed),
        (1, 0)
    );

    // The provider answers as the unit; the centre verifies and closes.
    let (request_id, id) = step("feedback");
    cases
        .give_feedback(authorized(
            grids::GiveFeedbackRequest {
                request_id,
                district: DISTRICT.into(),
                case_id: id,
                unit_id: String::new(),
                result: "已调解，双方签订协议".into(),
            },
            &token_for(&provider, &["department"])?,
        )?)
        .await?;
    let (request_id, id) = step("verify");
    cases
        .verify_case(authorized(
            grids::VerifyCaseRequest {
                request_id,
                district: DISTRICT.into(),
                case_id: id,
                passed: true,
                note: String::new(),
            },
            &center,
        )?)
        .await?;
    let (request_id, id) = step("close");
    let closed = cases
        .close_case(authorized(
            grids::CloseCaseRequest {
                request_id,
                district: DISTRICT.into(),
                case_id: id,
            },
            &center,
        )?)
        .await?
        .into_inner();
    let purchase = get(
        &mut p,
        &purchase_id,
        closed.receipt.map_or(0, |r| r.position),
    )
    .await?;
    assert_eq!(
        (purchase.grid_cases_dispatched, purchase.grid_cases_closed),
        (1, 1)
    );
    p.stop().await
}
