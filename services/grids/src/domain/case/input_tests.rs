//! Refusals that depend on what a command carries rather than on the
//! case's status: malformed reports, missing reasons, the wrong unit.

use super::given::*;
use super::*;

fn with(mut history: Vec<CaseAction>, more: &[CaseAction]) -> Vec<CaseAction> {
    history.extend_from_slice(more);
    history
}

fn report_with(change: impl FnOnce(&mut CaseReport)) -> CaseAction {
    let mut report = case_report();
    change(&mut report);
    CaseAction::Report(report)
}

#[test]
fn a_malformed_report_is_refused() {
    let cases: Vec<(CaseAction, CaseError)> = vec![
        (
            report_with(|r| r.case_id.clear()),
            CaseError::CaseIdRequired,
        ),
        (
            report_with(|r| r.source = CaseSource::Unspecified),
            CaseError::SourceRequired,
        ),
        (
            report_with(|r| r.urgency = CaseUrgency::Unspecified),
            CaseError::UrgencyRequired,
        ),
        (
            report_with(|r| r.grid = "50010800100100".into()),
            CaseError::InvalidGridCode {
                grid: "50010800100100".into(),
            },
        ),
        (
            report_with(|r| r.grid = "50010800100100x".into()),
            CaseError::InvalidGridCode {
                grid: "50010800100100x".into(),
            },
        ),
        (
            report_with(|r| r.grid = "110105001001003".into()),
            CaseError::GridOutsideDistrict {
                grid: "110105001001003".into(),
                district: DISTRICT.into(),
            },
        ),
        (
            report_with(|r| r.category = " ".into()),
            CaseError::CategoryRequired,
        ),
        (
            report_with(|r| r.description.clear()),
            CaseError::DescriptionRequired,
        ),
        (
            report_with(|r| r.reported_by.clear()),
            CaseError::ReporterRequired,
        ),
        (
            report_with(|r| r.latitude = 91.0),
            CaseError::InvalidLocation,
        ),
        (
            report_with(|r| r.longitude = f64::NAN),
            CaseError::InvalidLocation,
        ),
        (
            report_with(|r| r.register_deadline = Some(t(0))),
            CaseError::DeadlineNotAfterStart { stage: "register" },
        ),
    ];
    for (action, error) in cases {
        assert_eq!(when(&[], action), Err(error));
    }
}

#[test]
fn a_sensor_report_needs_no_reporter() {
    let sensor = report_with(|r| {
        r.source = CaseSource::Sensor;
        r.reported_by.clear();
    });
    assert!(when(&[], sensor).is_ok());
}

#[test]
fn deadlines_must_come_after_registration() {
    let history = [report()];
    let with_deadlines = |deadlines| CaseAction::Register {
        registered_at: t(10),
        deadlines,
    };
    let valid = CaseDeadlines {
        dispatch_by: Some(t(60)),
        handle_by: t(600),
        close_by: Some(t(1440)),
    };
    let cases = [
        (
            CaseDeadlines {
                dispatch_by: Some(t(10)),
                ..valid
            },
            "dispatch",
        ),
        (
            CaseDeadlines {
                handle_by: t(5),
                ..valid
            },
            "handle",
        ),
        (
            CaseDeadlines {
                close_by: Some(t(9)),
                ..valid
            },
            "close",
        ),
    ];
    for (deadlines, stage) in cases {
        assert_eq!(
            when(&history, with_deadlines(deadlines)),
            Err(CaseError::DeadlineNotAfterStart { stage })
        );
    }
    let only_handle = CaseDeadlines {
        dispatch_by: None,
        handle_by: t(600),
        close_by: None,
    };
    assert!(when(&history, with_deadlines(only_handle)).is_ok());
}

#[test]
fn reasons_are_required() {
    let blank_reject = CaseAction::Reject {
        reason: "  ".into(),
        rejected_at: t(10),
    };
    assert_eq!(
        when(&[report()], blank_reject),
        Err(CaseError::ReasonRequired)
    );
    let blank_defer = CaseAction::Defer {
        reason: String::new(),
        deferred_at: t(30),
    };
    let registered = history(CaseStatus::Registered);
    assert_eq!(
        when(&registered, blank_defer),
        Err(CaseError::ReasonRequired)
    );
    let blank_return = CaseAction::ReturnByUnit {
        unit_id: UNIT.into(),
        reason: String::new(),
        returned_at: t(40),
    };
    let dispatched = history(CaseStatus::Dispatched);
    assert_eq!(
        when(&dispatched, blank_return),
        Err(CaseError::ReasonRequired)
    );
}

#[test]
fn merging_needs_another_case() {
    let into = |id: &str| CaseAction::MergeDuplicate {
        into_case_id: id.into(),
        merged_at: t(10),
    };
    assert_eq!(
        when(&[report()], into(CASE_ID)),
        Err(CaseError::MergeIntoSelf)
    );
    assert_eq!(when(&[report()], into("")), Err(CaseError::CaseIdRequired));
    let absorb_id = |id: &str| CaseAction::AbsorbDuplicate {
        duplicate_case_id: id.into(),
        merged_at: t(12),
    };
    assert_eq!(
        when(&[report()], absorb_id(CASE_ID)),
        Err(CaseError::MergeIntoSelf)
    );
    assert_eq!(
        when(&[report()], absorb_id(" ")),
        Err(CaseError::CaseIdRequired)
    );
    assert_eq!(
        when(&[report(), absorb()], absorb()),
        Err(CaseError::DuplicateAlreadyMerged {
            duplicate_case_id: OTHER_CASE_ID.into()
        })
    );
}

#[test]
fn only_the_dispatched_unit_returns_or_gives_feedback() {
    let dispatched = history(CaseStatus::Dispatched);
    let wrong = CaseError::NotTheDispatchedUnit {
        unit_id: OTHER_UNIT.into(),
    };
    assert_eq!(when(&dispatched, return_by(OTHER_UNIT)), Err(wrong.clone()));
    assert_eq!(when(&dispatched, feedback(OTHER_UNIT)), Err(wrong.clone()));
    let rework = history(CaseStatus::Rework);
    assert_eq!(when(&rework, feedback(OTHER_UNIT)), Err(wrong));
}

#[test]
fn dispatch_and_feedback_need_their_content() {
    let registered = history(CaseStatus::Registered);
    assert_eq!(
        when(&registered, dispatch(" ")),
        Err(CaseError::UnitRequired)
    );
    let dispatched = history(CaseStatus::Dispatched);
    let no_result = CaseAction::Feedback {
        unit_id: UNIT.into(),
        result: String::new(),
        feedback_at: t(100),
        verify_deadline: None,
    };
    assert_eq!(when(&dispatched, no_result), Err(CaseError::ResultRequired));
    let early_deadline = CaseAction::Feedback {
        unit_id: UNIT.into(),
        result: "done".into(),
        feedback_at: t(100),
        verify_deadline: Some(t(100)),
    };
    assert_eq!(
        when(&dispatched, early_deadline),
        Err(CaseError::DeadlineNotAfterStart { stage: "verify" })
    );
}

#[test]
fn verification_needs_a_verifier_and_a_failure_needs_a_note() {
    let given_feedback = history(CaseStatus::FeedbackGiven);
    let verify_with = |passed: bool, verifier: &str, note: &str| CaseAction::Verify {
        passed,
        verifier: verifier.into(),
        note: note.into(),
        verified_at: t(200),
    };
    assert_eq!(
        when(&given_feedback, verify_with(true, "", "")),
        Err(CaseError::VerifierRequired)
    );
    assert_eq!(
        when(&given_feedback, verify_with(false, "worker-7", " ")),
        Err(CaseError::VerificationNoteRequired)
    );
}

#[test]
fn closing_needs_a_verification_of_the_latest_feedback() {
    let mut facts = facts(&history(CaseStatus::Verified));
    facts.feedback_count = 2;
    let state = CaseState::Present(Box::new(facts));
    assert_eq!(
        Case::decide(&state, in_district(close())),
        Err(CaseError::VerificationStale {
            verified: 1,
            latest: 2
        })
    );
}

#[test]
fn a_rating_is_from_one_to_five_and_given_once() {
    let closed = history(CaseStatus::Closed);
    for rating in [0, 6] {
        assert_eq!(
            when(&closed, evaluate(rating)),
            Err(CaseError::InvalidRating { rating })
        );
    }
    for rating in 1..=5 {
        assert!(when(&closed, evaluate(rating)).is_ok());
    }
    let evaluated = with(closed, &[evaluate(4)]);
    assert_eq!(
        when(&evaluated, evaluate(5)),
        Err(CaseError::TransitionNotAllowed {
            action: CaseActionKind::Evaluate,
            status: CaseStatus::Evaluated
        })
    );
}
