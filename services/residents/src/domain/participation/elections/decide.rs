//! The election's decide and evolve, one arm per command and event.

use super::groups::check_groups;
use super::{
    AgeGroup, ElectionCommand, ElectionError, ElectionEvent, ElectionFacts, ElectionState,
    check_ballot, count_group, existing, timestamp,
};
use gongzhi_proto::gongzhi::residents::v1 as pb;

pub(super) fn decide(
    state: &ElectionState,
    command: ElectionCommand,
) -> Result<ElectionEvent, ElectionError> {
    Ok(match command {
        ElectionCommand::Open {
            election_id,
            district,
            community,
            title,
            groups,
            eligible_voters,
            opened_at,
        } => {
            if *state != ElectionState::Absent {
                return Err(ElectionError::AlreadyExists);
            }
            if !community.starts_with(district.as_str()) {
                return Err(ElectionError::CommunityOutsideDistrict {
                    community,
                    district: district.to_string(),
                });
            }
            check_groups(&groups)?;
            if eligible_voters == 0 {
                return Err(ElectionError::NoEligibleVoters);
            }
            ElectionEvent::Opened(pb::ElectionOpened {
                election_id,
                district: district.to_string(),
                community,
                groups: groups.iter().map(AgeGroup::to_proto).collect(),
                eligible_voters,
                opened_at: timestamp(opened_at),
                title,
            })
        }
        ElectionCommand::Nominate {
            district,
            candidate_id,
            group_id,
        } => {
            let facts = existing(state, &district)?;
            if !facts.ballots.is_empty() {
                return Err(ElectionError::NominationsClosed);
            }
            if !facts.groups.iter().any(|g| g.group_id == group_id) {
                return Err(ElectionError::GroupNotFound { group_id });
            }
            if facts.candidates.contains_key(&candidate_id) {
                return Err(ElectionError::AlreadyNominated { candidate_id });
            }
            ElectionEvent::CandidateNominated(pb::ElectionCandidateNominated {
                election_id: facts.election_id.clone(),
                district: district.to_string(),
                candidate_id,
                group_id,
            })
        }
        ElectionCommand::CastBallot {
            district,
            voter_id,
            candidate_ids,
        } => {
            let facts = existing(state, &district)?;
            if facts.ballots.contains_key(&voter_id) {
                return Err(ElectionError::VotedTwice { voter_id });
            }
            let cast = u32::try_from(facts.ballots.len()).unwrap_or(u32::MAX);
            if cast >= facts.eligible_voters {
                return Err(ElectionError::MoreBallotsThanVoters {
                    eligible: facts.eligible_voters,
                });
            }
            check_ballot(facts, &candidate_ids)?;
            ElectionEvent::BallotCast(pb::ElectionBallotCast {
                election_id: facts.election_id.clone(),
                district: district.to_string(),
                voter_id,
                candidate_ids,
            })
        }
        ElectionCommand::Close {
            district,
            closed_at,
        } => {
            let facts = existing(state, &district)?;
            ElectionEvent::Counted(pb::ElectionCounted {
                election_id: facts.election_id.clone(),
                district: district.to_string(),
                ballots_cast: u32::try_from(facts.ballots.len()).unwrap_or(u32::MAX),
                eligible_voters: facts.eligible_voters,
                results: results(facts),
                closed_at: timestamp(closed_at),
            })
        }
    })
}

fn results(facts: &ElectionFacts) -> Vec<pb::ElectionGroupResult> {
    facts
        .groups
        .iter()
        .map(|group| {
            let tallies = facts
                .candidates
                .iter()
                .filter(|(_, group_id)| **group_id == group.group_id)
                .map(|(candidate_id, _)| {
                    let votes = facts
                        .ballots
                        .values()
                        .filter(|ballot| ballot.contains(candidate_id))
                        .count();
                    // Votes never exceed the ballots, at most the u32 eligible.
                    (
                        candidate_id.clone(),
                        u32::try_from(votes).unwrap_or(u32::MAX),
                    )
                })
                .collect();
            count_group(group.seats, tallies).to_proto(&group.group_id, group.seats)
        })
        .collect()
}

pub(super) fn evolve(state: ElectionState, event: &ElectionEvent) -> ElectionState {
    match (state, event) {
        (ElectionState::Absent, ElectionEvent::Opened(e)) => {
            ElectionState::Present(ElectionFacts {
                election_id: e.election_id.clone(),
                district: e.district.clone(),
                community: e.community.clone(),
                opened_at: chrono::DateTime::parse_from_rfc3339(&e.opened_at)
                    .ok()
                    .map(|at| at.with_timezone(&chrono::Utc)),
                groups: e.groups.iter().map(AgeGroup::from_proto).collect(),
                eligible_voters: e.eligible_voters,
                candidates: Default::default(),
                ballots: Default::default(),
                closed: false,
            })
        }
        (ElectionState::Present(mut facts), ElectionEvent::CandidateNominated(e)) => {
            facts
                .candidates
                .insert(e.candidate_id.clone(), e.group_id.clone());
            ElectionState::Present(facts)
        }
        (ElectionState::Present(mut facts), ElectionEvent::BallotCast(e)) => {
            facts
                .ballots
                .insert(e.voter_id.clone(), e.candidate_ids.clone());
            ElectionState::Present(facts)
        }
        (ElectionState::Present(mut facts), ElectionEvent::Counted(_)) => {
            facts.closed = true;
            ElectionState::Present(facts)
        }
        (state, _) => state,
    }
}
