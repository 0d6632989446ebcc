//! Every kind of published step, exported and checked against the shipped
//! OCDS 1.1.5 release and record package schemas.

use super::{Organisation, PublishedEvent, USCC_SCHEME, releases};
use crate::domain::purchase::PurchaseEvent;
use chrono::{TimeZone, Utc};
use gongzhi_ocds::validate::OcdsValidators;
use gongzhi_ocds::{Publisher, record_package, release_package};
use gongzhi_proto::gongzhi::procurement::v1 as pb;
use serde_json::{Value, json};
use std::collections::BTreeMap;

const ID: &str = "0b7c2f4e-3a1d-5e6f-8a9b-c0d1e2f3a4b5";
const D: &str = "500108";
const A: &str = "provider-a";
const B: &str = "provider-b";

fn life() -> Vec<PurchaseEvent> {
    let p = || ID.to_owned();
    let d = || D.to_owned();
    vec![
        PurchaseEvent::Planned(pb::PurchasePlanned {
            purchase_id: p(),
            district: d(),
            title: "南坪街道居家养老上门服务".into(),
            item_code: "elderly-care.home-visits".into(),
            stable_service: true,
            budget_fen: 50_000_001,
            budget_secured: true,
            method: pb::PurchaseMethod::OpenTender as i32,
            justification: String::new(),
            invited_provider_ids: Vec::new(),
            price_weight: 30,
            criteria: vec![pb::Criterion {
                criterion_id: "plan".into(),
                weight: 70,
            }],
            planned_at: "2027-01-04T09:00:00Z".into(),
            dispatchable: true,
        }),
        PurchaseEvent::TenderPublished(pb::TenderPublished {
            purchase_id: p(),
            district: d(),
            published_at: "2027-01-05T09:00:00Z".into(),
            deadline: "2027-01-26T09:00:00Z".into(),
        }),
        PurchaseEvent::BidSubmitted(pb::BidSubmitted {
            purchase_id: p(),
            district: d(),
            provider_id: A.into(),
            price_fen: 45_000_000,
            submitted_at: "2027-01-10T09:00:00Z".into(),
        }),
        PurchaseEvent::BidSubmitted(pb::BidSubmitted {
            purchase_id: p(),
            district: d(),
            provider_id: B.into(),
            price_fen: 48_000_000,
            submitted_at: "2027-01-11T09:00:00Z".into(),
        }),
        PurchaseEvent::QualificationReviewed(pb::BidQualificationReviewed {
            purchase_id: p(),
            district: d(),
            provider_id: A.into(),
            qualified: true,
            reason: String::new(),
        }),
        PurchaseEvent::Scored(pb::BidsScored {
            purchase_id: p(),
            district: d(),
            scores: Vec::new(),
        }),
        PurchaseEvent::Awarded(pb::PurchaseAwarded {
            purchase_id: p(),
            district: d(),
            provider_id: A.into(),
            price_fen: 45_000_000,
            awarded_at: "2027-01-27T09:00:00Z".into(),
            standstill_ends_at: "2027-02-03T09:00:00Z".into(),
        }),
        PurchaseEvent::Challenged(pb::AwardChallenged {
            purchase_id: p(),
            district: d(),
            provider_id: B.into(),
            grounds: "资质不符".into(),
            challenged_at: "2027-01-28T09:00:00Z".into(),
        }),
        PurchaseEvent::ChallengeResolved(pb::ChallengeResolved {
            purchase_id: p(),
            district: d(),
            provider_id: B.into(),
            upheld: true,
            reasoning: "资质证书过期".into(),
        }),
        PurchaseEvent::Awarded(pb::PurchaseAwarded {
            purchase_id: p(),
            district: d(),
            provider_id: B.into(),
            price_fen: 48_000_000,
            awarded_at: "2027-02-01T09:00:00Z".into(),
            standstill_ends_at: "2027-02-08T09:00:00Z".into(),
        }),
        PurchaseEvent::ContractSigned(pb::ContractSigned {
            purchase_id: p(),
            district: d(),
            contract_id: "NP-EC-001".into(),
            provider_id: B.into(),
            amount_fen: 48_000_000,
            starts_on: "2027-03-01".into(),
            term_months: 12,
            milestones: vec![
                pb::Milestone {
                    milestone_id: "h1".into(),
                    title: "上半年".into(),
                    due: "2027-08-31".into(),
                    payment_fen: 24_000_000,
                },
                pb::Milestone {
                    milestone_id: "h2".into(),
                    title: "下半年".into(),
                    due: "2028-02-28".into(),
                    payment_fen: 24_000_000,
                },
            ],
            signed_at: "2027-02-09T09:00:00Z".into(),
            item_code: "elderly-care.home-visits".into(),
            dispatchable: true,
            ends_on: "2028-02-29".into(),
        }),
        PurchaseEvent::Monitored(pb::DeliveryMonitored {
            purchase_id: p(),
            district: d(),
            milestone_id: "h1".into(),
            satisfactory: false,
            note: "上门记录不全".into(),
            monitored_at: "2027-05-01T09:00:00Z".into(),
        }),
        PurchaseEvent::MilestoneDelivered(pb::MilestoneDelivered {
            purchase_id: p(),
            district: d(),
            milestone_id: "h1".into(),
            delivered_at: "2027-08-30T09:00:00Z".into(),
        }),
        PurchaseEvent::PaymentMade(pb::PaymentMade {
            purchase_id: p(),
            district: d(),
            milestone_id: "h1".into(),
            amount_fen: 24_000_000,
            paid_at: "2027-09-01T09:00:00Z".into(),
            contract_completed: false,
        }),
        PurchaseEvent::MilestoneDelivered(pb::MilestoneDelivered {
            purchase_id: p(),
            district: d(),
            milestone_id: "h2".into(),
            delivered_at: "2028-02-27T09:00:00Z".into(),
        }),
        PurchaseEvent::Evaluated(pb::PerformanceEvaluated {
            purchase_id: p(),
            district: d(),
            provider_id: B.into(),
            evaluator: pb::Evaluator::ThirdParty as i32,
            evaluator_name: "重庆社会组织评估中心".into(),
            score: 82,
            passed: true,
            evaluated_at: "2028-02-28T09:00:00Z".into(),
            satisfaction_count: 3,
            satisfaction_star_sum: 13,
        }),
        PurchaseEvent::PaymentMade(pb::PaymentMade {
            purchase_id: p(),
            district: d(),
            milestone_id: "h2".into(),
            amount_fen: 24_000_000,
            paid_at: "2028-03-01T09:00:00Z".into(),
            contract_completed: true,
        }),
    ]
}

fn published() -> Vec<PublishedEvent> {
    let start = Utc
        .with_ymd_and_hms(2027, 1, 4, 9, 0, 0)
        .single()
        .expect("time");
    life()
        .into_iter()
        .enumerate()
        .map(|(n, event)| PublishedEvent {
            event,
            revision: n as u64,
            recorded_at: start + chrono::TimeDelta::days(n as i64),
        })
        .collect()
}

fn providers() -> BTreeMap<String, Organisation> {
    [
        (A, "重庆南坪颐养服务中心", "52500108MJP000001X"),
        (B, "重庆乐龄社会工作服务社", "52500108MJP000002X"),
    ]
    .into_iter()
    .map(|(id, name, code)| {
        (
            id.to_owned(),
            Organisation {
                name: name.into(),
                social_credit_code: code.into(),
            },
        )
    })
    .collect()
}

fn publisher() -> Publisher {
    Publisher {
        name: "500108 区财政局".into(),
        scheme: String::new(),
        uid: String::new(),
    }
}

fn tags(releases: &[Value]) -> Vec<String> {
    releases
        .iter()
        .flat_map(|r| r["tag"].as_array().cloned().unwrap_or_default())
        .filter_map(|t| t.as_str().map(str::to_owned))
        .collect()
}

#[test]
fn every_kind_of_release_and_the_record_validate_against_ocds_1_1_5() {
    let validators = OcdsValidators::new().expect("schemas compile");
    let releases = releases(ID, &published(), &providers());
    let tags = tags(&releases);
    for tag in [
        "planning",
        "tender",
        "award",
        "awardUpdate",
        "contract",
        "implementation",
        "contractTermination",
    ] {
        assert!(
            tags.iter().any(|t| t == tag),
            "no {tag} release in {tags:?}"
        );
    }
    // The tag codelist is open in the schema: check it here.
    let codelist =
        std::fs::read_to_string(gongzhi_ocds::schema_dir().join("1.1.5/codelists/releaseTag.csv"))
            .expect("codelist");
    let codes: Vec<&str> = codelist
        .lines()
        .skip(1)
        .filter_map(|line| line.split(',').next())
        .collect();
    for tag in &tags {
        assert!(
            codes.contains(&tag.as_str()),
            "{tag} is not in the releaseTag codelist"
        );
    }
    // Each release alone, then all of them, then the merged record.
    for release in &releases {
        let package = release_package(
            "https://x/r.json",
            "2028-03-02T00:00:00Z",
            &publisher(),
            &[],
            vec![release.clone()],
        );
        assert_eq!(
            validators.release_package(&package),
            Vec::<String>::new(),
            "{release}"
        );
    }
    let package = release_package(
        "https://x/r.json",
        "2028-03-02T00:00:00Z",
        &publisher(),
        &[],
        releases.clone(),
    );
    assert_eq!(validators.release_package(&package), Vec::<String>::new());
    let records = record_package(
        "https://x/record.json",
        "https://x/r.json",
        "2028-03-02T00:00:00Z",
        &publisher(),
        &releases,
    );
    assert_eq!(validators.record_package(&records), Vec::<String>::new());

    let compiled = &records["records"][0]["compiledRelease"];
    assert_eq!(compiled["ocid"], json!(format!("ocds-gongzhi-pu-{ID}")));
    assert_eq!(compiled["tender"]["procurementMethod"], json!("open"));
    assert_eq!(compiled["tender"]["numberOfTenderers"], json!(2));
    assert_eq!(
        compiled["planning"]["budget"]["amount"],
        json!({"amount": 500_000.01, "currency": "CNY"})
    );
    // The annulled award stays cancelled; the second is active.
    assert_eq!(compiled["awards"][0]["status"], json!("cancelled"));
    assert_eq!(compiled["awards"][1]["status"], json!("active"));
    let contract = &compiled["contracts"][0];
    assert_eq!(contract["awardID"], json!("award-2"));
    assert_eq!(contract["status"], json!("terminated"));
    assert_eq!(contract["milestones"][0]["status"], json!("met"));
    assert_eq!(
        contract["implementation"]["transactions"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(
        contract["implementation"]["transactions"][1]["payee"]["id"],
        json!(B)
    );
    let supplier = compiled["parties"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["id"] == json!(B)))
        .expect("supplier party");
    assert_eq!(supplier["roles"], json!(["tenderer", "supplier"]));
    assert_eq!(supplier["identifier"]["scheme"], json!(USCC_SCHEME));
    assert_eq!(supplier["identifier"]["id"], json!("52500108MJP000002X"));
}

#[test]
fn bids_stay_unpublished_until_the_award() {
    let events: Vec<PublishedEvent> = published().into_iter().take(6).collect();
    let releases = releases(ID, &events, &providers());
    assert_eq!(tags(&releases), vec!["planning", "tender"]);
    assert!(!releases.iter().any(|r| r.to_string().contains(A)));
}

#[test]
fn a_release_is_the_same_on_every_export_and_a_broken_one_is_caught() {
    let once = releases(ID, &published(), &providers());
    assert_eq!(once, releases(ID, &published(), &providers()));
    let validators = OcdsValidators::new().expect("schemas compile");
    let mut broken = once[0].clone();
    broken["tender"]["status"] = json!("bidding");
    let package = release_package(
        "https://x/r.json",
        "2028-03-02T00:00:00Z",
        &publisher(),
        &[],
        vec![broken],
    );
    assert!(!validators.release_package(&package).is_empty());
}
