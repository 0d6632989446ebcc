//! The assembly decider: convening freezes the roll, ballots are one per
//! head and matter, closing counts every matter under art. 278.

use super::state::evolve;
use super::{AssemblyCommand, AssemblyError, AssemblyFacts, AssemblyState, MatterSpec, count};
use crate::domain::AssemblyEvent;
use crate::domain::dates::{date, time};
use crate::domain::first_assembly::NOTICE_DAYS;
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::property::v1 as pb;
use std::collections::BTreeSet;

pub struct Assembly;

fn existing<'a>(
    state: &'a AssemblyState,
    district: &DistrictCode,
) -> Result<&'a AssemblyFacts, AssemblyError> {
    let AssemblyState::Present(facts) = state else {
        return Err(AssemblyError::NotFound);
    };
    if facts.district != district.as_str() {
        return Err(AssemblyError::WrongDistrict {
            given: district.to_string(),
            actual: facts.district.clone(),
        });
    }
    if facts.closed {
        return Err(AssemblyError::Closed);
    }
    Ok(facts)
}

fn check_matters(matters: &[MatterSpec]) -> Result<(), AssemblyError> {
    if matters.is_empty() {
        return Err(AssemblyError::NoMatters);
    }
    let mut ids = BTreeSet::new();
    for spec in matters {
        if spec.matter_id.trim().is_empty() {
            return Err(AssemblyError::Required { field: "matter_id" });
        }
        if spec.title.trim().is_empty() {
            return Err(AssemblyError::Required { field: "title" });
        }
        if !ids.insert(spec.matter_id.as_str()) {
            return Err(AssemblyError::DuplicateMatter(spec.matter_id.clone()));
        }
    }
    Ok(())
}

fn part(part: super::tally::Part) -> pb::TallyPart {
    pb::TallyPart {
        area: part.area.to_string(),
        heads: u32::try_from(part.heads).unwrap_or(u32::MAX),
    }
}

/// Counts every matter and closes.
fn close(facts: &AssemblyFacts, at: chrono::DateTime<chrono::Utc>) -> Vec<AssemblyEvent> {
    let mut events = Vec::new();
    for (matter_id, matter) in &facts.matters {
        // Ballots were checked against the roll one by one when cast, so
        // the count cannot fail on them.
        let Ok(outcome) = count(&facts.roll, matter.matter, &matter.ballots()) else {
            continue;
        };
        events.push(AssemblyEvent::MatterDecided(pb::MatterDecided {
            assembly_id: facts.assembly_id.clone(),
            estate_id: facts.estate_id.clone(),
            district: facts.district.clone(),
            matter_id: matter_id.clone(),
            kind: matter.matter.to_proto() as i32,
            threshold: outcome.threshold.to_proto() as i32,
            tally: Some(pb::Tally {
                roll: Some(part(outcome.tally.roll)),
                participating: Some(part(outcome.tally.participating)),
                agree: Some(part(outcome.tally.agree)),
                against: Some(part(outcome.tally.against)),
                abstain: Some(part(outcome.tally.abstain)),
            }),
            passed: outcome.passed,
            reason: outcome.reason.to_proto() as i32,
            proposal: matter.proposal.clone(),
        }));
    }
    events.push(AssemblyEvent::Closed(pb::AssemblyClosed {
        assembly_id: facts.assembly_id.clone(),
        district: facts.district.clone(),
        closed_at: time(at),
    }));
    events
}

fn decide(
    state: &AssemblyState,
    command: AssemblyCommand,
) -> Result<Vec<AssemblyEvent>, AssemblyError> {
    match command {
        AssemblyCommand::Convene {
            assembly_id,
            estate_id,
            district,
            first,
            convened_by,
            notice_given_on,
            held_on,
            matters,
            roll,
        } => {
            if state != &AssemblyState::Absent {
                return Err(AssemblyError::AlreadyExists);
            }
            if convened_by.trim().is_empty() {
                return Err(AssemblyError::Required {
                    field: "convened_by",
                });
            }
            let days = (held_on - notice_given_on).num_days();
            if days < NOTICE_DAYS {
                return Err(AssemblyError::NoticeTooShort { days });
            }
            check_matters(&matters)?;
            if roll.head_count() == 0 {
                return Err(AssemblyError::EmptyRoll);
            }
            Ok(vec![AssemblyEvent::Convened(pb::AssemblyConvened {
                assembly_id,
                estate_id,
                district: district.to_string(),
                first,
                convened_by,
                notice_given_on: date(notice_given_on),
                held_on: date(held_on),
                matters: matters
                    .into_iter()
                    .map(|m| pb::AssemblyMatter {
                        matter_id: m.matter_id,
                        kind: m.matter.to_proto() as i32,
                        title: m.title,
                        proposal: m.proposal,
                    })
                    .collect(),
                roll: roll
                    .heads()
                    .map(|(head, area)| pb::RollHead {
                        head: head.key().to_owned(),
                        area: area.to_string(),
                    })
                    .collect(),
                total_area: roll.total_area().to_string(),
                head_count: u32::try_from(roll.head_count()).unwrap_or(u32::MAX),
            })])
        }
        AssemblyCommand::CastBallot {
            district,
            matter_id,
            head,
            choice,
            channel,
            at,
        } => {
            let facts = existing(state, &district)?;
            if channel == pb::BallotChannel::Unspecified {
                return Err(AssemblyError::Required { field: "channel" });
            }
            let matter = facts
                .matters
                .get(&matter_id)
                .ok_or_else(|| AssemblyError::MatterNotFound(matter_id.clone()))?;
            if facts.roll.area_of(&head).is_none() {
                return Err(AssemblyError::NotOnRoll(head.key().to_owned()));
            }
            if matter.ballots.contains_key(&head) {
                return Err(AssemblyError::SecondBallot {
                    head: head.key().to_owned(),
                    matter_id,
                });
            }
            Ok(vec![AssemblyEvent::BallotCast(pb::BallotCast {
                assembly_id: facts.assembly_id.clone(),
                district: facts.district.clone(),
                matter_id,
                head: head.key().to_owned(),
                choice: choice.to_proto() as i32,
                channel: channel as i32,
                cast_at: time(at),
            })])
        }
        AssemblyCommand::Close { district, at } => Ok(close(existing(state, &district)?, at)),
    }
}

impl Decider for Assembly {
    type State = AssemblyState;
    type Command = AssemblyCommand;
    type Event = AssemblyEvent;
    type Error = AssemblyError;

    fn decide(
        state: &AssemblyState,
        command: AssemblyCommand,
    ) -> Result<Vec<AssemblyEvent>, AssemblyError> {
        decide(state, command)
    }

    fn evolve(state: AssemblyState, event: &AssemblyEvent) -> AssemblyState {
        evolve(state, event)
    }
}
