//! What an estate's history says, folded from its events.

use crate::domain::EstateEvent;
use crate::domain::area::{Area, AreaBasis, UnitAreas};
use crate::domain::assembly::{Roll, RollError, RollUnit};
use crate::domain::dates::{parse_area, parse_date};
use chrono::NaiveDate;
use gongzhi_proto::gongzhi::property::v1 as pb;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitFacts {
    pub building_id: String,
    pub areas: UnitAreas,
    /// `None` while the developer holds it.
    pub owner: Option<String>,
    pub resident: Option<String>,
}

impl UnitFacts {
    pub fn area(&self) -> Area {
        self.areas.effective().map(|(a, _)| a).unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstateFacts {
    pub estate_id: String,
    pub district: String,
    pub community: String,
    pub buildings: BTreeSet<String>,
    pub units: BTreeMap<String, UnitFacts>,
    pub first_delivery: Option<NaiveDate>,
    pub preparatory_group_formed: bool,
}

impl EstateFacts {
    pub fn total_area(&self) -> Area {
        self.units.values().map(UnitFacts::area).sum()
    }

    pub fn delivered_area(&self) -> Area {
        self.units
            .values()
            .filter(|u| u.owner.is_some())
            .map(UnitFacts::area)
            .sum()
    }

    /// The assembly roll as of now.
    pub fn roll(&self) -> Result<Roll, RollError> {
        let units: Vec<RollUnit> = self
            .units
            .iter()
            .map(|(id, unit)| RollUnit {
                unit_id: id.clone(),
                area: unit.area(),
                owner: unit.owner.clone(),
            })
            .collect();
        Roll::from_units(&units)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum EstateState {
    #[default]
    Absent,
    Present(EstateFacts),
}

fn resident(raw: &str) -> Option<String> {
    (!raw.is_empty()).then(|| raw.to_owned())
}

pub(super) fn evolve(state: EstateState, event: &EstateEvent) -> EstateState {
    let facts = match (state, event) {
        (EstateState::Absent, EstateEvent::Registered(e)) => {
            return EstateState::Present(EstateFacts {
                estate_id: e.estate_id.clone(),
                district: e.district.clone(),
                community: e.community.clone(),
                buildings: BTreeSet::new(),
                units: BTreeMap::new(),
                first_delivery: None,
                preparatory_group_formed: false,
            });
        }
        (EstateState::Present(facts), _) => facts,
        // Nothing but registration starts an estate.
        (absent, _) => return absent,
    };
    EstateState::Present(apply(facts, event))
}

fn apply(mut facts: EstateFacts, event: &EstateEvent) -> EstateFacts {
    match event {
        EstateEvent::Registered(_) => {}
        EstateEvent::BuildingAdded(e) => {
            facts.buildings.insert(e.building_id.clone());
        }
        EstateEvent::UnitAdded(e) => {
            facts.units.insert(
                e.unit_id.clone(),
                UnitFacts {
                    building_id: e.building_id.clone(),
                    areas: UnitAreas {
                        register: parse_area(&e.register_area),
                        surveyed: parse_area(&e.surveyed_area),
                        contract: parse_area(&e.contract_area),
                    },
                    owner: None,
                    resident: None,
                },
            );
        }
        EstateEvent::AreaRecorded(e) => {
            if let Some(unit) = facts.units.get_mut(&e.unit_id) {
                let area = parse_area(&e.area);
                match pb::AreaBasis::try_from(e.basis) {
                    Ok(pb::AreaBasis::Register) => unit.areas.register = area,
                    Ok(pb::AreaBasis::Surveyed) => unit.areas.surveyed = area,
                    Ok(pb::AreaBasis::Contract) => unit.areas.contract = area,
                    _ => {}
                }
            }
        }
        EstateEvent::Delivered(e) => {
            if let Some(unit) = facts.units.get_mut(&e.unit_id) {
                unit.owner = Some(e.owner_id.clone());
                unit.resident = resident(&e.resident_id);
            }
            let on = parse_date(&e.delivered_on);
            facts.first_delivery = match (facts.first_delivery, on) {
                (Some(first), Some(on)) => Some(first.min(on)),
                (first, on) => first.or(on),
            };
        }
        EstateEvent::Transferred(e) => {
            if let Some(unit) = facts.units.get_mut(&e.unit_id) {
                unit.owner = Some(e.to_owner_id.clone());
                unit.resident = resident(&e.to_resident_id);
            }
        }
        EstateEvent::PreparatoryGroupFormed(_) => facts.preparatory_group_formed = true,
    }
    facts
}

pub(super) fn basis_of(basis: AreaBasis) -> pb::AreaBasis {
    match basis {
        AreaBasis::Register => pb::AreaBasis::Register,
        AreaBasis::Surveyed => pb::AreaBasis::Surveyed,
        AreaBasis::Contract => pb::AreaBasis::Contract,
    }
}
