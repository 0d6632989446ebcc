//! Overdue flags: which stage may be flagged in which status (a table, one
//! row per stage), and the refusals once the stage is active.

use super::given::*;
use super::*;

/// Long after every deadline of the test histories.
fn late() -> chrono::DateTime<chrono::Utc> {
    t(10_000)
}

/// Per stage, the outcome in each status of `ALL_STATUSES`, in that order:
/// `F` flagged, `N` stage not reached, `P` stage passed, `D` deferred.
const OUTCOMES: [(CaseStage, &str); 5] = [
    // Rep Reg Rej Mer Dis Rew Fee Ver Clo Eva Def
    (CaseStage::Register, "FPPPPPPPPPD"),
    (CaseStage::Dispatch, "NFPPPPPPPPD"),
    (CaseStage::Handle, "NFPPFFPPPPD"),
    (CaseStage::Verify, "NNPPNNFPPPD"),
    (CaseStage::Close, "NFPPFFFFPPD"),
];

#[test]
fn each_stage_is_flagged_only_while_the_case_is_in_it() {
    for (stage, row) in OUTCOMES {
        for (status, outcome) in ALL_STATUSES.into_iter().zip(row.chars()) {
            let got = when(&history(status), flag_overdue(stage, late()));
            let expected = match outcome {
                'F' => Ok(()),
                'N' => Err(CaseError::StageNotReached { stage }),
                'P' => Err(CaseError::StagePassed { stage }),
                _ => Err(CaseError::TransitionNotAllowed {
                    action: CaseActionKind::FlagOverdue,
                    status,
                }),
            };
            assert_eq!(got.map(|_| ()), expected, "{stage:?} in {status}");
        }
    }
}

#[test]
fn a_passed_deadline_raises_the_flag_once() {
    let history = history(CaseStatus::Dispatched);
    let event = then_event(&history, flag_overdue(CaseStage::Handle, t(601)));
    assert_eq!(
        event,
        CaseEvent::OverdueFlagged(pb::CaseOverdueFlagged {
            case_id: CASE_ID.into(),
            district: DISTRICT.into(),
            stage: CaseStage::Handle.into(),
            deadline: "2026-11-25T11:00:00Z".into(),
            flagged_at: "2026-11-25T11:01:00Z".into(),
        })
    );
    let mut flagged = history;
    flagged.push(flag_overdue(CaseStage::Handle, t(601)));
    assert!(facts(&flagged).overdue_stages.contains(&CaseStage::Handle));
    assert_eq!(
        when(&flagged, flag_overdue(CaseStage::Handle, t(700))),
        Err(CaseError::AlreadyFlaggedOverdue {
            stage: CaseStage::Handle
        })
    );
    assert!(
        when(&flagged, flag_overdue(CaseStage::Close, late())).is_ok(),
        "flags are kept per stage"
    );
}

#[test]
fn a_deadline_not_yet_passed_is_refused() {
    let history = history(CaseStatus::Registered);
    for now in [t(599), t(600)] {
        assert_eq!(
            when(&history, flag_overdue(CaseStage::Handle, now)),
            Err(CaseError::DeadlineNotPassed {
                stage: CaseStage::Handle
            })
        );
    }
}

#[test]
fn a_stage_without_deadline_cannot_be_overdue() {
    let mut report = case_report();
    report.register_deadline = None;
    let history = [CaseAction::Report(report)];
    assert_eq!(
        when(&history, flag_overdue(CaseStage::Register, late())),
        Err(CaseError::NoDeadline {
            stage: CaseStage::Register
        })
    );
}

#[test]
fn the_stage_must_be_given() {
    assert_eq!(
        when(
            &history(CaseStatus::Registered),
            flag_overdue(CaseStage::Unspecified, late())
        ),
        Err(CaseError::StageRequired)
    );
}

#[test]
fn a_flag_survives_a_return_and_is_not_raised_twice() {
    let mut history = history(CaseStatus::Dispatched);
    history.extend([
        flag_overdue(CaseStage::Handle, t(601)),
        return_by(UNIT),
        dispatch(OTHER_UNIT),
    ]);
    assert_eq!(
        when(&history, flag_overdue(CaseStage::Handle, t(700))),
        Err(CaseError::AlreadyFlaggedOverdue {
            stage: CaseStage::Handle
        })
    );
}

#[test]
fn resuming_with_new_deadlines_re_times_the_case() {
    let mut history = history(CaseStatus::Registered);
    history.extend([flag_overdue(CaseStage::Dispatch, t(61)), defer()]);
    let new_deadlines = CaseDeadlines {
        dispatch_by: Some(t(2060)),
        handle_by: t(2600),
        close_by: None,
    };
    let retime = CaseAction::Resume {
        resumed_at: t(2000),
        deadlines: Some(new_deadlines),
    };
    let event = then_event(&history, retime.clone());
    assert_eq!(
        event,
        CaseEvent::Resumed(pb::CaseResumed {
            case_id: CASE_ID.into(),
            district: DISTRICT.into(),
            resumed_at: "2026-11-26T10:20:00Z".into(),
            retimed: true,
            dispatch_deadline: "2026-11-26T11:20:00Z".into(),
            handle_deadline: "2026-11-26T20:20:00Z".into(),
            close_deadline: String::new(),
        })
    );
    let mut kept = history.clone();
    kept.push(resume());
    assert_eq!(
        when(&kept, flag_overdue(CaseStage::Dispatch, t(2100))),
        Err(CaseError::AlreadyFlaggedOverdue {
            stage: CaseStage::Dispatch
        }),
        "without new deadlines the flags stand"
    );
    history.push(retime);
    let resumed = facts(&history);
    assert!(resumed.overdue_stages.is_empty());
    assert_eq!(resumed.deadlines.close, None);
    assert_eq!(
        when(&history, flag_overdue(CaseStage::Dispatch, t(2060))),
        Err(CaseError::DeadlineNotPassed {
            stage: CaseStage::Dispatch
        })
    );
    assert!(when(&history, flag_overdue(CaseStage::Dispatch, t(2061))).is_ok());
}

#[test]
fn new_deadlines_on_resuming_must_follow_it() {
    let history = history(CaseStatus::Deferred);
    let stale = CaseAction::Resume {
        resumed_at: t(2000),
        deadlines: Some(CaseDeadlines {
            dispatch_by: None,
            handle_by: t(600),
            close_by: None,
        }),
    };
    assert_eq!(
        when(&history, stale),
        Err(CaseError::DeadlineNotAfterStart { stage: "handle" })
    );
}
