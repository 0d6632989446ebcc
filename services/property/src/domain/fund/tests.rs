use super::*;
use crate::domain::assembly::{Decision, Matter};
use crate::domain::decision_use::DecisionUseError;
use chrono::NaiveDate;
use gongzhi_kernel::{Decider, DistrictCode};

pub(super) fn district() -> DistrictCode {
    DistrictCode::parse("500108").expect("district")
}

pub(super) fn on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).expect("date")
}

pub(super) fn deposit(id: &str, amount_fen: u64) -> FundCommand {
    FundCommand::Deposit {
        estate_id: "e1".into(),
        district: district(),
        deposit_id: id.into(),
        unit_id: "u1".into(),
        amount_fen,
        on: on(),
    }
}

pub(super) fn use_decision(matter_id: &str, passed: bool) -> Decision {
    Decision {
        assembly_id: "a1".into(),
        matter_id: matter_id.into(),
        estate_id: "e1".into(),
        matter: Matter::UseMaintenanceFund,
        passed,
    }
}

pub(super) fn approve(id: &str, decision: Decision, amount_fen: u64) -> FundCommand {
    FundCommand::ApproveUse {
        estate_id: "e1".into(),
        district: district(),
        approval_id: id.into(),
        decision,
        amount_fen,
        purpose: "电梯更换".into(),
        on: on(),
    }
}

pub(super) fn spend(approval: &str, id: &str, amount_fen: u64) -> FundCommand {
    FundCommand::Spend {
        estate_id: "e1".into(),
        district: district(),
        approval_id: approval.into(),
        spending_id: id.into(),
        amount_fen,
        payee: "电梯公司".into(),
        on: on(),
    }
}

fn run(state: FundState, command: FundCommand) -> FundState {
    let events = Fund::decide(&state, command).expect("accepted");
    events.iter().fold(state, Fund::evolve)
}

#[test]
fn spending_without_a_passed_vote_is_impossible() {
    let state = run(FundState::default(), deposit("d1", 100_000));
    assert_eq!(
        Fund::decide(&state, spend("nope", "s1", 1)),
        Err(FundError::ApprovalNotFound("nope".into()))
    );
    assert_eq!(
        Fund::decide(&state, approve("ap1", use_decision("m1", false), 1)),
        Err(FundError::Decision(DecisionUseError::NotPassed {
            matter_id: "m1".into()
        }))
    );
    let mut raising = use_decision("m1", true);
    raising.matter = Matter::RaiseMaintenanceFund;
    assert!(matches!(
        Fund::decide(&state, approve("ap1", raising, 1)),
        Err(FundError::Decision(DecisionUseError::WrongMatter { .. }))
    ));
}

#[test]
fn spending_stays_within_the_approval_and_the_balance() {
    let state = run(FundState::default(), deposit("d1", 100_000));
    let state = run(state, approve("ap1", use_decision("m1", true), 150_000));
    assert_eq!(
        Fund::decide(&state, spend("ap1", "s1", 100_001)),
        Err(FundError::InsufficientBalance {
            balance_fen: 100_000,
            wanted_fen: 100_001
        })
    );
    let state = run(state, spend("ap1", "s1", 100_000));
    assert_eq!(state.balance_fen, 0);
    let state = run(state, deposit("d2", 100_000));
    assert_eq!(
        Fund::decide(&state, spend("ap1", "s2", 50_001)),
        Err(FundError::ExceedsApproval {
            remaining_fen: 50_000,
            wanted_fen: 50_001
        })
    );
    let state = run(state, spend("ap1", "s2", 50_000));
    assert_eq!(state.balance_fen, 50_000);
    assert_eq!(state.approvals.get("ap1"), Some(&0));
}

#[test]
fn a_decision_approves_once_and_ids_are_unique() {
    let state = run(
        FundState::default(),
        approve("ap1", use_decision("m1", true), 10),
    );
    assert!(matches!(
        Fund::decide(&state, approve("ap2", use_decision("m1", true), 10)),
        Err(FundError::Decision(DecisionUseError::AlreadyUsed { .. }))
    ));
    let state = run(state, deposit("d1", 10));
    assert_eq!(
        Fund::decide(&state, deposit("d1", 10)),
        Err(FundError::DuplicateId("d1".into()))
    );
    assert_eq!(
        Fund::decide(&state, deposit("d2", 0)),
        Err(FundError::AmountZero)
    );
}
