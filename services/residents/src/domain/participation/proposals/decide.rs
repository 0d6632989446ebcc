//! The proposal decider: checks a command against the item's facts and
//! answers the events that record it.

use super::state::evolve;
use super::{
    Owner, ProposalCommand, ProposalError, ProposalEvent, ProposalFacts, ProposalKind,
    ProposalOwnerKind, ProposalRaise, ProposalState, time,
};
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::residents::v1 as pb;

const TITLE_MAX_CHARS: usize = 100;
const TEXT_MAX_CHARS: usize = 2000;

pub struct Proposal;

/// The open item a command acts on, in the caller's district.
fn existing<'a>(
    state: &'a ProposalState,
    district: &DistrictCode,
) -> Result<&'a ProposalFacts, ProposalError> {
    let ProposalState::Present(facts) = state else {
        return Err(ProposalError::NotFound);
    };
    if facts.district != district.as_str() {
        return Err(ProposalError::WrongDistrict {
            given: district.to_string(),
            actual: facts.district.clone(),
        });
    }
    if facts.closed {
        return Err(ProposalError::Closed);
    }
    Ok(facts)
}

fn text(field: &'static str, value: &str, max: usize) -> Result<(), ProposalError> {
    if value.trim().is_empty() {
        return Err(ProposalError::Required { field });
    }
    let chars = value.chars().count();
    if chars > max {
        return Err(ProposalError::TooLong { field, chars, max });
    }
    Ok(())
}

fn owner(owner: &Owner) -> Result<(), ProposalError> {
    if owner.kind == ProposalOwnerKind::Unspecified {
        return Err(ProposalError::Required {
            field: "owner kind",
        });
    }
    if owner.id.trim().is_empty() {
        return Err(ProposalError::Required { field: "owner id" });
    }
    Ok(())
}

fn raise(district: &DistrictCode, raise: ProposalRaise) -> Result<ProposalEvent, ProposalError> {
    if raise.kind == ProposalKind::Unspecified {
        return Err(ProposalError::Required { field: "kind" });
    }
    if raise.raised_by.trim().is_empty() {
        return Err(ProposalError::Required { field: "raised_by" });
    }
    text("title", &raise.title, TITLE_MAX_CHARS)?;
    text("body", &raise.body, TEXT_MAX_CHARS)?;
    if !raise.community.starts_with(district.as_str()) {
        return Err(ProposalError::CommunityOutsideDistrict {
            community: raise.community,
            district: district.to_string(),
        });
    }
    let street_problem = match raise.street_problem {
        None => None,
        Some(_) if raise.kind != ProposalKind::Complaint => {
            return Err(ProposalError::StreetProblemOnlyForComplaints);
        }
        Some(problem) => {
            if !problem.grid.starts_with(district.as_str()) {
                return Err(ProposalError::GridOutsideDistrict {
                    grid: problem.grid,
                    district: district.to_string(),
                });
            }
            text("category", &problem.category, TITLE_MAX_CHARS)?;
            Some(pb::ProposalStreetProblem {
                grid: problem.grid,
                category: problem.category,
                location: Some(pb::ProposalLocation {
                    address: problem.address,
                    latitude: problem.latitude,
                    longitude: problem.longitude,
                }),
            })
        }
    };
    Ok(ProposalEvent::Raised(pb::ProposalRaised {
        proposal_id: raise.proposal_id,
        district: district.to_string(),
        community: raise.community,
        kind: raise.kind.into(),
        title: raise.title,
        body: raise.body,
        raised_by: raise.raised_by,
        raised_at: time::stamp(raise.raised_at),
        becomes_grid_case: street_problem.is_some(),
        street_problem,
    }))
}

impl Decider for Proposal {
    type State = ProposalState;
    type Command = ProposalCommand;
    type Event = ProposalEvent;
    type Error = ProposalError;

    fn decide(
        state: &ProposalState,
        command: ProposalCommand,
    ) -> Result<Vec<ProposalEvent>, ProposalError> {
        let event = match command {
            ProposalCommand::Raise { district, raise: r } => {
                if *state != ProposalState::Absent {
                    return Err(ProposalError::AlreadyExists);
                }
                raise(&district, r)?
            }
            ProposalCommand::Assign {
                district,
                owner: new_owner,
                deadline,
                assigned_at,
            } => {
                let facts = existing(state, &district)?;
                if facts.owner.is_some() {
                    return Err(ProposalError::AlreadyAssigned);
                }
                owner(&new_owner)?;
                if facts.raised_at.is_some_and(|raised| deadline <= raised) {
                    return Err(ProposalError::DeadlineNotAfterRaised);
                }
                ProposalEvent::Assigned(pb::ProposalAssigned {
                    proposal_id: facts.proposal_id.clone(),
                    district: district.to_string(),
                    owner: Some(new_owner.to_pb()),
                    deadline: time::stamp(deadline),
                    assigned_at: time::stamp(assigned_at),
                })
            }
            ProposalCommand::Support {
                district,
                resident_id,
                supported_at,
            } => {
                let facts = existing(state, &district)?;
                if resident_id.trim().is_empty() {
                    return Err(ProposalError::Required {
                        field: "resident_id",
                    });
                }
                if facts.supporters.contains(&resident_id) {
                    return Err(ProposalError::AlreadySupported { resident_id });
                }
                let support_count = u32::try_from(facts.support_count() + 1).unwrap_or(u32::MAX);
                ProposalEvent::Supported(pb::ProposalSupported {
                    proposal_id: facts.proposal_id.clone(),
                    district: district.to_string(),
                    resident_id,
                    supported_at: time::stamp(supported_at),
                    support_count,
                })
            }
            ProposalCommand::Answer {
                district,
                answered_by,
                admin,
                answer,
                answered_at,
            } => {
                let facts = existing(state, &district)?;
                let Some(current_owner) = &facts.owner else {
                    return Err(ProposalError::NotAssigned);
                };
                if facts.answered {
                    return Err(ProposalError::AlreadyAnswered);
                }
                if !admin && answered_by != *current_owner {
                    return Err(ProposalError::NotOwner);
                }
                text("answer", &answer, TEXT_MAX_CHARS)?;
                ProposalEvent::Answered(pb::ProposalAnswered {
                    proposal_id: facts.proposal_id.clone(),
                    district: district.to_string(),
                    answered_by: Some(answered_by.to_pb()),
                    by_admin: admin,
                    answer,
                    answered_at: time::stamp(answered_at),
                })
            }
            ProposalCommand::Close {
                district,
                closed_at,
            } => {
                let facts = existing(state, &district)?;
                if !facts.answered {
                    return Err(ProposalError::NotAnswered);
                }
                ProposalEvent::Closed(pb::ProposalClosed {
                    proposal_id: facts.proposal_id.clone(),
                    district: district.to_string(),
                    closed_at: time::stamp(closed_at),
                })
            }
            ProposalCommand::FlagOverdue { district, now } => {
                let facts = existing(state, &district)?;
                let (Some(current_owner), Some(deadline)) = (&facts.owner, facts.deadline) else {
                    return Err(ProposalError::NotAssigned);
                };
                if facts.answered {
                    return Err(ProposalError::AlreadyAnswered);
                }
                if facts.flagged_overdue {
                    return Err(ProposalError::AlreadyFlagged);
                }
                if now <= deadline {
                    return Err(ProposalError::NotOverdue);
                }
                ProposalEvent::FlaggedOverdue(pb::ProposalFlaggedOverdue {
                    proposal_id: facts.proposal_id.clone(),
                    district: district.to_string(),
                    owner: Some(current_owner.to_pb()),
                    deadline: time::stamp(deadline),
                    flagged_at: time::stamp(now),
                })
            }
        };
        Ok(vec![event])
    }

    fn evolve(state: ProposalState, event: &ProposalEvent) -> ProposalState {
        evolve(state, event)
    }
}
