//! Given events, when a command, then events or an error: workers, retirement, tenancy and the codec.

use super::given::*;
use super::*;
use crate::domain::geo::GeoError;
use gongzhi_kernel::{Decider, EventCodec};

#[test]
fn assigning_a_worker_to_a_carried_duty_is_recorded() {
    assert_eq!(
        when(&[define()], assign(ALICE, Duty::Safety)),
        Ok(vec![GridEvent::WorkerAssigned(pb::WorkerAssigned {
            grid: CODE.into(),
            district: DISTRICT.into(),
            worker_id: ALICE.into(),
            duty: Duty::Safety.into(),
        })])
    );
    assert_eq!(
        facts(&staffed()).assignments,
        BTreeSet::from([
            assignment(ALICE, Duty::Safety),
            assignment(ALICE, Duty::Sanitation),
            assignment(BOB, Duty::Safety),
        ])
    );
}

#[test]
fn a_worker_is_assigned_once_per_duty() {
    assert_eq!(
        when(&staffed(), assign(BOB, Duty::Safety)),
        Err(GridError::AlreadyAssigned {
            worker_id: BOB.into(),
            duty: Duty::Safety
        })
    );
    // Surrounding spaces do not make another worker.
    assert!(matches!(
        when(&staffed(), assign(" worker-bob ", Duty::Safety)),
        Err(GridError::AlreadyAssigned { .. })
    ));
}

#[test]
fn a_duty_the_grid_does_not_carry_cannot_be_assigned() {
    assert_eq!(
        when(&[define()], assign(ALICE, Duty::Population)),
        Err(GridError::DutyNotCarried {
            duty: Duty::Population
        })
    );
    assert_eq!(
        when(&[define()], assign(ALICE, Duty::Unspecified)),
        Err(GridError::DutyUnspecified)
    );
}

#[test]
fn a_blank_worker_id_is_refused() {
    assert_eq!(
        when(&[define()], assign("  ", Duty::Safety)),
        Err(GridError::WorkerRequired)
    );
}

#[test]
fn unassigning_releases_only_that_duty() {
    assert_eq!(
        when(&staffed(), unassign(ALICE, Duty::Safety)),
        Ok(vec![released(ALICE, Duty::Safety)])
    );
    let mut history = staffed();
    history.push(unassign(ALICE, Duty::Safety));
    assert_eq!(
        facts(&history).assignments,
        BTreeSet::from([
            assignment(ALICE, Duty::Sanitation),
            assignment(BOB, Duty::Safety)
        ])
    );
}

#[test]
fn unassigning_a_worker_who_is_not_assigned_is_refused() {
    assert_eq!(
        when(&staffed(), unassign(BOB, Duty::Sanitation)),
        Err(GridError::NotAssigned {
            worker_id: BOB.into(),
            duty: Duty::Sanitation
        })
    );
}

#[test]
fn retiring_releases_every_worker_then_retires() {
    assert_eq!(
        when(&staffed(), retire(" merged into 500108001001004 ")),
        Ok(vec![
            released(ALICE, Duty::Safety),
            released(ALICE, Duty::Sanitation),
            released(BOB, Duty::Safety),
            GridEvent::Retired(pb::GridRetired {
                grid: CODE.into(),
                district: DISTRICT.into(),
                reason: "merged into 500108001001004".into(),
            }),
        ])
    );
    let mut history = staffed();
    history.push(retire("merged"));
    let facts = facts(&history);
    assert!(facts.retired);
    assert!(facts.assignments.is_empty());
}

#[test]
fn retiring_needs_a_reason() {
    assert_eq!(
        when(&[define()], retire(" ")),
        Err(GridError::ReasonRequired)
    );
}

#[test]
fn a_retired_grid_takes_no_commands() {
    let history = [define(), retire("merged")];
    for command in [
        redraw(square(106.6, 29.6)),
        change_duties(&[Duty::Safety]),
        assign(ALICE, Duty::Safety),
        unassign(ALICE, Duty::Safety),
        retire("again"),
    ] {
        assert_eq!(when(&history, command), Err(GridError::Retired));
    }
    // Its code stays taken.
    assert_eq!(when(&history, define()), Err(GridError::AlreadyDefined));
}

#[test]
fn another_district_cannot_touch_the_grid() {
    let other = district(OTHER_DISTRICT);
    for command in [
        GridCommand::RedrawBoundary {
            district: other.clone(),
            boundary_geojson: square(106.6, 29.6),
        },
        GridCommand::ChangeDuties {
            district: other.clone(),
            duties: duties(&[Duty::Safety]),
        },
        GridCommand::AssignWorker {
            district: other.clone(),
            worker_id: ALICE.into(),
            duty: Duty::Safety,
        },
        GridCommand::UnassignWorker {
            district: other.clone(),
            worker_id: ALICE.into(),
            duty: Duty::Safety,
        },
        GridCommand::Retire {
            district: other.clone(),
            reason: "merged".into(),
        },
    ] {
        assert_eq!(
            when(&staffed(), command),
            Err(GridError::WrongDistrict {
                given: OTHER_DISTRICT.into(),
                actual: DISTRICT.into()
            })
        );
    }
}

#[test]
fn events_out_of_place_leave_the_state_alone() {
    let stray = released(ALICE, Duty::Safety);
    assert_eq!(Grid::evolve(GridState::Absent, &stray), GridState::Absent);
}

#[test]
fn every_event_round_trips_through_the_codec() {
    let mut history = staffed();
    history.push(redraw(square(106.6, 29.6)));
    history.push(change_duties(&[Duty::Sanitation]));
    history.push(retire("merged"));
    let events = recorded(&history);

    let types: BTreeSet<&str> = events.iter().map(EventCodec::event_type).collect();
    assert_eq!(types.len(), 6, "every event type covered: {types:?}");
    for event in &events {
        let decoded = GridEvent::decode(event.event_type(), &event.encode());
        assert_eq!(decoded.as_ref(), Ok(event));
    }
    assert_eq!(Grid::fold(&events), given(&history));
}

#[test]
fn unknown_and_malformed_payloads_do_not_decode() {
    assert!(matches!(
        GridEvent::decode("gongzhi.grids.v1.GridMoved", &[]),
        Err(gongzhi_kernel::DecodeError::UnknownType(_))
    ));
    assert!(matches!(
        GridEvent::decode("gongzhi.grids.v1.GridDefined", &[0xff, 0xff]),
        Err(gongzhi_kernel::DecodeError::Malformed { .. })
    ));
}

#[test]
fn reason_codes_are_distinct() {
    let errors = [
        GridError::AlreadyDefined,
        GridError::NotFound,
        GridError::WrongDistrict {
            given: OTHER_DISTRICT.into(),
            actual: DISTRICT.into(),
        },
        GridError::CodeOutsideDistrict {
            code: CODE.into(),
            district: OTHER_DISTRICT.into(),
        },
        GridError::CodeOutsideCommunity {
            code: CODE.into(),
            community: COMMUNITY.into(),
        },
        GridError::NameRequired,
        GridError::InvalidBoundary(GeoError::NotANumber),
        GridError::NoDuty,
        GridError::DutyUnspecified,
        GridError::WorkerRequired,
        GridError::DutyNotCarried { duty: Duty::Other },
        GridError::AlreadyAssigned {
            worker_id: ALICE.into(),
            duty: Duty::Other,
        },
        GridError::NotAssigned {
            worker_id: ALICE.into(),
            duty: Duty::PartyBuilding,
        },
        GridError::ReasonRequired,
        GridError::Retired,
    ];
    let reasons: BTreeSet<&str> = errors.iter().map(GridError::reason).collect();
    assert_eq!(reasons.len(), errors.len());
    assert_eq!(
        errors[12].to_string(),
        "worker worker-alice is not assigned to duty party building"
    );
}
