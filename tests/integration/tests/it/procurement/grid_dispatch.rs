//! A provider that won a contract for a dispatchable service (mediation)
//! receives grid cases: the grids service learns the provider as a
//! dispatch unit from the ContractSigned event, dispatches a case to the
//! provider's id, the provider gives feedback as the unit, the case closes,
//! and the purchase shows the grid's work under its contract, all through
//! events between the two contexts. A dispatch to a provider without a
//! contract in force is refused and writes nothing.

use super::open_tender::{bid, get, register};
use super::*;
use chrono::{Months, TimeDelta};
use gongzhi_kernel::Clock;
use gongzhi_proto::gongzhi::grids::v1 as grids;
use gongzhi_proto::gongzhi::grids::v1::case_service_client::CaseServiceClient;

const MEDIATION: &str = "mediation.disputes";

/// A single-source purchase of mediation from `provider`, run to a signed
/// contract of 6 months from the test clock's day; the purchase id and the
/// position of the signature.
async fn mediation_contract(p: &mut Procurement, provider: &str) -> anyhow::Result<(String, u64)> {
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
    // Both services read the same test clock.
    let starts_on = p.clock.now().date_naive();
    let due = starts_on
        .checked_add_months(Months::new(5))
        .ok_or_else(|| anyhow::anyhow!("no such date"))?;
    let signed = p
        .purchases
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
        .await?
        .into_inner();
    Ok((id, position(signed.receipt)))
}

/// The district's units a case may be dispatched to, once grids has seen
/// every event up to `min_position`.
async fn dispatch_units(
    cases: &mut CaseServiceClient<tonic::transport::Channel>,
    min_position: u64,
    include_inactive: bool,
) -> anyhow::Result<Vec<grids::DispatchUnit>> {
    Ok(cases
        .list_dispatch_units(authorized(
            grids::ListDispatchUnitsRequest {
                district: DISTRICT.into(),
                include_inactive,
                min_position,
            },
            &token(&["command_center"], &[DISTRICT])?,
        )?)
        .await?
        .into_inner()
        .units)
}

/// A patrol's report, registered: a case awaiting dispatch.
async fn registered_case(
    cases: &mut CaseServiceClient<tonic::transport::Channel>,
    request_id: &str,
) -> anyhow::Result<String> {
    let case_id = cases
        .report_case(authorized(
            grids::ReportCaseRequest {
                request_id: format!("{request_id}-report"),
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
    cases
        .register_case(authorized(
            grids::RegisterCaseRequest {
                request_id: format!("{request_id}-register"),
                district: DISTRICT.into(),
                case_id: case_id.clone(),
            },
            &token(&["command_center"], &[DISTRICT])?,
        )?)
        .await?;
    Ok(case_id)
}

fn dispatch(case_id: &str, request_id: &str, unit_id: &str) -> grids::DispatchCaseRequest {
    grids::DispatchCaseRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        case_id: case_id.into(),
        unit_id: unit_id.into(),
    }
}

#[tokio::test]
async fn a_grid_case_is_dispatched_to_a_provider_that_won_a_contract() -> anyhow::Result<()> {
    let mut p = Procurement::start_with_grids().await?;
    let provider = register(&mut p, 11).await?;
    let (purchase_id, signed_at) = mediation_contract(&mut p, &provider).await?;
    let mut cases = CaseServiceClient::connect(format!("http://{}", p.started.addr)).await?;
    let center = token(&["command_center"], &[DISTRICT])?;

    // Grids learnt the provider as a unit from the ContractSigned event.
    let units = dispatch_units(&mut cases, signed_at, false).await?;
    assert_eq!(units.len(), 1);
    let unit = &units[0];
    assert_eq!(
        (
            unit.unit_id.as_str(),
            unit.name.as_str(),
            unit.item_code.as_str()
        ),
        (provider.as_str(), "南岸区第11社工服务中心", MEDIATION)
    );
    assert_eq!(
        (unit.purchase_id.as_str(), unit.contract_id.as_str()),
        (purchase_id.as_str(), "NP-MED-001")
    );
    assert!(unit.active);

    let case_id = registered_case(&mut cases, "first").await?;
    let case_events = p.events_in("case", &case_id).await?;

    // A provider the district never contracted is refused; nothing written.
    let stranger = uuid::Uuid::new_v4().to_string();
    let refused = cases
        .dispatch_case(authorized(
            dispatch(&case_id, "stranger", &stranger),
            &center,
        )?)
        .await;
    assert_eq!(reason(refused), "DISPATCH_UNIT_NOT_CONTRACTED");
    assert_eq!(p.events_in("case", &case_id).await?, case_events);

    let dispatched = cases
        .dispatch_case(authorized(
            dispatch(&case_id, "dispatch", &provider),
            &center,
        )?)
        .await?
        .into_inner();
    assert_eq!(p.events_in("case", &case_id).await?, case_events + 1);
    let dispatch_position = dispatched.receipt.map_or(0, |r| r.position);
    let purchase = get(&mut p, &purchase_id, dispatch_position).await?;
    assert!(purchase.dispatchable);
    assert_eq!(
        (purchase.grid_cases_dispatched, purchase.grid_cases_closed),
        (1, 0)
    );

    // The provider answers as the unit; the centre verifies and closes.
    cases
        .give_feedback(authorized(
            grids::GiveFeedbackRequest {
                request_id: "feedback".into(),
                district: DISTRICT.into(),
                case_id: case_id.clone(),
                unit_id: String::new(),
                result: "已调解，双方签订协议".into(),
            },
            &token_for(&provider, &["department"])?,
        )?)
        .await?;
    cases
        .verify_case(authorized(
            grids::VerifyCaseRequest {
                request_id: "verify".into(),
                district: DISTRICT.into(),
                case_id: case_id.clone(),
                passed: true,
                note: String::new(),
            },
            &center,
        )?)
        .await?;
    let closed = cases
        .close_case(authorized(
            grids::CloseCaseRequest {
                request_id: "close".into(),
                district: DISTRICT.into(),
                case_id: case_id.clone(),
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

    // Once the term has ended the provider receives no more cases; it is
    // listed only with the inactive units.
    p.clock.advance(TimeDelta::days(200));
    let late_case = registered_case(&mut cases, "late").await?;
    let late_events = p.events_in("case", &late_case).await?;
    let late = cases
        .dispatch_case(authorized(
            dispatch(&late_case, "late-dispatch", &provider),
            &center,
        )?)
        .await;
    assert_eq!(reason(late), "DISPATCH_UNIT_NOT_CONTRACTED");
    assert_eq!(p.events_in("case", &late_case).await?, late_events);
    assert!(dispatch_units(&mut cases, 0, false).await?.is_empty());
    let all = dispatch_units(&mut cases, 0, true).await?;
    assert_eq!(all.len(), 1);
    assert!(!all[0].active);

    // Departments are dispatched to as before.
    cases
        .dispatch_case(authorized(
            dispatch(&late_case, "department-dispatch", "unit-civil-affairs"),
            &center,
        )?)
        .await?;
    assert_eq!(p.events_in("case", &late_case).await?, late_events + 1);
    p.stop().await
}
