//! A project's whole life, identification to the final evaluation, each
//! gate refusing the step that would skip it, then the OCDS export of that
//! life validated against the shipped schemas and merged into one record.

use super::walk::Walk;
use super::*;
use gongzhi_ocds::validate::OcdsValidators;

async fn project(
    ppp: &mut Ppp,
    project_id: &str,
    min_position: u64,
) -> anyhow::Result<pb::Project> {
    ppp.projects
        .get_project(authorized(
            pb::GetProjectRequest {
                district: DISTRICT.into(),
                project_id: project_id.into(),
                min_position,
            },
            &officer()?,
        )?)
        .await?
        .into_inner()
        .project
        .ok_or_else(|| anyhow::anyhow!("no project"))
}

#[tokio::test]
async fn a_project_lives_from_identification_to_handover_and_no_gate_is_skipped()
-> anyhow::Result<()> {
    let mut ppp = Ppp::start().await?;
    budgets(&mut ppp).await?;
    let walk = Walk::new("6f2d7a8e-1b3c-4d5e-8f90-a1b2c3d4e5f6")?;
    let id = walk.project_id.clone();
    identify_and_evaluate(&mut ppp, &id, pb::PaymentMechanism::GovernmentPays, 400_000).await?;

    // Identification: the gate needs affordability first.
    assert_eq!(
        reason(walk.advance(&mut ppp, 0).await),
        "PROJECT_GATE_NOT_PASSED"
    );
    walk.confirm_affordability(&mut ppp).await?;
    walk.advance(&mut ppp, 1).await?;

    // Preparation: no procurement step, no approval without plan and the
    // residents' say, no gate without approval.
    let early_sign = step!(
        walk,
        ppp,
        prequalify_bidders,
        pb::PrequalifyBiddersRequest {
            request_id: "early-prequalify".into(),
            district: DISTRICT.into(),
            project_id: id.clone(),
            bidders: ["91500108MA5U1AAA1U", "91500108MA5U1BBB2W"]
                .iter()
                .map(|id| pb::Bidder {
                    bidder_id: (*id).into(),
                    name: format!("bidder {id}"),
                    qualified: true
                })
                .collect(),
        }
    );
    assert_eq!(reason(early_sign), "PROJECT_WRONG_STAGE");
    assert_eq!(
        reason(walk.advance(&mut ppp, 10).await),
        "PROJECT_GATE_NOT_PASSED"
    );
    step!(
        walk,
        ppp,
        submit_implementation_plan,
        pb::SubmitImplementationPlanRequest {
            request_id: "plan-first".into(),
            district: DISTRICT.into(),
            project_id: id.clone(),
            summary: "plan".into(),
            risks: vec![pb::RiskAllocation {
                risk: "construction".into(),
                bearer: pb::RiskBearer::Private as i32,
                description: String::new()
            }],
        }
    )?;
    let unconsulted = step!(
        walk,
        ppp,
        approve_project,
        pb::ApproveProjectRequest {
            request_id: "approve-too-early".into(),
            district: DISTRICT.into(),
            project_id: id.clone(),
        }
    );
    assert_eq!(reason(unconsulted), "CONSULTATION_MISSING");
    // The plan is in already: `prepare` re-sends it under its own request
    // id, which the decider refuses; record the rest by hand.
    step!(
        walk,
        ppp,
        record_consultation,
        pb::RecordConsultationRequest {
            request_id: "consult".into(),
            district: DISTRICT.into(),
            project_id: id.clone(),
            meeting_id: String::new(),
            motion_id: String::new(),
            votes_for: 120,
            votes_against: 30,
            min_position: 0,
        }
    )?;
    step!(
        walk,
        ppp,
        approve_project,
        pb::ApproveProjectRequest {
            request_id: "approve".into(),
            district: DISTRICT.into(),
            project_id: id.clone(),
        }
    )?;
    walk.advance(&mut ppp, 2).await?;

    // Procurement: the gate needs a signed contract.
    assert_eq!(
        reason(walk.advance(&mut ppp, 20).await),
        "PROJECT_GATE_NOT_PASSED"
    );
    walk.procure(&mut ppp).await?;
    walk.advance(&mut ppp, 3).await?;

    // Execution: no payment before company and financing; the gate needs a
    // settled period and the mid-term evaluation.
    assert_eq!(
        reason(walk.settle(&mut ppp, 2027, 9_900, 0).await),
        "PROJECT_NOT_OPERATING"
    );
    walk.operate(&mut ppp).await?;
    walk.settle(&mut ppp, 2027, 9_900, 0).await?;
    assert_eq!(
        reason(walk.advance(&mut ppp, 30).await),
        "PROJECT_GATE_NOT_PASSED"
    );
    step!(
        walk,
        ppp,
        evaluate_mid_term,
        pb::EvaluateMidTermRequest {
            request_id: "mid-term".into(),
            district: DISTRICT.into(),
            project_id: id.clone(),
            score: 88,
            summary: "on track".into(),
            evaluated_on: "2037-06-30".into(),
        }
    )?;
    walk.advance(&mut ppp, 4).await?;

    // Handover: no transfer before the performance test, no final
    // evaluation before the transfer.
    let untested = step!(
        walk,
        ppp,
        transfer_asset,
        pb::TransferAssetRequest {
            request_id: "transfer-early".into(),
            district: DISTRICT.into(),
            project_id: id.clone(),
            to: "南岸区民政局".into(),
            transferred_on: "2046-12-31".into(),
        }
    );
    assert_eq!(reason(untested), "PROJECT_GATE_NOT_PASSED");
    step!(
        walk,
        ppp,
        test_performance,
        pb::TestPerformanceRequest {
            request_id: "test".into(),
            district: DISTRICT.into(),
            project_id: id.clone(),
            passed: true,
            summary: "facility in good order".into(),
            tested_on: "2046-11-30".into(),
        }
    )?;
    let untransferred = step!(
        walk,
        ppp,
        evaluate_final,
        pb::EvaluateFinalRequest {
            request_id: "final-early".into(),
            district: DISTRICT.into(),
            project_id: id.clone(),
            score: 90,
            summary: "done".into(),
            evaluated_on: "2047-01-15".into(),
        }
    );
    assert_eq!(reason(untransferred), "PROJECT_GATE_NOT_PASSED");
    step!(
        walk,
        ppp,
        transfer_asset,
        pb::TransferAssetRequest {
            request_id: "transfer".into(),
            district: DISTRICT.into(),
            project_id: id.clone(),
            to: "南岸区民政局".into(),
            transferred_on: "2046-12-31".into(),
        }
    )?;
    let last = step!(
        walk,
        ppp,
        evaluate_final,
        pb::EvaluateFinalRequest {
            request_id: "final".into(),
            district: DISTRICT.into(),
            project_id: id.clone(),
            score: 90,
            summary: "served the community for twenty years".into(),
            evaluated_on: "2047-01-15".into(),
        }
    )?;

    let closed = project(&mut ppp, &id, last).await?;
    assert_eq!(closed.stage, pb::ProjectStage::Closed as i32);
    assert!(
        closed.vfm_passed && closed.affordable && closed.consultation_passed && closed.approved
    );
    assert_eq!(closed.qualified_bidders, 3);
    assert_eq!(closed.periods_settled, 1);
    // No ratings: satisfaction in full, availability 9900 >= 9800: full pay.
    assert_eq!(closed.paid_fen, 600_000);
    // Closed is final: nothing more happens.
    assert_eq!(
        reason(walk.advance(&mut ppp, 99).await),
        "PROJECT_GATE_NOT_PASSED"
    );

    // Open data: every exported document validates, and the releases merge
    // into one record for the project.
    let export = ppp
        .projects
        .export_ocds(authorized(
            pb::ExportOcdsRequest {
                district: DISTRICT.into(),
                project_id: id.clone(),
            },
            &token_for("anyone", &["resident"], &[DISTRICT])?,
        )?)
        .await?
        .into_inner();
    let releases: serde_json::Value = serde_json::from_str(&export.release_package_json)?;
    let records: serde_json::Value = serde_json::from_str(&export.record_package_json)?;
    let validators = OcdsValidators::new()?;
    assert_eq!(
        validators.ppp_release_package(&releases),
        Vec::<String>::new()
    );
    assert_eq!(validators.record_package(&records), Vec::<String>::new());
    let ocid = format!("ocds-gongzhi-{id}");
    let all = releases["releases"].as_array().map_or(0, Vec::len);
    assert!(all >= 15, "one release per published step, got {all}");
    assert_eq!(records["records"].as_array().map(Vec::len), Some(1));
    let record = &records["records"][0];
    assert_eq!(record["ocid"], serde_json::json!(ocid));
    assert_eq!(record["releases"].as_array().map(Vec::len), Some(all));
    let compiled = &record["compiledRelease"];
    assert_eq!(
        compiled["contracts"][0]["status"],
        serde_json::json!("terminated")
    );
    assert_eq!(
        compiled["contracts"][0]["riskAllocation"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(
        compiled["contracts"][0]["implementation"]["transactions"][0]["value"]["amount"],
        serde_json::json!(6000.0)
    );
    assert_eq!(
        compiled["planning"]["project"]["title"],
        serde_json::json!("南坪社区养老服务中心")
    );
    ppp.stop().await
}
