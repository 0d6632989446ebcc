use super::*;

fn district() -> DistrictCode {
    DistrictCode::parse("500108").expect("district")
}

fn on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 7, 1).expect("date")
}

fn file() -> DisputeCommand {
    DisputeCommand::File {
        dispute_id: "d1".into(),
        estate_id: "e1".into(),
        district: district(),
        complainant: (DisputeParty::Committee, "c1".into()),
        respondent: (DisputeParty::Company, "co1".into()),
        subject: "电梯长期故障".into(),
        on: on(),
    }
}

fn mediate() -> DisputeCommand {
    DisputeCommand::StartMediation {
        district: district(),
        mediator: "rc-500108001002".into(),
        on: on(),
    }
}

fn escalate(level: EscalationLevel) -> DisputeCommand {
    DisputeCommand::Escalate {
        district: district(),
        level,
        reason: "调解不成".into(),
        on: on(),
    }
}

fn resolve(outcome: DisputeOutcome) -> DisputeCommand {
    DisputeCommand::Resolve {
        district: district(),
        outcome,
        summary: "物业公司限期维修".into(),
        on: on(),
    }
}

fn given(commands: Vec<DisputeCommand>) -> DisputeState {
    commands
        .into_iter()
        .fold(DisputeState::default(), |state, command| {
            let events = Dispute::decide(&state, command).expect("accepted");
            events.iter().fold(state, Dispute::evolve)
        })
}

#[test]
fn mediation_comes_before_escalation_and_settlement() {
    let filed = given(vec![file()]);
    assert_eq!(
        Dispute::decide(&filed, escalate(EscalationLevel::StreetOffice)),
        Err(DisputeError::NotMediated)
    );
    assert_eq!(
        Dispute::decide(&filed, resolve(DisputeOutcome::Settled)),
        Err(DisputeError::SettleOnlyInMediation)
    );
    let mediating = given(vec![file(), mediate()]);
    assert!(Dispute::decide(&mediating, resolve(DisputeOutcome::Settled)).is_ok());
    assert_eq!(
        Dispute::decide(&mediating, resolve(DisputeOutcome::Decided)),
        Err(DisputeError::DecideOnlyAfterEscalation)
    );
}

#[test]
fn escalation_only_goes_up_and_ends_in_a_decision() {
    let up = given(vec![
        file(),
        mediate(),
        escalate(EscalationLevel::HousingAuthority),
    ]);
    assert_eq!(
        Dispute::decide(&up, escalate(EscalationLevel::StreetOffice)),
        Err(DisputeError::NotHigher {
            current: EscalationLevel::HousingAuthority
        })
    );
    assert_eq!(
        Dispute::decide(&up, resolve(DisputeOutcome::Settled)),
        Err(DisputeError::SettleOnlyInMediation)
    );
    let ended = given(vec![
        file(),
        mediate(),
        escalate(EscalationLevel::HousingAuthority),
        escalate(EscalationLevel::Court),
        resolve(DisputeOutcome::Decided),
    ]);
    assert_eq!(Dispute::decide(&ended, mediate()), Err(DisputeError::Ended));
}

#[test]
fn parties_must_differ_and_be_named() {
    let mut same = file();
    if let DisputeCommand::File { respondent, .. } = &mut same {
        *respondent = (DisputeParty::Committee, "c1".into());
    }
    assert_eq!(
        Dispute::decide(&DisputeState::default(), same),
        Err(DisputeError::SameParty)
    );
    let mut unnamed = file();
    if let DisputeCommand::File { complainant, .. } = &mut unnamed {
        *complainant = (DisputeParty::Unspecified, "x".into());
    }
    assert_eq!(
        Dispute::decide(&DisputeState::default(), unnamed),
        Err(DisputeError::Required {
            field: "complainant"
        })
    );
    let other = DistrictCode::parse("500103").expect("district");
    let filed = given(vec![file()]);
    let refused = Dispute::decide(
        &filed,
        DisputeCommand::StartMediation {
            district: other,
            mediator: "m".into(),
            on: on(),
        },
    );
    assert!(matches!(refused, Err(e) if e.hides_existence()));
}
