use super::*;
use crate::domain::ManagementEvent;
use crate::domain::assembly::{Decision, Matter};
use crate::domain::decision_use::DecisionUseError;
use chrono::NaiveDate;
use gongzhi_kernel::{Decider, DistrictCode};

fn district() -> DistrictCode {
    DistrictCode::parse("500108").expect("district")
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("date")
}

fn terms() -> Terms {
    Terms {
        scope: "保洁、秩序维护、绿化、共用设施维修".into(),
        quality: "二级".into(),
        monthly_fee_per_square_metre_fen: 180,
        starts_on: day(1, 1),
        ends_on: day(12, 31),
        liabilities: String::new(),
    }
}

fn decision(matter_id: &str, matter: Matter, passed: bool) -> Decision {
    Decision {
        assembly_id: "a1".into(),
        matter_id: matter_id.into(),
        estate_id: "e1".into(),
        matter,
        passed,
    }
}

fn preliminary() -> ManagementCommand {
    ManagementCommand::SignPreliminary {
        estate_id: "e1".into(),
        district: district(),
        contract_id: "p1".into(),
        company_id: "developer-co".into(),
        terms: terms(),
        signed_on: day(1, 1),
    }
}

fn hire(decision: Decision) -> ManagementCommand {
    ManagementCommand::SignService {
        estate_id: "e1".into(),
        district: district(),
        contract_id: "s1".into(),
        company_id: "owners-co".into(),
        terms: terms(),
        decision,
        signed_on: day(6, 1),
    }
}

fn dismiss(decision: Decision) -> ManagementCommand {
    ManagementCommand::Dismiss {
        estate_id: "e1".into(),
        district: district(),
        decision,
        dismissed_on: day(9, 1),
    }
}

fn run(state: ManagementState, command: ManagementCommand) -> ManagementState {
    let events = Management::decide(&state, command).expect("accepted");
    events.iter().fold(state, Management::evolve)
}

#[test]
fn hiring_needs_a_passed_hiring_vote_of_this_estate() {
    let state = run(ManagementState::default(), preliminary());
    assert_eq!(
        Management::decide(
            &state,
            hire(decision("m1", Matter::HireOrDismissManager, false))
        ),
        Err(ManagementError::Decision(DecisionUseError::NotPassed {
            matter_id: "m1".into()
        }))
    );
    assert!(matches!(
        Management::decide(
            &state,
            hire(decision("m1", Matter::UseMaintenanceFund, true))
        ),
        Err(ManagementError::Decision(
            DecisionUseError::WrongMatter { .. }
        ))
    ));
    let mut elsewhere = decision("m1", Matter::HireOrDismissManager, true);
    elsewhere.estate_id = "e2".into();
    assert_eq!(
        Management::decide(&state, hire(elsewhere)),
        Err(ManagementError::Decision(DecisionUseError::OtherEstate))
    );
}

#[test]
fn the_owners_contract_ends_the_preliminary_one() {
    let state = run(ManagementState::default(), preliminary());
    let events = Management::decide(
        &state,
        hire(decision("m1", Matter::HireOrDismissManager, true)),
    )
    .expect("hired");
    assert!(matches!(
        &events[..],
        [ManagementEvent::PreliminaryEnded(ended), ManagementEvent::ServiceSigned(signed)]
            if ended.contract_id == "p1" && ended.replaced_by == "s1" && signed.company_id == "owners-co"
    ));
    let hired = events.iter().fold(state, Management::evolve);
    assert_eq!(hired.running().map(|c| c.contract_id.as_str()), Some("s1"));
    assert_eq!(
        Management::decide(&hired, preliminary()),
        Err(ManagementError::OwnersContractExists)
    );
}

#[test]
fn dismissal_needs_its_own_vote_and_a_running_contract() {
    let hired = run(
        ManagementState::default(),
        hire(decision("m1", Matter::HireOrDismissManager, true)),
    );
    assert_eq!(
        Management::decide(
            &hired,
            hire(decision("m2", Matter::HireOrDismissManager, true))
        ),
        Err(ManagementError::ContractRunning)
    );
    // The vote that hired cannot also dismiss.
    assert!(matches!(
        Management::decide(
            &hired,
            dismiss(decision("m1", Matter::HireOrDismissManager, true))
        ),
        Err(ManagementError::Decision(
            DecisionUseError::AlreadyUsed { .. }
        ))
    ));
    let dismissed = run(
        hired,
        dismiss(decision("m2", Matter::HireOrDismissManager, true)),
    );
    assert_eq!(dismissed.running(), None);
    assert_eq!(
        Management::decide(
            &dismissed,
            dismiss(decision("m3", Matter::HireOrDismissManager, true))
        ),
        Err(ManagementError::NoContract)
    );
}

#[test]
fn terms_are_checked() {
    let mut command = preliminary();
    if let ManagementCommand::SignPreliminary { terms, .. } = &mut command {
        terms.ends_on = terms.starts_on;
    }
    assert_eq!(
        Management::decide(&ManagementState::default(), command),
        Err(ManagementError::EndsBeforeStart)
    );
    let mut command = preliminary();
    if let ManagementCommand::SignPreliminary { terms, .. } = &mut command {
        terms.monthly_fee_per_square_metre_fen = 0;
    }
    assert_eq!(
        Management::decide(&ManagementState::default(), command),
        Err(ManagementError::FeeZero)
    );
    let signed = run(ManagementState::default(), preliminary());
    assert_eq!(
        Management::decide(&signed, preliminary()),
        Err(ManagementError::PreliminaryExists)
    );
}
