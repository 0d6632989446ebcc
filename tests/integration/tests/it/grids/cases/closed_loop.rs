//! The closed loop: report -> register -> dispatch -> feedback -> verify ->
//! close -> evaluate, a return with re-dispatch, a failed verification
//! counted as rework, and a merged duplicate.

use super::*;
use tonic::Code;
use tonic_types::StatusExt;

#[tokio::test]
async fn a_case_runs_the_whole_loop() -> anyhow::Result<()> {
    let db = fresh_database().await?;
    let grids = Grids::start(&db, FakeClock::at(wednesday_morning())).await?;
    let mut client = grids.client().await?;

    let reported = client
        .report_case(authorized(report_request("loop"), &grid_worker()?)?)
        .await?
        .into_inner();
    let case_id = reported.case_id;
    let first = get(&mut client, &case_id, receipt(reported.receipt)?.position).await?;
    assert_eq!(first.status(), pb::CaseStatus::Reported);
    assert_eq!(
        (first.grid.as_str(), first.community.as_str()),
        (GRID, COMMUNITY)
    );
    assert_eq!(first.reported_by, "worker-li");

    let register = pb::RegisterCaseRequest {
        request_id: "loop-register".into(),
        district: DISTRICT.into(),
        case_id: case_id.clone(),
    };
    client
        .register_case(authorized(register, &command_center()?)?)
        .await?;
    dispatch(&mut client, "loop-dispatch", &case_id, UNIT).await?;
    grids.clock.advance(chrono::TimeDelta::minutes(30));
    feedback(&mut client, "loop-feedback", &case_id, UNIT).await?;
    verify(&mut client, "loop-verify", &case_id, true).await?;
    let close = pb::CloseCaseRequest {
        request_id: "loop-close".into(),
        district: DISTRICT.into(),
        case_id: case_id.clone(),
    };
    client
        .close_case(authorized(close, &command_center()?)?)
        .await?;
    // A resident's rating comes through a community worker's app.
    let evaluate = pb::EvaluateCaseRequest {
        request_id: "loop-evaluate".into(),
        district: DISTRICT.into(),
        case_id: case_id.clone(),
        rating: 5,
        comment: "很满意".into(),
    };
    let evaluated = client
        .evaluate_case(authorized(
            evaluate,
            &token_for("cw-1", &["community_worker"], &[DISTRICT])?,
        )?)
        .await?
        .into_inner();

    let case = get(&mut client, &case_id, receipt(evaluated.receipt)?.position).await?;
    assert_eq!(case.status(), pb::CaseStatus::Evaluated);
    assert_eq!(case.rating, 5);
    assert_eq!(case.feedback_count, 1);
    assert!(case.closed_on_time);
    assert!(!case.closed_at.is_empty());
    assert_eq!(case.unit_id, UNIT);
    let stages: Vec<_> = case.deadlines.iter().map(|d| d.stage()).collect();
    assert_eq!(
        stages,
        [
            pb::CaseStage::Dispatch,
            pb::CaseStage::Handle,
            pb::CaseStage::Verify
        ]
    );
    // 60 working minutes from 10:00 on a working Wednesday: 11:00 local.
    assert_eq!(case.deadlines[0].deadline, "2026-11-25T03:00:00Z");
    assert!(case.deadlines.iter().all(|d| !d.overdue));

    // The same request again is a replay, not a second evaluation.
    let again = pb::EvaluateCaseRequest {
        request_id: "loop-evaluate".into(),
        district: DISTRICT.into(),
        case_id,
        rating: 5,
        comment: "很满意".into(),
    };
    let replayed = client
        .evaluate_case(authorized(
            again,
            &token_for("cw-1", &["community_worker"], &[DISTRICT])?,
        )?)
        .await?
        .into_inner();
    assert!(receipt(replayed.receipt)?.replayed);
    assert_eq!(
        grids.events("gongzhi.grids.v1.CaseEvaluated").await?.len(),
        1
    );
    grids.stop().await
}

#[tokio::test]
async fn a_return_is_redispatched_and_a_failed_verification_is_rework() -> anyhow::Result<()> {
    let db = fresh_database().await?;
    let grids = Grids::start(&db, FakeClock::at(wednesday_morning())).await?;
    let mut client = grids.client().await?;
    let case_id = registered_case(&mut client, "rw").await?;

    dispatch(&mut client, "rw-dispatch-1", &case_id, "unit-gas").await?;
    let not_ours = pb::ReturnCaseRequest {
        request_id: "rw-return".into(),
        district: DISTRICT.into(),
        case_id: case_id.clone(),
        unit_id: String::new(),
        reason: "不属于燃气公司职责".into(),
    };
    let returned = client
        .return_case(authorized(not_ours, &department("unit-gas")?)?)
        .await?
        .into_inner();
    let case = get(&mut client, &case_id, receipt(returned.receipt)?.position).await?;
    assert_eq!(case.status(), pb::CaseStatus::Registered);
    assert_eq!((case.return_count, case.unit_id.as_str()), (1, ""));

    dispatch(&mut client, "rw-dispatch-2", &case_id, UNIT).await?;
    // Only the dispatched unit gives feedback.
    let refused = feedback(&mut client, "rw-feedback-gas", &case_id, "unit-gas")
        .await
        .err()
        .and_then(|e| e.downcast::<tonic::Status>().ok())
        .ok_or_else(|| anyhow::anyhow!("feedback by another unit must be refused"))?;
    assert_eq!(refused.code(), Code::FailedPrecondition);
    assert_eq!(
        refused.get_details_error_info().map(|i| i.reason),
        Some("CASE_NOT_THE_DISPATCHED_UNIT".to_owned())
    );

    feedback(&mut client, "rw-feedback-1", &case_id, UNIT).await?;
    let failed = verify(&mut client, "rw-verify-1", &case_id, false).await?;
    let case = get(&mut client, &case_id, failed.position).await?;
    assert_eq!(case.status(), pb::CaseStatus::Rework);
    assert_eq!(case.rework_count, 1);
    assert_eq!(case.unit_id, UNIT);

    feedback(&mut client, "rw-feedback-2", &case_id, UNIT).await?;
    let passed = verify(&mut client, "rw-verify-2", &case_id, true).await?;
    let case = get(&mut client, &case_id, passed.position).await?;
    assert_eq!(case.status(), pb::CaseStatus::Verified);
    assert_eq!(
        (case.feedback_count, case.rework_count, case.return_count),
        (2, 1, 1)
    );
    grids.stop().await
}

#[tokio::test]
async fn a_duplicate_report_merges_into_its_case() -> anyhow::Result<()> {
    let db = fresh_database().await?;
    let grids = Grids::start(&db, FakeClock::at(wednesday_morning())).await?;
    let mut client = grids.client().await?;
    let original = registered_case(&mut client, "orig").await?;
    let duplicate = client
        .report_case(authorized(report_request("dup"), &grid_worker()?)?)
        .await?
        .into_inner()
        .case_id;
    let merge = pb::MergeDuplicateCaseRequest {
        request_id: "merge".into(),
        district: DISTRICT.into(),
        case_id: duplicate.clone(),
        into_case_id: original.clone(),
    };
    let merged = client
        .merge_duplicate_case(authorized(merge.clone(), &command_center()?)?)
        .await?
        .into_inner();
    let position = receipt(merged.receipt)?.position;
    let case = get(&mut client, &duplicate, position).await?;
    assert_eq!(case.status(), pb::CaseStatus::Merged);
    assert_eq!(case.merged_into, original);
    // A retry replays both writes.
    let again = client
        .merge_duplicate_case(authorized(merge, &command_center()?)?)
        .await?
        .into_inner();
    assert!(receipt(again.receipt)?.replayed);
    assert_eq!(
        grids
            .events("gongzhi.grids.v1.DuplicateMerged")
            .await?
            .len(),
        1
    );
    grids.stop().await
}
