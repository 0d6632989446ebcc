//! Whistle summons (吹哨报到): the street or community summons departments
//! and co-construction units to an open case. Each unit must acknowledge and
//! then arrive on site by `summoned_at + respond_within`; a response after
//! that is accepted and recorded as late, and a unit not on site by then can
//! be flagged late once. A unit is summoned to a case at most once, so its
//! id alone names its summons; it stays attached until the case closes.

use super::command::CaseActionKind;
use super::time::stamp;
use super::{CaseError, CaseEvent, CaseFacts, SummonedUnit, non_blank, pb, require_open};
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::BTreeSet;

pub(super) struct Summons {
    pub summon_id: String,
    pub unit_ids: Vec<String>,
    pub summoned_by: String,
    pub summoned_at: DateTime<Utc>,
    pub respond_within: TimeDelta,
}

pub(super) fn summon(
    facts: &CaseFacts,
    kind: CaseActionKind,
    summons: Summons,
) -> Result<CaseEvent, CaseError> {
    require_open(facts, kind)?;
    let summon_id = non_blank(summons.summon_id, CaseError::SummonIdRequired)?;
    if facts.summon_ids.contains(&summon_id) {
        return Err(CaseError::SummonAlreadyExists { summon_id });
    }
    let summoned_by = non_blank(summons.summoned_by, CaseError::SummonerRequired)?;
    if summons.unit_ids.is_empty() {
        return Err(CaseError::UnitsRequired);
    }
    let mut seen = BTreeSet::new();
    let mut unit_ids = Vec::with_capacity(summons.unit_ids.len());
    for unit_id in summons.unit_ids {
        let unit_id = non_blank(unit_id, CaseError::UnitRequired)?;
        if !seen.insert(unit_id.clone()) {
            return Err(CaseError::UnitListedTwice { unit_id });
        }
        if facts.summoned(&unit_id).is_some() {
            return Err(CaseError::UnitAlreadySummoned { unit_id });
        }
        unit_ids.push(unit_id);
    }
    if summons.respond_within <= TimeDelta::zero() {
        return Err(CaseError::InvalidResponseWindow);
    }
    let respond_by = summons.summoned_at + summons.respond_within;
    Ok(CaseEvent::UnitsSummoned(pb::UnitsSummoned {
        case_id: facts.case_id.clone(),
        district: facts.district.clone(),
        summon_id,
        unit_ids,
        summoned_by,
        summoned_at: stamp(summons.summoned_at),
        respond_by: stamp(respond_by),
    }))
}

pub(super) fn acknowledge(
    facts: &CaseFacts,
    kind: CaseActionKind,
    unit_id: String,
    at: DateTime<Utc>,
) -> Result<CaseEvent, CaseError> {
    let unit = summoned_unit(facts, kind, &unit_id)?;
    if at < unit.summoned_at {
        return Err(CaseError::BeforeSummons);
    }
    if unit.acknowledged_at.is_some() {
        return Err(CaseError::AlreadyAcknowledged { unit_id });
    }
    Ok(CaseEvent::SummonsAcknowledged(pb::SummonsAcknowledged {
        case_id: facts.case_id.clone(),
        district: facts.district.clone(),
        summon_id: unit.summon_id.clone(),
        unit_id,
        acknowledged_at: stamp(at),
        late: at > unit.respond_by,
    }))
}

pub(super) fn arrive(
    facts: &CaseFacts,
    kind: CaseActionKind,
    unit_id: String,
    at: DateTime<Utc>,
) -> Result<CaseEvent, CaseError> {
    let unit = summoned_unit(facts, kind, &unit_id)?;
    if at < unit.summoned_at {
        return Err(CaseError::BeforeSummons);
    }
    if unit.arrived_at.is_some() {
        return Err(CaseError::AlreadyArrived { unit_id });
    }
    if unit.acknowledged_at.is_none() {
        return Err(CaseError::NotAcknowledged { unit_id });
    }
    Ok(CaseEvent::UnitArrived(pb::UnitArrived {
        case_id: facts.case_id.clone(),
        district: facts.district.clone(),
        summon_id: unit.summon_id.clone(),
        unit_id,
        arrived_at: stamp(at),
        late: at > unit.respond_by,
    }))
}

pub(super) fn flag_late(
    facts: &CaseFacts,
    kind: CaseActionKind,
    unit_id: String,
    now: DateTime<Utc>,
) -> Result<CaseEvent, CaseError> {
    let unit = summoned_unit(facts, kind, &unit_id)?;
    if unit.arrived_at.is_some() {
        return Err(CaseError::AlreadyArrived { unit_id });
    }
    if unit.flagged_late {
        return Err(CaseError::AlreadyFlaggedLate { unit_id });
    }
    if now <= unit.respond_by {
        return Err(CaseError::SummonsNotDue { unit_id });
    }
    Ok(CaseEvent::SummonsLateFlagged(pb::SummonsLateFlagged {
        case_id: facts.case_id.clone(),
        district: facts.district.clone(),
        summon_id: unit.summon_id.clone(),
        unit_id,
        respond_by: stamp(unit.respond_by),
        flagged_at: stamp(now),
        acknowledged: unit.acknowledged_at.is_some(),
    }))
}

/// A unit summoned to this case, while the case is open.
fn summoned_unit<'a>(
    facts: &'a CaseFacts,
    kind: CaseActionKind,
    unit_id: &str,
) -> Result<&'a SummonedUnit, CaseError> {
    require_open(facts, kind)?;
    facts
        .summoned(unit_id)
        .ok_or_else(|| CaseError::UnitNotSummoned {
            unit_id: unit_id.to_owned(),
        })
}
