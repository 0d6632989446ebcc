//! Representative elections by age group, as a pure decider in stream
//! `election-<uuid>`, so that every age group has its own seats.
//!
//! Contract: an election opens with configurable age groups (non-overlapping
//! ranges, each with at least one seat) and the count of eligible voters;
//! candidates are nominated once each into one group, until the first ballot;
//! each voter casts one ballot naming only nominated candidates, each at most
//! once, and no more candidates of a group than its seats; ballots never
//! exceed the eligible voters. Closing counts: per group the top seats by
//! votes win; candidates tied at the cut-off are reported for a run-off, never
//! drawn by lot; seats without candidates are reported vacant. Every command
//! acts in the election's own district. Counting is in integers.

mod codec;
mod count;
mod decide;
mod error;
mod groups;

pub use codec::ElectionEvent;
pub use count::{GroupResult, count_group};
pub use error::ElectionError;
pub use groups::AgeGroup;

use chrono::{DateTime, SecondsFormat, Utc};
use gongzhi_kernel::{Decider, DistrictCode};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ElectionCommand {
    Open {
        election_id: String,
        district: DistrictCode,
        /// 12-digit community code, already checked against the code table.
        community: String,
        /// What the election is for.
        title: String,
        groups: Vec<AgeGroup>,
        eligible_voters: u32,
        opened_at: DateTime<Utc>,
    },
    Nominate {
        district: DistrictCode,
        candidate_id: String,
        /// The group the application placed the candidate in by age.
        group_id: String,
    },
    CastBallot {
        district: DistrictCode,
        voter_id: String,
        candidate_ids: Vec<String>,
    },
    Close {
        district: DistrictCode,
        closed_at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectionFacts {
    pub election_id: String,
    pub district: String,
    pub community: String,
    /// The day ages are counted on; `None` only for an event this decider
    /// did not write.
    pub opened_at: Option<DateTime<Utc>>,
    pub groups: Vec<AgeGroup>,
    pub eligible_voters: u32,
    /// Candidate id to group id.
    pub candidates: BTreeMap<String, String>,
    /// Voter id to the candidates named on the ballot.
    pub ballots: BTreeMap<String, Vec<String>>,
    pub closed: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ElectionState {
    #[default]
    Absent,
    Present(ElectionFacts),
}

pub struct Election;

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn existing<'a>(
    state: &'a ElectionState,
    district: &DistrictCode,
) -> Result<&'a ElectionFacts, ElectionError> {
    let ElectionState::Present(facts) = state else {
        return Err(ElectionError::NotFound);
    };
    if facts.district != district.as_str() {
        return Err(ElectionError::WrongDistrict {
            given: district.to_string(),
            actual: facts.district.clone(),
        });
    }
    if facts.closed {
        return Err(ElectionError::Closed);
    }
    Ok(facts)
}

/// Refuses a ballot naming unknown or repeated candidates, or more of a group
/// than its seats.
fn check_ballot(facts: &ElectionFacts, candidate_ids: &[String]) -> Result<(), ElectionError> {
    let mut named = BTreeSet::new();
    let mut per_group: BTreeMap<&str, u32> = BTreeMap::new();
    for candidate_id in candidate_ids {
        let Some(group_id) = facts.candidates.get(candidate_id) else {
            return Err(ElectionError::NotNominated {
                candidate_id: candidate_id.clone(),
            });
        };
        if !named.insert(candidate_id) {
            return Err(ElectionError::CandidateRepeated {
                candidate_id: candidate_id.clone(),
            });
        }
        *per_group.entry(group_id).or_default() += 1;
    }
    for group in &facts.groups {
        let chosen = per_group.get(group.group_id.as_str()).copied().unwrap_or(0);
        if chosen > group.seats {
            return Err(ElectionError::TooManyChoices {
                group_id: group.group_id.clone(),
                chosen,
                seats: group.seats,
            });
        }
    }
    Ok(())
}

impl Decider for Election {
    type State = ElectionState;
    type Command = ElectionCommand;
    type Event = ElectionEvent;
    type Error = ElectionError;

    fn decide(
        state: &ElectionState,
        command: ElectionCommand,
    ) -> Result<Vec<ElectionEvent>, ElectionError> {
        decide::decide(state, command).map(|event| vec![event])
    }

    fn evolve(state: ElectionState, event: &ElectionEvent) -> ElectionState {
        decide::evolve(state, event)
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
