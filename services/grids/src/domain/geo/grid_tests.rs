//! Given events, when a command, then events or an error: defining a grid, its boundary and its duties.

use super::given::*;
use super::*;
use crate::domain::geo::{GeoError, GeoErrorKind};

#[test]
fn defining_records_a_canonical_boundary_and_sorted_duties() {
    assert_eq!(
        when(&[], define()),
        Ok(vec![GridEvent::Defined(pb::GridDefined {
            grid: CODE.into(),
            district: DISTRICT.into(),
            community: COMMUNITY.into(),
            name: "南坪一网格".into(),
            boundary_geojson: canonical(&square(106.5, 29.5)),
            duties: vec![Duty::Safety.into(), Duty::Sanitation.into()],
        })])
    );
    let facts = facts(&[define()]);
    assert_eq!(facts.duties, duties(&[Duty::Safety, Duty::Sanitation]));
    assert!(facts.assignments.is_empty());
    assert!(!facts.retired);
}

#[test]
fn defining_twice_is_refused() {
    assert_eq!(when(&[define()], define()), Err(GridError::AlreadyDefined));
}

#[test]
fn a_code_outside_the_district_is_refused() {
    let mut definition = definition();
    definition.district = district(OTHER_DISTRICT);
    assert!(matches!(
        when(&[], GridCommand::Define(definition)),
        Err(GridError::CodeOutsideDistrict { .. })
    ));
}

#[test]
fn a_community_other_than_the_code_prefix_is_refused() {
    let mut definition = definition();
    definition.community = "500108001002".into();
    assert!(matches!(
        when(&[], GridCommand::Define(definition)),
        Err(GridError::CodeOutsideCommunity { .. })
    ));
}

#[test]
fn a_blank_name_is_refused() {
    let mut definition = definition();
    definition.name = " \t".into();
    assert_eq!(
        when(&[], GridCommand::Define(definition)),
        Err(GridError::NameRequired)
    );
}

#[test]
fn an_invalid_boundary_is_refused_with_its_kind() {
    let mut definition = definition();
    definition.boundary_geojson = r#"{"type":"Point","coordinates":[106.5,29.5]}"#.into();
    let error = when(&[], GridCommand::Define(definition)).expect_err("point refused");
    assert_eq!(error.reason(), "GRID_BOUNDARY_INVALID");
    assert!(
        matches!(&error, GridError::InvalidBoundary(geo) if geo.kind() == GeoErrorKind::UnsupportedGeometry),
        "{error:?}"
    );
}

#[test]
fn a_grid_needs_at_least_one_specified_duty() {
    let mut definition = definition();
    definition.duties = duties(&[]);
    assert_eq!(
        when(&[], GridCommand::Define(definition.clone())),
        Err(GridError::NoDuty)
    );
    definition.duties = duties(&[Duty::Safety, Duty::Unspecified]);
    assert_eq!(
        when(&[], GridCommand::Define(definition)),
        Err(GridError::DutyUnspecified)
    );
}

#[test]
fn commands_on_an_undefined_grid_are_refused() {
    for command in [
        redraw(square(106.6, 29.6)),
        change_duties(&[Duty::Safety]),
        assign(ALICE, Duty::Safety),
        unassign(ALICE, Duty::Safety),
        retire("merged"),
    ] {
        assert_eq!(when(&[], command), Err(GridError::NotFound));
    }
}

#[test]
fn redrawing_records_the_new_canonical_boundary() {
    let moved = square(106.6, 29.6);
    assert_eq!(
        when(&[define()], redraw(moved.clone())),
        Ok(vec![GridEvent::BoundaryRedrawn(pb::GridBoundaryRedrawn {
            grid: CODE.into(),
            district: DISTRICT.into(),
            boundary_geojson: canonical(&moved),
        })])
    );
    assert_eq!(
        facts(&[define(), redraw(moved.clone())]).boundary_geojson,
        canonical(&moved)
    );
}

#[test]
fn redrawing_the_same_shape_changes_nothing() {
    // Written differently, same shape once canonical.
    let same = canonical(&square(106.5, 29.5));
    assert_eq!(when(&[define()], redraw(same)), Ok(vec![]));
}

#[test]
fn redrawing_to_an_invalid_boundary_is_refused() {
    let open = r#"{"type":"Polygon","coordinates":[[[106.5,29.5],[106.51,29.5],[106.51,29.51],[106.5,29.51]]]}"#;
    assert_eq!(
        when(&[define()], redraw(open.into())),
        Err(GridError::InvalidBoundary(GeoError::RingNotClosed {
            polygon: 0,
            ring: 0
        }))
    );
}

#[test]
fn changing_duties_records_the_whole_new_set() {
    assert_eq!(
        when(
            &[define()],
            change_duties(&[Duty::PartyBuilding, Duty::Safety, Duty::Population])
        ),
        Ok(vec![GridEvent::DutiesChanged(pb::GridDutiesChanged {
            grid: CODE.into(),
            district: DISTRICT.into(),
            duties: vec![
                Duty::Safety.into(),
                Duty::Population.into(),
                Duty::PartyBuilding.into()
            ],
        })])
    );
}

#[test]
fn changing_to_the_same_duties_changes_nothing() {
    assert_eq!(
        when(
            &[define()],
            change_duties(&[Duty::Safety, Duty::Sanitation])
        ),
        Ok(vec![])
    );
}

#[test]
fn changing_to_no_duty_or_an_unspecified_one_is_refused() {
    assert_eq!(
        when(&[define()], change_duties(&[])),
        Err(GridError::NoDuty)
    );
    assert_eq!(
        when(&[define()], change_duties(&[Duty::Unspecified])),
        Err(GridError::DutyUnspecified)
    );
}

#[test]
fn dropping_a_duty_releases_its_workers_first() {
    let events = when(
        &staffed(),
        change_duties(&[Duty::Sanitation, Duty::Services]),
    )
    .expect("duties change");
    assert_eq!(events.len(), 3);
    assert_eq!(events[0], released(ALICE, Duty::Safety));
    assert_eq!(events[1], released(BOB, Duty::Safety));
    assert!(matches!(events[2], GridEvent::DutiesChanged(_)));

    let mut history = staffed();
    history.push(change_duties(&[Duty::Sanitation, Duty::Services]));
    let facts = facts(&history);
    assert_eq!(facts.duties, duties(&[Duty::Sanitation, Duty::Services]));
    assert_eq!(
        facts.assignments,
        BTreeSet::from([assignment(ALICE, Duty::Sanitation)])
    );
}
