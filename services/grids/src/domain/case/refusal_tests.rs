//! Every (status, command) pair: the table below is the specification of
//! which statuses accept which command; every other pair must be refused
//! with `CASE_TRANSITION_NOT_ALLOWED` naming the action and the status.

use super::given::*;
use super::*;
use CaseStatus::*;

const OPEN: &[CaseStatus] = &[
    Reported,
    Registered,
    Dispatched,
    Rework,
    FeedbackGiven,
    Verified,
    Deferred,
];

/// A command valid in every status that accepts it, and those statuses.
fn table() -> Vec<(CaseAction, &'static [CaseStatus])> {
    vec![
        (register(), &[Reported]),
        (reject(), &[Reported]),
        (merge(), &[Reported]),
        (absorb(), OPEN),
        (dispatch(UNIT), &[Registered]),
        (return_by(UNIT), &[Dispatched]),
        (feedback(UNIT), &[Dispatched, Rework]),
        (verify(true), &[FeedbackGiven]),
        (verify(false), &[FeedbackGiven]),
        (close(), &[Verified]),
        (evaluate(4), &[Closed]),
        (defer(), &[Registered, Dispatched, Rework]),
        (resume(), &[Deferred]),
        (summon("s2", &["unit-fire-station"], t(3)), OPEN),
        (acknowledge(SUMMONED_A, t(5)), OPEN),
        (arrive(SUMMONED_B, t(6)), OPEN),
        (flag_late(SUMMONED_C, t(100)), OPEN),
    ]
}

#[test]
fn every_status_history_ends_in_its_status() {
    for status in ALL_STATUSES {
        assert_eq!(facts(&history(status)).status, status);
    }
}

#[test]
fn each_command_is_accepted_exactly_in_its_statuses() {
    for (action, allowed) in table() {
        let kind = action.kind();
        for status in ALL_STATUSES {
            let outcome = when(&history(status), action.clone());
            if allowed.contains(&status) {
                assert!(
                    matches!(&outcome, Ok(events) if events.len() == 1),
                    "{kind} in {status} should give one event, got {outcome:?}"
                );
            } else {
                assert_eq!(outcome, refused(kind, status), "{kind} in {status}");
            }
        }
    }
}

#[test]
fn the_table_covers_every_command_but_report_and_overdue() {
    let mut kinds: Vec<_> = table().iter().map(|(a, _)| a.kind()).collect();
    kinds.dedup();
    assert_eq!(kinds.len(), 16);
}

#[test]
fn reporting_an_existing_case_is_refused_in_every_status() {
    for status in ALL_STATUSES {
        assert_eq!(
            when(&history(status), report()),
            Err(CaseError::AlreadyExists),
            "{status}"
        );
    }
}

#[test]
fn every_command_but_report_needs_an_existing_case() {
    for (action, _) in table() {
        assert_eq!(when(&[], action), Err(CaseError::NotFound));
    }
    assert_eq!(
        when(&[], flag_overdue(CaseStage::Close, t(5000))),
        Err(CaseError::NotFound)
    );
}

#[test]
fn every_command_from_another_district_is_refused() {
    let actions = table()
        .into_iter()
        .map(|(action, _)| action)
        .chain([report(), flag_overdue(CaseStage::Register, t(5000))]);
    for action in actions {
        let command = CaseCommand {
            district: district(OTHER_DISTRICT),
            action: action.clone(),
        };
        let outcome = Case::decide(&given(&history(Reported)).0, command);
        let expected = if action.kind() == CaseActionKind::Report {
            Err(CaseError::AlreadyExists)
        } else {
            Err(CaseError::WrongDistrict {
                given: OTHER_DISTRICT.into(),
                actual: DISTRICT.into(),
            })
        };
        assert_eq!(outcome, expected, "{}", action.kind());
    }
}

#[test]
fn reason_codes_are_stable_screaming_snake() {
    let samples = [
        CaseError::NotFound,
        CaseError::AlreadyExists,
        CaseError::TransitionNotAllowed {
            action: CaseActionKind::Close,
            status: Reported,
        },
        CaseError::VerificationStale {
            verified: 1,
            latest: 2,
        },
        CaseError::SummonsNotDue {
            unit_id: UNIT.into(),
        },
    ];
    let reasons: Vec<_> = samples.iter().map(CaseError::reason).collect();
    assert_eq!(
        reasons,
        [
            "CASE_NOT_FOUND",
            "CASE_ALREADY_EXISTS",
            "CASE_TRANSITION_NOT_ALLOWED",
            "CASE_VERIFICATION_STALE",
            "SUMMONS_NOT_DUE"
        ]
    );
    assert_eq!(
        samples[2].to_string(),
        "cannot close a case that is reported"
    );
}
