//! What the decider remembers of a wish, folded from its events.

use super::{Claimant, WishClaimantKind, WishEvent, time};
use chrono::{DateTime, Utc};
use gongzhi_proto::gongzhi::residents::v1 as pb;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WishStatus {
    Open,
    Claimed,
    Fulfilled,
    Confirmed,
    Withdrawn,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WishFacts {
    pub wish_id: String,
    pub district: String,
    pub posted_by: String,
    pub posted_at: Option<DateTime<Utc>>,
    pub status: WishStatus,
    /// Set while CLAIMED or FULFILLED.
    pub claimant: Option<Claimant>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum WishState {
    #[default]
    Absent,
    Present(WishFacts),
}

impl Claimant {
    pub(super) fn to_pb(&self) -> pb::WishClaimant {
        pb::WishClaimant {
            kind: self.kind.into(),
            id: self.id.clone(),
        }
    }

    fn from_pb(claimant: Option<&pb::WishClaimant>) -> Option<Self> {
        claimant.map(|c| Self {
            // A newer writer's kind reads as unspecified, not as a failure.
            kind: WishClaimantKind::try_from(c.kind).unwrap_or(WishClaimantKind::Unspecified),
            id: c.id.clone(),
        })
    }
}

pub(super) fn evolve(state: WishState, event: &WishEvent) -> WishState {
    let mut facts = match (state, event) {
        (WishState::Absent, WishEvent::Posted(e)) => {
            return WishState::Present(WishFacts {
                wish_id: e.wish_id.clone(),
                district: e.district.clone(),
                posted_by: e.posted_by.clone(),
                posted_at: time::parse(&e.posted_at),
                status: WishStatus::Open,
                claimant: None,
            });
        }
        (WishState::Present(facts), _) => facts,
        (state, _) => return state,
    };
    match event {
        WishEvent::Posted(_) => {}
        WishEvent::Claimed(e) => {
            facts.status = WishStatus::Claimed;
            facts.claimant = Claimant::from_pb(e.claimant.as_ref());
        }
        WishEvent::Released(_) => {
            facts.status = WishStatus::Open;
            facts.claimant = None;
        }
        WishEvent::Fulfilled(_) => facts.status = WishStatus::Fulfilled,
        WishEvent::Confirmed(_) => facts.status = WishStatus::Confirmed,
        WishEvent::Withdrawn(_) => facts.status = WishStatus::Withdrawn,
    }
    WishState::Present(facts)
}
