//! The unit grid (单元网格) aggregate as a pure decider, in stream
//! `grid-<15-digit code>`.
//!
//! Rules: the code's first 12 digits are the grid's community and its first 6
//! its district; a grid has a name, a valid boundary and at least one duty
//! (多网合一: several duties on one grid); a worker is assigned at most once
//! per duty, and only to a duty the grid carries; every command acts only in
//! the grid's own district; a retired grid takes no further commands.
//!
//! Dropping a duty, or retiring the grid, releases the workers concerned:
//! `WorkerUnassigned` events come first, then the change itself, so every
//! assignment's end is an event of its own. A command that changes nothing
//! (the same boundary, the same duties) yields no events.

use super::{Boundary, GridCode, GridError, GridEvent};
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::grids::v1 as pb;
use std::collections::BTreeSet;

pub use pb::Duty;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GridCommand {
    Define(GridDefinition),
    RedrawBoundary {
        district: DistrictCode,
        boundary_geojson: String,
    },
    ChangeDuties {
        district: DistrictCode,
        duties: BTreeSet<Duty>,
    },
    AssignWorker {
        district: DistrictCode,
        worker_id: String,
        duty: Duty,
    },
    UnassignWorker {
        district: DistrictCode,
        worker_id: String,
        duty: Duty,
    },
    Retire {
        district: DistrictCode,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridDefinition {
    pub code: GridCode,
    pub district: DistrictCode,
    /// 12-digit community code; must be the code's first 12 digits.
    pub community: String,
    pub name: String,
    /// GeoJSON `Polygon` or `MultiPolygon` text.
    pub boundary_geojson: String,
    pub duties: BTreeSet<Duty>,
}

/// One worker looking after one duty of the grid.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Assignment {
    pub worker_id: String,
    pub duty: Duty,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridFacts {
    pub code: String,
    pub district: String,
    pub community: String,
    pub name: String,
    /// Canonical GeoJSON text, as [`Boundary::to_geojson`] writes it.
    pub boundary_geojson: String,
    pub duties: BTreeSet<Duty>,
    pub assignments: BTreeSet<Assignment>,
    pub retired: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum GridState {
    #[default]
    Absent,
    Present(GridFacts),
}

pub struct Grid;

/// The live grid a command acts on, in the caller's district.
fn existing<'a>(state: &'a GridState, district: &DistrictCode) -> Result<&'a GridFacts, GridError> {
    let GridState::Present(facts) = state else {
        return Err(GridError::NotFound);
    };
    if facts.district != district.as_str() {
        return Err(GridError::WrongDistrict {
            given: district.to_string(),
            actual: facts.district.clone(),
        });
    }
    if facts.retired {
        return Err(GridError::Retired);
    }
    Ok(facts)
}

fn check_duties(duties: &BTreeSet<Duty>) -> Result<(), GridError> {
    if duties.is_empty() {
        return Err(GridError::NoDuty);
    }
    if duties.contains(&Duty::Unspecified) {
        return Err(GridError::DutyUnspecified);
    }
    Ok(())
}

/// Duties as stored: sorted, without duplicates.
fn duty_values(duties: &BTreeSet<Duty>) -> Vec<i32> {
    duties.iter().map(|duty| i32::from(*duty)).collect()
}

fn duty_of(value: i32) -> Duty {
    // Events are written by this decider, which never stores an unknown
    // value; a newer writer's value reads as unspecified, not as a failure.
    Duty::try_from(value).unwrap_or(Duty::Unspecified)
}

fn duties_of(values: &[i32]) -> BTreeSet<Duty> {
    values.iter().map(|value| duty_of(*value)).collect()
}

fn canonical_boundary(geojson: &str) -> Result<String, GridError> {
    Ok(Boundary::from_geojson(geojson)?.to_geojson())
}

/// Releases of the given assignments, in order.
fn releases<'a>(
    facts: &GridFacts,
    assignments: impl Iterator<Item = &'a Assignment>,
) -> Vec<GridEvent> {
    assignments
        .map(|assignment| {
            GridEvent::WorkerUnassigned(pb::WorkerUnassigned {
                grid: facts.code.clone(),
                district: facts.district.clone(),
                worker_id: assignment.worker_id.clone(),
                duty: assignment.duty.into(),
            })
        })
        .collect()
}

fn define_grid(state: &GridState, definition: GridDefinition) -> Result<Vec<GridEvent>, GridError> {
    let GridDefinition {
        code,
        district,
        community,
        name,
        boundary_geojson,
        duties,
    } = definition;
    if *state != GridState::Absent {
        return Err(GridError::AlreadyDefined);
    }
    if code.district() != district.as_str() {
        return Err(GridError::CodeOutsideDistrict {
            code: code.to_string(),
            district: district.to_string(),
        });
    }
    if code.community() != community {
        return Err(GridError::CodeOutsideCommunity {
            code: code.to_string(),
            community,
        });
    }
    let name = name.trim();
    if name.is_empty() {
        return Err(GridError::NameRequired);
    }
    check_duties(&duties)?;
    Ok(vec![GridEvent::Defined(pb::GridDefined {
        grid: code.to_string(),
        district: district.to_string(),
        community,
        name: name.to_owned(),
        boundary_geojson: canonical_boundary(&boundary_geojson)?,
        duties: duty_values(&duties),
    })])
}

impl Decider for Grid {
    type State = GridState;
    type Command = GridCommand;
    type Event = GridEvent;
    type Error = GridError;

    fn decide(state: &GridState, command: GridCommand) -> Result<Vec<GridEvent>, GridError> {
        match command {
            GridCommand::Define(definition) => define_grid(state, definition),
            GridCommand::RedrawBoundary {
                district,
                boundary_geojson,
            } => {
                let facts = existing(state, &district)?;
                let boundary_geojson = canonical_boundary(&boundary_geojson)?;
                if boundary_geojson == facts.boundary_geojson {
                    return Ok(vec![]);
                }
                Ok(vec![GridEvent::BoundaryRedrawn(pb::GridBoundaryRedrawn {
                    grid: facts.code.clone(),
                    district: facts.district.clone(),
                    boundary_geojson,
                })])
            }
            GridCommand::ChangeDuties { district, duties } => {
                let facts = existing(state, &district)?;
                check_duties(&duties)?;
                if duties == facts.duties {
                    return Ok(vec![]);
                }
                let dropped = facts
                    .assignments
                    .iter()
                    .filter(|assignment| !duties.contains(&assignment.duty));
                let mut events = releases(facts, dropped);
                events.push(GridEvent::DutiesChanged(pb::GridDutiesChanged {
                    grid: facts.code.clone(),
                    district: facts.district.clone(),
                    duties: duty_values(&duties),
                }));
                Ok(events)
            }
            GridCommand::AssignWorker {
                district,
                worker_id,
                duty,
            } => {
                let facts = existing(state, &district)?;
                let assignment = checked_assignment(facts, worker_id, duty)?;
                if facts.assignments.contains(&assignment) {
                    return Err(GridError::AlreadyAssigned {
                        worker_id: assignment.worker_id,
                        duty,
                    });
                }
                Ok(vec![GridEvent::WorkerAssigned(pb::WorkerAssigned {
                    grid: facts.code.clone(),
                    district: facts.district.clone(),
                    worker_id: assignment.worker_id,
                    duty: duty.into(),
                })])
            }
            GridCommand::UnassignWorker {
                district,
                worker_id,
                duty,
            } => {
                let facts = existing(state, &district)?;
                let assignment = checked_assignment(facts, worker_id, duty)?;
                if !facts.assignments.contains(&assignment) {
                    return Err(GridError::NotAssigned {
                        worker_id: assignment.worker_id,
                        duty,
                    });
                }
                Ok(releases(facts, std::iter::once(&assignment)))
            }
            GridCommand::Retire { district, reason } => {
                let facts = existing(state, &district)?;
                let reason = reason.trim();
                if reason.is_empty() {
                    return Err(GridError::ReasonRequired);
                }
                let mut events = releases(facts, facts.assignments.iter());
                events.push(GridEvent::Retired(pb::GridRetired {
                    grid: facts.code.clone(),
                    district: facts.district.clone(),
                    reason: reason.to_owned(),
                }));
                Ok(events)
            }
        }
    }

    fn evolve(state: GridState, event: &GridEvent) -> GridState {
        match (state, event) {
            (GridState::Absent, GridEvent::Defined(e)) => GridState::Present(GridFacts {
                code: e.grid.clone(),
                district: e.district.clone(),
                community: e.community.clone(),
                name: e.name.clone(),
                boundary_geojson: e.boundary_geojson.clone(),
                duties: duties_of(&e.duties),
                assignments: BTreeSet::new(),
                retired: false,
            }),
            (GridState::Present(mut facts), event) => {
                match event {
                    GridEvent::Defined(_) => {}
                    GridEvent::BoundaryRedrawn(e) => {
                        facts.boundary_geojson = e.boundary_geojson.clone();
                    }
                    GridEvent::DutiesChanged(e) => facts.duties = duties_of(&e.duties),
                    GridEvent::WorkerAssigned(e) => {
                        facts.assignments.insert(Assignment {
                            worker_id: e.worker_id.clone(),
                            duty: duty_of(e.duty),
                        });
                    }
                    GridEvent::WorkerUnassigned(e) => {
                        facts.assignments.remove(&Assignment {
                            worker_id: e.worker_id.clone(),
                            duty: duty_of(e.duty),
                        });
                    }
                    GridEvent::Retired(_) => facts.retired = true,
                }
                GridState::Present(facts)
            }
            (state, _) => state,
        }
    }
}

/// The assignment a worker command names, on a duty the grid carries.
fn checked_assignment(
    facts: &GridFacts,
    worker_id: String,
    duty: Duty,
) -> Result<Assignment, GridError> {
    let worker_id = worker_id.trim();
    if worker_id.is_empty() {
        return Err(GridError::WorkerRequired);
    }
    if duty == Duty::Unspecified {
        return Err(GridError::DutyUnspecified);
    }
    if !facts.duties.contains(&duty) {
        return Err(GridError::DutyNotCarried { duty });
    }
    Ok(Assignment {
        worker_id: worker_id.to_owned(),
        duty,
    })
}

#[cfg(test)]
#[path = "grid_given.rs"]
mod given;
#[cfg(test)]
#[path = "grid_tests.rs"]
mod tests;
#[cfg(test)]
#[path = "grid_worker_tests.rs"]
mod worker_tests;
