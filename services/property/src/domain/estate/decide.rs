//! The estate decider.

use super::state::{basis_of, evolve};
use super::{EstateCommand, EstateError, EstateFacts, EstateState, NewUnit};
use crate::domain::EstateEvent;
use crate::domain::dates::{area, date, time};
use crate::domain::first_assembly::{Eligibility, check_preparatory_group, eligibility};
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::property::v1 as pb;

pub const DEVELOPER_HEAD: &str = "developer";

pub struct Estate;

fn existing<'a>(
    state: &'a EstateState,
    district: &DistrictCode,
) -> Result<&'a EstateFacts, EstateError> {
    let EstateState::Present(facts) = state else {
        return Err(EstateError::NotFound);
    };
    if facts.district != district.as_str() {
        return Err(EstateError::WrongDistrict {
            given: district.to_string(),
            actual: facts.district.clone(),
        });
    }
    Ok(facts)
}

fn required(field: &'static str, value: &str) -> Result<(), EstateError> {
    if value.trim().is_empty() {
        return Err(EstateError::Required { field });
    }
    Ok(())
}

fn owner_id(value: &str) -> Result<(), EstateError> {
    required("owner_id", value)?;
    if value == DEVELOPER_HEAD {
        return Err(EstateError::ReservedOwnerId);
    }
    Ok(())
}

fn add_unit(facts: &EstateFacts, unit: NewUnit) -> Result<EstateEvent, EstateError> {
    required("unit_id", &unit.unit_id)?;
    required("number", &unit.number)?;
    if !facts.buildings.contains(&unit.building_id) {
        return Err(EstateError::BuildingNotFound(unit.building_id));
    }
    if facts.units.contains_key(&unit.unit_id) {
        return Err(EstateError::UnitExists(unit.unit_id));
    }
    match unit.areas.effective() {
        Some((a, _)) if !a.is_zero() => {}
        _ => return Err(EstateError::NoArea(unit.unit_id)),
    }
    Ok(EstateEvent::UnitAdded(pb::UnitAdded {
        estate_id: facts.estate_id.clone(),
        district: facts.district.clone(),
        unit_id: unit.unit_id,
        building_id: unit.building_id,
        number: unit.number,
        register_area: area(unit.areas.register),
        surveyed_area: area(unit.areas.surveyed),
        contract_area: area(unit.areas.contract),
    }))
}

fn decide(state: &EstateState, command: EstateCommand) -> Result<EstateEvent, EstateError> {
    if let EstateCommand::Register {
        estate_id,
        district,
        community,
        name,
        developer_id,
        at,
    } = command
    {
        if state != &EstateState::Absent {
            return Err(EstateError::AlreadyExists);
        }
        required("name", &name)?;
        required("developer_id", &developer_id)?;
        if !community.starts_with(district.as_str()) {
            return Err(EstateError::CommunityOutsideDistrict {
                community,
                district: district.to_string(),
            });
        }
        return Ok(EstateEvent::Registered(pb::EstateRegistered {
            estate_id,
            district: district.to_string(),
            community,
            name,
            developer_id,
            registered_at: time(at),
        }));
    }
    let ids = |facts: &EstateFacts| (facts.estate_id.clone(), facts.district.clone());
    match command {
        EstateCommand::Register { .. } => Err(EstateError::AlreadyExists),
        EstateCommand::AddBuilding {
            district,
            building_id,
            name,
        } => {
            let facts = existing(state, &district)?;
            required("building_id", &building_id)?;
            required("name", &name)?;
            if facts.buildings.contains(&building_id) {
                return Err(EstateError::BuildingExists(building_id));
            }
            let (estate_id, district) = ids(facts);
            Ok(EstateEvent::BuildingAdded(pb::BuildingAdded {
                estate_id,
                district,
                building_id,
                name,
            }))
        }
        EstateCommand::AddUnit { district, unit } => add_unit(existing(state, &district)?, unit),
        EstateCommand::RecordArea {
            district,
            unit_id,
            basis,
            area: value,
        } => {
            let facts = existing(state, &district)?;
            if !facts.units.contains_key(&unit_id) {
                return Err(EstateError::UnitNotFound(unit_id));
            }
            if value.is_zero() {
                return Err(EstateError::NoArea(unit_id));
            }
            let (estate_id, district) = ids(facts);
            Ok(EstateEvent::AreaRecorded(pb::UnitAreaRecorded {
                estate_id,
                district,
                unit_id,
                basis: basis_of(basis) as i32,
                area: value.to_string(),
            }))
        }
        EstateCommand::Deliver {
            district,
            unit_id,
            owner_id: owner,
            resident_id,
            on,
        } => {
            let facts = existing(state, &district)?;
            owner_id(&owner)?;
            let unit = facts
                .units
                .get(&unit_id)
                .ok_or_else(|| EstateError::UnitNotFound(unit_id.clone()))?;
            if unit.owner.is_some() {
                return Err(EstateError::AlreadyDelivered(unit_id));
            }
            let (estate_id, district) = ids(facts);
            Ok(EstateEvent::Delivered(pb::UnitDelivered {
                estate_id,
                district,
                unit_id,
                owner_id: owner,
                resident_id: resident_id.unwrap_or_default(),
                delivered_on: date(on),
            }))
        }
        EstateCommand::Transfer {
            district,
            unit_id,
            to_owner_id,
            to_resident_id,
            on,
        } => {
            let facts = existing(state, &district)?;
            owner_id(&to_owner_id)?;
            let unit = facts
                .units
                .get(&unit_id)
                .ok_or_else(|| EstateError::UnitNotFound(unit_id.clone()))?;
            let Some(from) = unit.owner.clone() else {
                return Err(EstateError::NotDelivered(unit_id));
            };
            if from == to_owner_id {
                return Err(EstateError::SameOwner {
                    unit: unit_id,
                    owner: from,
                });
            }
            let (estate_id, district) = ids(facts);
            Ok(EstateEvent::Transferred(pb::OwnershipTransferred {
                estate_id,
                district,
                unit_id,
                from_owner_id: from,
                to_owner_id,
                to_resident_id: to_resident_id.unwrap_or_default(),
                transferred_on: date(on),
            }))
        }
        EstateCommand::FormPreparatoryGroup {
            district,
            led_by,
            led_by_street_office,
            members,
            today,
        } => {
            let facts = existing(state, &district)?;
            if facts.preparatory_group_formed {
                return Err(EstateError::PreparatoryGroupExists);
            }
            required("led_by", &led_by)?;
            check_preparatory_group(members.len(), led_by_street_office)?;
            let why = eligibility(
                facts.total_area(),
                facts.delivered_area(),
                facts.first_delivery,
                today,
            );
            let eligibility = match why {
                Eligibility::HalfDelivered => "HALF_DELIVERED",
                Eligibility::TwoYearsWithAFifth => "TWO_YEARS_WITH_A_FIFTH",
                Eligibility::NotYet { .. } => return Err(EstateError::NotEligible),
            };
            let (estate_id, district) = ids(facts);
            Ok(EstateEvent::PreparatoryGroupFormed(
                pb::PreparatoryGroupFormed {
                    estate_id,
                    district,
                    led_by,
                    members: members
                        .into_iter()
                        .map(|(member_id, role)| pb::PreparatoryGroupMember { member_id, role })
                        .collect(),
                    eligibility: eligibility.to_owned(),
                    formed_on: date(today),
                },
            ))
        }
    }
}

impl Decider for Estate {
    type State = EstateState;
    type Command = EstateCommand;
    type Event = EstateEvent;
    type Error = EstateError;

    fn decide(
        state: &EstateState,
        command: EstateCommand,
    ) -> Result<Vec<EstateEvent>, EstateError> {
        decide(state, command).map(|event| vec![event])
    }

    fn evolve(state: EstateState, event: &EstateEvent) -> EstateState {
        evolve(state, event)
    }
}
