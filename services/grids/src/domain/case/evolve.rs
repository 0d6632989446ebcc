//! Folds one case event into the state. Total: an event that does not fit
//! the state (which this decider never writes) leaves the state unchanged.

use super::time::parse;
use super::{
    CaseEvent, CaseFacts, CaseSource, CaseStage, CaseState, CaseStatus, CaseUrgency,
    StageDeadlines, SummonedUnit,
};
use std::collections::BTreeSet;

pub(super) fn evolve(state: CaseState, event: &CaseEvent) -> CaseState {
    match (state, event) {
        (CaseState::Absent, CaseEvent::Reported(e)) => {
            CaseState::Present(Box::new(CaseFacts {
                case_id: e.case_id.clone(),
                district: e.district.clone(),
                grid: e.grid.clone(),
                category: e.category.clone(),
                // A newer writer's value reads as unspecified, not as a failure.
                source: CaseSource::try_from(e.source).unwrap_or(CaseSource::Unspecified),
                urgency: CaseUrgency::try_from(e.urgency).unwrap_or(CaseUrgency::Unspecified),
                status: CaseStatus::Reported,
                deadlines: StageDeadlines {
                    register: parse(&e.register_deadline),
                    ..StageDeadlines::default()
                },
                overdue_stages: BTreeSet::new(),
                dispatched_unit: None,
                return_count: 0,
                rework_count: 0,
                feedback_count: 0,
                verified_feedback: None,
                merged_into: None,
                merged_duplicates: Vec::new(),
                summon_ids: Vec::new(),
                summoned_units: Vec::new(),
                rating: None,
            }))
        }
        (CaseState::Present(mut facts), event) => {
            apply(&mut facts, event);
            CaseState::Present(facts)
        }
        (state, _) => state,
    }
}

fn apply(facts: &mut CaseFacts, event: &CaseEvent) {
    match event {
        CaseEvent::Reported(_) => {}
        CaseEvent::Registered(e) => {
            facts.status = CaseStatus::Registered;
            facts.deadlines.dispatch = parse(&e.dispatch_deadline);
            facts.deadlines.handle = parse(&e.handle_deadline);
            facts.deadlines.close = parse(&e.close_deadline);
        }
        CaseEvent::Rejected(_) => facts.status = CaseStatus::Rejected,
        CaseEvent::Merged(e) => {
            facts.status = CaseStatus::Merged;
            facts.merged_into = Some(e.into_case_id.clone());
        }
        CaseEvent::DuplicateMerged(e) => {
            facts.merged_duplicates.push(e.duplicate_case_id.clone());
        }
        CaseEvent::Dispatched(e) => {
            facts.status = CaseStatus::Dispatched;
            facts.dispatched_unit = Some(e.unit_id.clone());
        }
        CaseEvent::Returned(e) => {
            facts.status = CaseStatus::Registered;
            facts.dispatched_unit = None;
            facts.return_count = e.return_count;
        }
        CaseEvent::FeedbackGiven(e) => {
            facts.status = CaseStatus::FeedbackGiven;
            facts.feedback_count = e.feedback_number;
            facts.deadlines.verify = parse(&e.verify_deadline);
        }
        CaseEvent::Verified(e) => {
            facts.status = CaseStatus::Verified;
            facts.verified_feedback = Some(e.feedback_number);
        }
        CaseEvent::SentToRework(e) => {
            facts.status = CaseStatus::Rework;
            facts.rework_count = e.rework_count;
        }
        CaseEvent::Closed(_) => facts.status = CaseStatus::Closed,
        CaseEvent::Evaluated(e) => {
            facts.status = CaseStatus::Evaluated;
            facts.rating = Some(e.rating);
        }
        CaseEvent::Deferred(_) => {
            facts.status = CaseStatus::Deferred;
            facts.dispatched_unit = None;
        }
        CaseEvent::Resumed(e) => {
            facts.status = CaseStatus::Registered;
            if e.retimed {
                facts.deadlines.dispatch = parse(&e.dispatch_deadline);
                facts.deadlines.handle = parse(&e.handle_deadline);
                facts.deadlines.close = parse(&e.close_deadline);
                for stage in [CaseStage::Dispatch, CaseStage::Handle, CaseStage::Close] {
                    facts.overdue_stages.remove(&stage);
                }
            }
        }
        CaseEvent::OverdueFlagged(e) => {
            if let Ok(stage) = CaseStage::try_from(e.stage) {
                facts.overdue_stages.insert(stage);
            }
        }
        CaseEvent::UnitsSummoned(e) => summoned(facts, e),
        CaseEvent::SummonsAcknowledged(e) => {
            if let Some(unit) = facts.summoned_mut(&e.unit_id) {
                unit.acknowledged_at = parse(&e.acknowledged_at);
                unit.acknowledged_late = e.late;
            }
        }
        CaseEvent::UnitArrived(e) => {
            if let Some(unit) = facts.summoned_mut(&e.unit_id) {
                unit.arrived_at = parse(&e.arrived_at);
                unit.arrived_late = e.late;
            }
        }
        CaseEvent::SummonsLateFlagged(e) => {
            if let Some(unit) = facts.summoned_mut(&e.unit_id) {
                unit.flagged_late = true;
            }
        }
    }
}

fn summoned(facts: &mut CaseFacts, e: &super::pb::UnitsSummoned) {
    // Written by this decider from valid times; a stamp that does not parse
    // was never written here, so the summons is skipped rather than invented.
    let (Some(summoned_at), Some(respond_by)) = (parse(&e.summoned_at), parse(&e.respond_by))
    else {
        return;
    };
    facts.summon_ids.push(e.summon_id.clone());
    for unit_id in &e.unit_ids {
        facts.summoned_units.push(SummonedUnit {
            unit_id: unit_id.clone(),
            summon_id: e.summon_id.clone(),
            summoned_by: e.summoned_by.clone(),
            summoned_at,
            respond_by,
            acknowledged_at: None,
            acknowledged_late: false,
            arrived_at: None,
            arrived_late: false,
            flagged_late: false,
        });
    }
}
