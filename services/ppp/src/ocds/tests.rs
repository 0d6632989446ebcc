//! Every kind of published step, exported and checked against the shipped
//! OCDS schemas (PPP profile release package, 1.1.5 record package).

use super::{PublishedEvent, releases};
use crate::domain::project::ProjectEvent;
use chrono::{TimeZone, Utc};
use gongzhi_ocds::validate::OcdsValidators;
use gongzhi_ocds::{Publisher, record_package, release_package};
use gongzhi_proto::gongzhi::ppp::v1 as pb;

const ID: &str = "6f2d7a8e-1b3c-4d5e-8f90-a1b2c3d4e5f6";
const D: &str = "500108";

fn life() -> Vec<ProjectEvent> {
    let p = || ID.to_owned();
    let d = || D.to_owned();
    vec![
        ProjectEvent::Identified(pb::ProjectIdentified {
            project_id: p(),
            district: d(),
            community: "500108001002".into(),
            name: "南坪社区养老服务中心".into(),
            facility: "elderly-care centre".into(),
            model: pb::OperationModel::BuildOwnOperate as i32,
            mechanism: pb::PaymentMechanism::ViabilityGap as i32,
            term_years: 10,
            first_year: 2027,
            construction_cost_fen: 10_000_001,
            government_outlays: vec![pb::YearAmount {
                year: 2027,
                amount_fen: 1,
            }],
            performance_linked_percent: 30,
            consultation_required: true,
            identified_at: "2027-01-01T00:00:00Z".into(),
            grid: String::new(),
        }),
        ProjectEvent::VfmEvaluated(pb::VfmEvaluated {
            project_id: p(),
            district: d(),
            qualitative_score: 50,
            ppp_present_value_fen: 2,
            psc_present_value_fen: 1,
            passed: false,
            failed_because: "PPP_COSTLIER_THAN_PSC".into(),
        }),
        ProjectEvent::AffordabilityConfirmed(pb::AffordabilityConfirmed {
            project_id: p(),
            district: d(),
            portfolio_revision: 0,
        }),
        ProjectEvent::StageAdvanced(pb::StageAdvanced {
            project_id: p(),
            district: d(),
            from: 1,
            to: 2,
            advanced_at: String::new(),
        }),
        ProjectEvent::PlanSubmitted(pb::ImplementationPlanSubmitted {
            project_id: p(),
            district: d(),
            summary: "s".into(),
            risks: vec![pb::RiskAllocation {
                risk: "demand".into(),
                bearer: pb::RiskBearer::Shared as i32,
                description: String::new(),
            }],
            submitted_at: String::new(),
        }),
        ProjectEvent::ConsultationRecorded(pb::ConsultationRecorded {
            project_id: p(),
            district: d(),
            meeting_id: String::new(),
            motion_id: String::new(),
            votes_for: 1,
            votes_against: 2,
            passed: false,
            recorded_at: String::new(),
        }),
        ProjectEvent::Approved(pb::ProjectApproved {
            project_id: p(),
            district: d(),
            approved_by: "x".into(),
            approved_at: String::new(),
        }),
        ProjectEvent::StageAdvanced(pb::StageAdvanced {
            project_id: p(),
            district: d(),
            from: 2,
            to: 3,
            advanced_at: String::new(),
        }),
        ProjectEvent::BiddersPrequalified(pb::BiddersPrequalified {
            project_id: p(),
            district: d(),
            bidders: vec![pb::Bidder {
                bidder_id: "b".into(),
                name: String::new(),
                qualified: true,
            }],
            qualified_count: 1,
        }),
        ProjectEvent::BidReceived(pb::BidReceived {
            project_id: p(),
            district: d(),
            bidder_id: "b".into(),
            amount_fen: 1,
            received_at: String::new(),
        }),
        ProjectEvent::NegotiationRecorded(pb::NegotiationRecorded {
            project_id: p(),
            district: d(),
            bidder_id: "b".into(),
            summary: "s".into(),
        }),
        ProjectEvent::ContractSigned(pb::ContractSigned {
            project_id: p(),
            district: d(),
            partner_id: "b".into(),
            contract_value_fen: 1,
            schedule: vec![],
            kpis: vec![pb::Kpi {
                kpi_id: "k".into(),
                kind: pb::KpiKind::GridCases as i32,
                weight: 100,
                target: 0,
                description: String::new(),
            }],
            deduction_per_failure_fen: 0,
            signed_on: "2027-02-01".into(),
        }),
        ProjectEvent::CompanyEstablished(pb::ProjectCompanyEstablished {
            project_id: p(),
            district: d(),
            company_id: "c".into(),
            established_on: "2027-02-02".into(),
        }),
        ProjectEvent::FinancingClosed(pb::FinancingClosed {
            project_id: p(),
            district: d(),
            amount_fen: 5,
            closed_on: "2027-02-03".into(),
        }),
        ProjectEvent::FailureRecorded(pb::PerformanceFailureRecorded {
            project_id: p(),
            district: d(),
            period: 2027,
            kpi_id: "k".into(),
            description: "lift out of order".into(),
        }),
        ProjectEvent::PeriodSettled(pb::PeriodSettled {
            project_id: p(),
            district: d(),
            period: 2027,
            kpi_scores: vec![pb::KpiScore {
                kpi_id: "k".into(),
                kind: pb::KpiKind::GridCases as i32,
                measured: 3,
                score_basis_points: 7_000,
            }],
            score_basis_points: 7_000,
            fixed_fen: 1,
            performance_linked_fen: 1,
            performance_paid_fen: 0,
            failures: 2,
            deductions_fen: 1,
            payment_fen: 1,
            settled_at: "2027-12-31T00:00:00Z".into(),
        }),
        ProjectEvent::MidTermEvaluated(pb::MidTermEvaluated {
            project_id: p(),
            district: d(),
            score: 1,
            summary: String::new(),
            evaluated_on: "2032-01-01".into(),
        }),
        ProjectEvent::StageAdvanced(pb::StageAdvanced {
            project_id: p(),
            district: d(),
            from: 4,
            to: 5,
            advanced_at: String::new(),
        }),
        ProjectEvent::PerformanceTested(pb::PerformanceTested {
            project_id: p(),
            district: d(),
            passed: false,
            summary: "s".into(),
            tested_on: "2036-01-01".into(),
        }),
        ProjectEvent::AssetTransferred(pb::AssetTransferred {
            project_id: p(),
            district: d(),
            to: "t".into(),
            transferred_on: "2036-12-31".into(),
        }),
        ProjectEvent::FinalEvaluated(pb::FinalEvaluated {
            project_id: p(),
            district: d(),
            score: 0,
            summary: String::new(),
            evaluated_on: "2037-01-01".into(),
        }),
    ]
}

#[test]
fn every_kind_of_release_validates_and_merges_into_one_record() {
    let start = Utc
        .with_ymd_and_hms(2027, 1, 1, 0, 0, 0)
        .single()
        .expect("time");
    let events: Vec<PublishedEvent> = life()
        .into_iter()
        .enumerate()
        .map(|(n, event)| PublishedEvent {
            event,
            revision: n as u64,
            recorded_at: start + chrono::TimeDelta::days(n as i64),
        })
        .collect();
    let published = releases(ID, &events);
    // Bids, negotiations and stage changes other than into procurement are
    // not published on their own.
    assert_eq!(published.len(), events.len() - 4);
    let publisher = Publisher {
        name: "财政局".into(),
        scheme: String::new(),
        uid: String::new(),
    };
    let uri = "https://data.gongzhi.example/ocds/ppp/releases.json";
    let package = release_package(
        uri,
        "2037-01-02T00:00:00Z",
        &publisher,
        &[],
        published.clone(),
    );
    let record = record_package(
        "https://data.gongzhi.example/ocds/ppp/record.json",
        uri,
        "2037-01-02T00:00:00Z",
        &publisher,
        &published,
    );
    let validators = OcdsValidators::new().expect("schemas");
    assert_eq!(
        validators.ppp_release_package(&package),
        Vec::<String>::new()
    );
    assert_eq!(validators.record_package(&record), Vec::<String>::new());
    let compiled = &record["records"][0]["compiledRelease"];
    let failures = compiled["contracts"][0]["implementation"]["performanceFailures"]
        .as_array()
        .map(Vec::len);
    // The recorded failure and the settlement's failures, merged by id.
    assert_eq!(failures, Some(2));
    assert_eq!(
        compiled["planning"]["milestones"].as_array().map(Vec::len),
        Some(5)
    );
}
