//! What the decider remembers of an item, folded from its events.

use super::{ProposalEvent, ProposalKind, ProposalOwnerKind, time};
use chrono::{DateTime, Utc};
use gongzhi_proto::gongzhi::residents::v1 as pb;
use std::collections::BTreeSet;

/// Who owns an item: a unit, worker or committee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub kind: ProposalOwnerKind,
    pub id: String,
}

impl Owner {
    pub(super) fn to_pb(&self) -> pb::ProposalOwner {
        pb::ProposalOwner {
            kind: self.kind.into(),
            id: self.id.clone(),
        }
    }

    fn from_pb(owner: Option<&pb::ProposalOwner>) -> Option<Self> {
        owner.map(|o| Self {
            // A newer writer's kind reads as unspecified, not as a failure.
            kind: ProposalOwnerKind::try_from(o.kind).unwrap_or(ProposalOwnerKind::Unspecified),
            id: o.id.clone(),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProposalFacts {
    pub proposal_id: String,
    pub district: String,
    pub kind: ProposalKind,
    pub raised_at: Option<DateTime<Utc>>,
    pub owner: Option<Owner>,
    pub deadline: Option<DateTime<Utc>>,
    /// Distinct supporting residents; the support count is its length.
    pub supporters: BTreeSet<String>,
    pub answered: bool,
    pub flagged_overdue: bool,
    pub closed: bool,
}

impl ProposalFacts {
    pub fn support_count(&self) -> usize {
        self.supporters.len()
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub enum ProposalState {
    #[default]
    Absent,
    Present(ProposalFacts),
}

pub(super) fn evolve(state: ProposalState, event: &ProposalEvent) -> ProposalState {
    let facts = match (state, event) {
        (ProposalState::Absent, ProposalEvent::Raised(e)) => {
            return ProposalState::Present(ProposalFacts {
                proposal_id: e.proposal_id.clone(),
                district: e.district.clone(),
                kind: ProposalKind::try_from(e.kind).unwrap_or(ProposalKind::Unspecified),
                raised_at: time::parse(&e.raised_at),
                owner: None,
                deadline: None,
                supporters: BTreeSet::new(),
                answered: false,
                flagged_overdue: false,
                closed: false,
            });
        }
        (ProposalState::Present(facts), _) => facts,
        (state, _) => return state,
    };
    let mut facts = facts;
    match event {
        ProposalEvent::Raised(_) => {}
        ProposalEvent::Assigned(e) => {
            facts.owner = Owner::from_pb(e.owner.as_ref());
            facts.deadline = time::parse(&e.deadline);
        }
        ProposalEvent::Supported(e) => {
            facts.supporters.insert(e.resident_id.clone());
        }
        ProposalEvent::Answered(_) => facts.answered = true,
        ProposalEvent::Closed(_) => facts.closed = true,
        ProposalEvent::FlaggedOverdue(_) => facts.flagged_overdue = true,
    }
    ProposalState::Present(facts)
}
