//! Withdrawal: given a project's history, when it is withdrawn, then a
//! `ProjectWithdrawn` or a refusal.

use super::tests::{
    advance, at, district, identified, identify, prepared, refused, run, signed, through, vfm,
};
use super::*;
use crate::domain::model::OperationModel;
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::ppp::v1 as pb;

fn withdraw(reason: &str) -> ProjectCommand {
    ProjectCommand::Withdraw {
        district: district(),
        reason: reason.into(),
        at: at(),
    }
}

fn stage(state: &ProjectState) -> ProjectStage {
    match state {
        ProjectState::Present(facts) => facts.stage,
        ProjectState::Absent => ProjectStage::Unspecified,
    }
}

/// Prepared, bidders in, the partner's bid negotiated and the contract
/// signed, but the gate out of procurement not yet passed.
fn signed_in_procurement() -> Vec<ProjectCommand> {
    let steps = signed();
    let until_signing = prepared().len() + 4;
    steps.into_iter().take(until_signing).collect()
}

#[test]
fn a_project_is_withdrawn_from_every_stage_before_signing() {
    let histories = [
        (
            vec![identify(OperationModel::BuildOperateTransfer, true)],
            ProjectStage::Identification,
        ),
        (identified(), ProjectStage::Preparation),
        (prepared(), ProjectStage::Procurement),
    ];
    for (history, from) in histories {
        let state = through(history);
        let events =
            Project::decide(&state, withdraw("  budget moved to flood works  ")).expect("accepted");
        assert_eq!(
            events,
            vec![ProjectEvent::Withdrawn(pb::ProjectWithdrawn {
                project_id: "p1".into(),
                district: "500108".into(),
                from_stage: from as i32,
                reason: "budget moved to flood works".into(),
                withdrawn_at: "2027-01-01T00:00:00Z".into(),
            })]
        );
        let withdrawn = events.iter().fold(state, Project::evolve);
        assert_eq!(stage(&withdrawn), ProjectStage::Withdrawn);
    }
}

#[test]
fn a_signed_contract_cannot_be_withdrawn() {
    let in_procurement = through(signed_in_procurement());
    assert_eq!(stage(&in_procurement), ProjectStage::Procurement);
    let error = refused(&in_procurement, withdraw("changed our mind"));
    assert_eq!(
        error,
        ProjectError::NotWithdrawable {
            stage: ProjectStage::Procurement
        }
    );
    assert_eq!(error.reason(), "PROJECT_NOT_WITHDRAWABLE");

    let executing = through(signed());
    assert_eq!(
        refused(&executing, withdraw("changed our mind")).reason(),
        "PROJECT_NOT_WITHDRAWABLE"
    );
}

#[test]
fn a_withdrawn_project_accepts_nothing_more() {
    let withdrawn = run(through(identified()), withdraw("site lost"));
    assert_eq!(
        refused(&withdrawn, withdraw("again")),
        ProjectError::NotWithdrawable {
            stage: ProjectStage::Withdrawn
        }
    );
    assert!(matches!(
        refused(&withdrawn, advance()),
        ProjectError::WrongStage {
            stage: ProjectStage::Withdrawn,
            ..
        }
    ));
    let early = run(
        through(vec![identify(OperationModel::BuildOperateTransfer, true)]),
        withdraw("site lost"),
    );
    assert_eq!(
        refused(&early, vfm(75, 9_000_000, 9_500_000)).reason(),
        "PROJECT_WRONG_STAGE"
    );
}

#[test]
fn a_withdrawal_needs_a_reason_the_project_and_its_district() {
    let state = through(identified());
    assert_eq!(
        refused(&state, withdraw("   ")),
        ProjectError::Required { field: "reason" }
    );
    assert_eq!(
        refused(&ProjectState::Absent, withdraw("site lost")),
        ProjectError::NotFound
    );
    let elsewhere = ProjectCommand::Withdraw {
        district: DistrictCode::parse("500103").expect("district"),
        reason: "site lost".into(),
        at: at(),
    };
    assert!(refused(&state, elsewhere).hides_existence());
}
