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

fn published(events: Vec<ProjectEvent>) -> Vec<PublishedEvent> {
    let start = Utc
        .with_ymd_and_hms(2027, 1, 1, 0, 0, 0)
        .single()
        .expect("time");
    events
        .into_iter()
        .enumerate()
        .map(|(n, event)| PublishedEvent {
            event,
            revision: n as u64,
            recorded_at: start + chrono::TimeDelta::days(n as i64),
        })
        .collect()
}

/// The release package and record package, each checked against its schema.
fn validated(published: &[serde_json::Value]) -> (serde_json::Value, serde_json::Value) {
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
        published.to_vec(),
    );
    let record = record_package(
        "https://data.gongzhi.example/ocds/ppp/record.json",
        uri,
        "2037-01-02T00:00:00Z",
        &publisher,
        published,
    );
    let validators = OcdsValidators::new().expect("schemas");
    assert_eq!(
        validators.ppp_release_package(&package),
        Vec::<String>::new()
    );
    assert_eq!(validators.record_package(&record), Vec::<String>::new());
    (package, record)
}

#[test]
fn every_kind_of_release_validates_and_merges_into_one_record() {
    let events = published(life());
    let published = releases(ID, &events);
    // Bids, negotiations and stage changes other than into procurement are
    // not published on their own.
    assert_eq!(published.len(), events.len() - 4);
    let (_, record) = validated(&published);
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

/// The life up to (not including) the event at `until`, then withdrawn
/// from `from`.
fn withdrawn_after(until: usize, from: pb::ProjectStage) -> Vec<ProjectEvent> {
    let mut events: Vec<ProjectEvent> = life().into_iter().take(until).collect();
    events.push(ProjectEvent::Withdrawn(pb::ProjectWithdrawn {
        project_id: ID.into(),
        district: D.into(),
        from_stage: from as i32,
        reason: "site needed for flood works".into(),
        withdrawn_at: "2027-03-01T00:00:00Z".into(),
    }));
    events
}

#[test]
fn a_withdrawal_in_procurement_cancels_the_published_tender() {
    // Through prequalification, before any bid.
    let events = published(withdrawn_after(9, pb::ProjectStage::Procurement));
    let published = releases(ID, &events);
    let last = published.last().expect("withdrawal release");
    assert_eq!(last["tag"], serde_json::json!(["tenderCancellation"]));
    assert_eq!(last["tender"]["status"], "cancelled");
    let (_, record) = validated(&published);
    let compiled = &record["records"][0]["compiledRelease"];
    assert_eq!(compiled["tender"]["status"], "cancelled");
    assert_eq!(compiled["tender"]["numberOfTenderers"], 1);
    let milestones = compiled["planning"]["milestones"]
        .as_array()
        .expect("milestones");
    assert!(
        milestones
            .iter()
            .any(|m| m["id"] == "withdrawal" && m["description"] == "site needed for flood works")
    );
}

#[test]
fn a_withdrawal_before_procurement_updates_the_plan() {
    // Identified and evaluated, still in identification.
    let events = published(withdrawn_after(3, pb::ProjectStage::Identification));
    let published = releases(ID, &events);
    let last = published.last().expect("withdrawal release");
    assert_eq!(last["tag"], serde_json::json!(["planningUpdate"]));
    assert_eq!(last["tender"]["status"], "withdrawn");
    let (_, record) = validated(&published);
    assert_eq!(
        record["records"][0]["compiledRelease"]["tender"]["status"],
        "withdrawn"
    );
}
