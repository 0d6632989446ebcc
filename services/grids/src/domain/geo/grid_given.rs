//! Test vocabulary of the grid aggregate: a grid in district 500108,
//! commands by name, and given/when over a command history.

use super::*;
use gongzhi_kernel::Decider;

pub const DISTRICT: &str = "500108";
pub const OTHER_DISTRICT: &str = "110105";
pub const COMMUNITY: &str = "500108001001";
pub const CODE: &str = "500108001001003";
pub const ALICE: &str = "worker-alice";
pub const BOB: &str = "worker-bob";

pub fn district(code: &str) -> DistrictCode {
    DistrictCode::parse(code).expect("valid test district")
}

/// A square of side 0.01 degrees, written loosely (spaces, integer-valued
/// numbers) so the canonical form differs from the input.
pub fn square(lng: f64, lat: f64) -> String {
    let (east, north) = (lng + 0.01, lat + 0.01);
    format!(
        r#"{{ "type": "Polygon", "coordinates": [[[{lng}, {lat}], [{east}, {lat}], [{east}, {north}], [{lng}, {north}], [{lng}, {lat}]]] }}"#
    )
}

pub fn canonical(geojson: &str) -> String {
    Boundary::from_geojson(geojson)
        .expect("valid test boundary")
        .to_geojson()
}

pub fn duties(list: &[Duty]) -> BTreeSet<Duty> {
    list.iter().copied().collect()
}

pub fn definition() -> GridDefinition {
    GridDefinition {
        code: GridCode::parse(CODE).expect("valid test code"),
        district: district(DISTRICT),
        community: COMMUNITY.into(),
        name: "  南坪一网格 ".into(),
        boundary_geojson: square(106.5, 29.5),
        duties: duties(&[Duty::Sanitation, Duty::Safety]),
    }
}

pub fn define() -> GridCommand {
    GridCommand::Define(definition())
}

pub fn redraw(geojson: String) -> GridCommand {
    GridCommand::RedrawBoundary {
        district: district(DISTRICT),
        boundary_geojson: geojson,
    }
}

pub fn change_duties(list: &[Duty]) -> GridCommand {
    GridCommand::ChangeDuties {
        district: district(DISTRICT),
        duties: duties(list),
    }
}

pub fn assign(worker_id: &str, duty: Duty) -> GridCommand {
    GridCommand::AssignWorker {
        district: district(DISTRICT),
        worker_id: worker_id.into(),
        duty,
    }
}

pub fn unassign(worker_id: &str, duty: Duty) -> GridCommand {
    GridCommand::UnassignWorker {
        district: district(DISTRICT),
        worker_id: worker_id.into(),
        duty,
    }
}

pub fn retire(reason: &str) -> GridCommand {
    GridCommand::Retire {
        district: district(DISTRICT),
        reason: reason.into(),
    }
}

/// Defined, with Alice on safety and sanitation and Bob on safety.
pub fn staffed() -> Vec<GridCommand> {
    vec![
        define(),
        assign(ALICE, Duty::Safety),
        assign(ALICE, Duty::Sanitation),
        assign(BOB, Duty::Safety),
    ]
}

pub fn given(history: &[GridCommand]) -> GridState {
    Grid::fold(&recorded(history))
}

/// Every event the history writes, in order.
pub fn recorded(history: &[GridCommand]) -> Vec<GridEvent> {
    let mut state = GridState::Absent;
    let mut events = Vec::new();
    for command in history {
        for event in Grid::decide(&state, command.clone()).expect("history must be valid") {
            state = Grid::evolve(state, &event);
            events.push(event);
        }
    }
    events
}

pub fn when(history: &[GridCommand], command: GridCommand) -> Result<Vec<GridEvent>, GridError> {
    Grid::decide(&given(history), command)
}

pub fn facts(history: &[GridCommand]) -> GridFacts {
    match given(history) {
        GridState::Present(facts) => facts,
        GridState::Absent => panic!("grid expected after {history:?}"),
    }
}

pub fn assignment(worker_id: &str, duty: Duty) -> Assignment {
    Assignment {
        worker_id: worker_id.into(),
        duty,
    }
}

pub fn released(worker_id: &str, duty: Duty) -> GridEvent {
    GridEvent::WorkerUnassigned(pb::WorkerUnassigned {
        grid: CODE.into(),
        district: DISTRICT.into(),
        worker_id: worker_id.into(),
        duty: duty.into(),
    })
}
