//! What an assembly's history says.

use super::{Ballot, Choice, Head, Matter, Roll};
use crate::domain::AssemblyEvent;
use crate::domain::dates::parse_area;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatterFacts {
    pub matter: Matter,
    pub proposal: String,
    pub ballots: BTreeMap<Head, Choice>,
    /// `Some(passed)` once the assembly closed.
    pub passed: Option<bool>,
}

impl MatterFacts {
    pub fn ballots(&self) -> Vec<Ballot> {
        self.ballots
            .iter()
            .map(|(head, choice)| Ballot {
                head: head.clone(),
                choice: *choice,
            })
            .collect()
    }
}

/// A decided matter, as other aggregates rely on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub assembly_id: String,
    pub matter_id: String,
    pub estate_id: String,
    pub matter: Matter,
    pub passed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssemblyFacts {
    pub assembly_id: String,
    pub estate_id: String,
    pub district: String,
    pub roll: Roll,
    pub matters: BTreeMap<String, MatterFacts>,
    pub closed: bool,
}

impl AssemblyFacts {
    /// The outcome of `matter_id`, once the assembly has closed.
    pub fn decision(&self, matter_id: &str) -> Option<Decision> {
        let matter = self.matters.get(matter_id)?;
        Some(Decision {
            assembly_id: self.assembly_id.clone(),
            matter_id: matter_id.to_owned(),
            estate_id: self.estate_id.clone(),
            matter: matter.matter,
            passed: matter.passed?,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AssemblyState {
    #[default]
    Absent,
    Present(AssemblyFacts),
}

pub(super) fn evolve(state: AssemblyState, event: &AssemblyEvent) -> AssemblyState {
    match (state, event) {
        (AssemblyState::Absent, AssemblyEvent::Convened(e)) => {
            let roll = Roll::from_heads(e.roll.iter().map(|h| {
                (
                    Head::from_key(&h.head),
                    parse_area(&h.area).unwrap_or_default(),
                )
            }));
            let matters = e
                .matters
                .iter()
                .filter_map(|m| {
                    Some((
                        m.matter_id.clone(),
                        MatterFacts {
                            matter: Matter::from_proto(m.kind)?,
                            proposal: m.proposal.clone(),
                            ballots: BTreeMap::new(),
                            passed: None,
                        },
                    ))
                })
                .collect();
            AssemblyState::Present(AssemblyFacts {
                assembly_id: e.assembly_id.clone(),
                estate_id: e.estate_id.clone(),
                district: e.district.clone(),
                roll,
                matters,
                closed: false,
            })
        }
        (AssemblyState::Present(mut facts), event) => {
            match event {
                AssemblyEvent::Convened(_) => {}
                AssemblyEvent::BallotCast(e) => {
                    if let (Some(matter), Some(choice)) = (
                        facts.matters.get_mut(&e.matter_id),
                        Choice::from_proto(e.choice),
                    ) {
                        matter.ballots.insert(Head::from_key(&e.head), choice);
                    }
                }
                AssemblyEvent::MatterDecided(e) => {
                    if let Some(matter) = facts.matters.get_mut(&e.matter_id) {
                        matter.passed = Some(e.passed);
                    }
                }
                AssemblyEvent::Closed(_) => facts.closed = true,
            }
            AssemblyState::Present(facts)
        }
        (absent, _) => absent,
    }
}
