//! Bad input is refused with every field named, rules with their reason,
//! other districts' projects are not found, and none of it writes anything.

use super::walk::Walk;
use super::*;
use tonic::Code;

#[tokio::test]
async fn bad_input_and_refused_rules_change_nothing() -> anyhow::Result<()> {
    let mut ppp = Ppp::start().await?;
    let token = officer()?;

    // Every broken field at once, nothing written.
    let mut broken = identification(
        "identify-broken",
        "not-a-uuid",
        pb::PaymentMechanism::Unspecified,
        1,
    );
    broken.community = "5001".into();
    broken.name = " ".into();
    broken.model = 0;
    broken.construction_cost_fen = 0;
    broken.grid = "12".into();
    let refused = ppp
        .projects
        .identify_project(authorized(broken, &token)?)
        .await;
    assert_eq!(
        bad_fields(refused),
        [
            "community",
            "construction_cost_fen",
            "grid",
            "mechanism",
            "model",
            "name",
            "project_id"
        ]
    );

    // A term outside the model's limits is a rule: FAILED_PRECONDITION.
    let id = "f6f6f6f6-0000-4000-8000-000000000006";
    let mut too_long = identification("identify-long", id, pb::PaymentMechanism::GovernmentPays, 1);
    too_long.model = pb::OperationModel::ManagementContract as i32;
    assert_eq!(
        reason(
            ppp.projects
                .identify_project(authorized(too_long, &token)?)
                .await
        ),
        "PROJECT_TERM_OUT_OF_RANGE"
    );
    assert_eq!(ppp.events(id).await?, 0);

    // Without budgets the cap cannot be checked: refused, nothing reserved.
    identify_and_evaluate(&mut ppp, id, pb::PaymentMechanism::GovernmentPays, 100_000).await?;
    let walk = Walk::new(id)?;
    assert_eq!(
        reason(walk.confirm_affordability(&mut ppp).await),
        "BUDGET_UNKNOWN"
    );
    assert_eq!(ppp.events(id).await?, 2);
    assert_eq!(
        ppp.stream_len(&format!("pppportfolio-{DISTRICT}")).await?,
        0
    );

    // A settlement with a KPI the contract does not have, or bad fields.
    let bad_measure = ppp
        .projects
        .settle_period(authorized(
            pb::SettlePeriodRequest {
                request_id: "settle-bad".into(),
                district: DISTRICT.into(),
                project_id: id.into(),
                period: 2027,
                measurements: vec![
                    pb::Measurement {
                        kpi_id: "a".into(),
                        value: 1,
                    },
                    pb::Measurement {
                        kpi_id: "a".into(),
                        value: 2,
                    },
                ],
                min_position: 0,
            },
            &token,
        )?)
        .await;
    assert_eq!(bad_fields(bad_measure), ["measurements[1].kpi_id"]);

    // Another district's officer does not see the project; a reader may not
    // write; neither changes anything.
    let elsewhere = token_for("officer-500103", &["ppp_officer"], &[OTHER_DISTRICT])?;
    let hidden = ppp
        .projects
        .get_project(authorized(
            pb::GetProjectRequest {
                district: OTHER_DISTRICT.into(),
                project_id: id.into(),
                min_position: 0,
            },
            &elsewhere,
        )?)
        .await;
    assert_eq!(hidden.err().map(|s| s.code()), Some(Code::NotFound));
    let wrong_district = ppp
        .projects
        .advance_stage(authorized(
            pb::AdvanceStageRequest {
                request_id: "advance-elsewhere".into(),
                district: OTHER_DISTRICT.into(),
                project_id: id.into(),
            },
            &elsewhere,
        )?)
        .await;
    assert_eq!(wrong_district.err().map(|s| s.code()), Some(Code::NotFound));
    let reader = token_for("reader", &["community_worker"], &[DISTRICT])?;
    let denied = ppp
        .projects
        .advance_stage(authorized(
            pb::AdvanceStageRequest {
                request_id: "advance-reader".into(),
                district: DISTRICT.into(),
                project_id: id.into(),
            },
            &reader,
        )?)
        .await;
    assert_eq!(denied.err().map(|s| s.code()), Some(Code::PermissionDenied));
    let budget = ppp
        .portfolio
        .set_budget(authorized(
            pb::SetBudgetRequest {
                request_id: "budget-zero".into(),
                district: DISTRICT.into(),
                year: 1999,
                expenditure_fen: 0,
            },
            &token,
        )?)
        .await;
    assert_eq!(bad_fields(budget), ["expenditure_fen", "year"]);
    assert_eq!(ppp.events(id).await?, 2);
    assert_eq!(
        ppp.stream_len(&format!("pppportfolio-{DISTRICT}")).await?,
        0
    );
    ppp.stop().await
}
