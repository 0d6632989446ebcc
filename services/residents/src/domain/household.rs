//! The household (户) aggregate as a pure decider, in stream
//! `household-<uuid>`. It holds resident ids and relations only, never
//! personal data, so its events need no sealing.
//!
//! Rules: the head is the first member; a resident appears at most once in a
//! household; members other than the head have a relation other than HEAD;
//! the head leaves only as the last member (change the head first), which
//! leaves the household empty and closed to further changes; every command
//! acts only in the household's own district. That a resident belongs to at
//! most one household across households is the application's check, not this
//! aggregate's.

use super::HouseholdEvent;
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::residents::v1 as pb;

pub use pb::Relation;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HouseholdCommand {
    Create {
        household_id: String,
        district: DistrictCode,
        /// 12-digit community code, already checked against the code table.
        community: String,
        head_resident_id: String,
    },
    AddMember {
        district: DistrictCode,
        resident_id: String,
        relation: Relation,
    },
    RemoveMember {
        district: DistrictCode,
        resident_id: String,
    },
    ChangeHead {
        district: DistrictCode,
        new_head_resident_id: String,
        /// What the previous head becomes to the new head.
        previous_head_relation: Relation,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdMember {
    pub resident_id: String,
    pub relation: Relation,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdFacts {
    pub household_id: String,
    pub district: String,
    pub community: String,
    /// `None` once the head left as the last member.
    pub head_resident_id: Option<String>,
    /// Every member, the head included (relation HEAD), in order of joining.
    pub members: Vec<HouseholdMember>,
}

impl HouseholdFacts {
    fn member(&self, resident_id: &str) -> Option<&HouseholdMember> {
        self.members.iter().find(|m| m.resident_id == resident_id)
    }

    fn member_mut(&mut self, resident_id: &str) -> Option<&mut HouseholdMember> {
        self.members
            .iter_mut()
            .find(|m| m.resident_id == resident_id)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum HouseholdState {
    #[default]
    Absent,
    Present(HouseholdFacts),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HouseholdError {
    #[error("household already exists")]
    AlreadyExists,
    #[error("household not found")]
    NotFound,
    #[error("household belongs to district {actual}, not {given}")]
    WrongDistrict { given: String, actual: String },
    #[error("community {community} is not in district {district}")]
    CommunityOutsideDistrict { community: String, district: String },
    #[error("household has no members left and takes no further changes")]
    Empty,
    #[error("resident {resident_id} is already in the household")]
    AlreadyMember { resident_id: String },
    #[error("resident {resident_id} is not in the household")]
    NotMember { resident_id: String },
    #[error("the head cannot leave while other members remain; change the head first")]
    HeadCannotLeave,
    #[error("resident {resident_id} is already the head")]
    AlreadyHead { resident_id: String },
    #[error("relation head is set only by creating the household or changing its head")]
    HeadRelationReserved,
    #[error("a relation to the head is required")]
    RelationRequired,
}

impl HouseholdError {
    /// Stable reason code for `google.rpc.ErrorInfo`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::AlreadyExists => "HOUSEHOLD_ALREADY_EXISTS",
            Self::NotFound => "HOUSEHOLD_NOT_FOUND",
            Self::WrongDistrict { .. } => "HOUSEHOLD_WRONG_DISTRICT",
            Self::CommunityOutsideDistrict { .. } => "COMMUNITY_OUTSIDE_DISTRICT",
            Self::Empty => "HOUSEHOLD_EMPTY",
            Self::AlreadyMember { .. } => "MEMBER_ALREADY_IN_HOUSEHOLD",
            Self::NotMember { .. } => "MEMBER_NOT_IN_HOUSEHOLD",
            Self::HeadCannotLeave => "HEAD_CANNOT_LEAVE",
            Self::AlreadyHead { .. } => "RESIDENT_ALREADY_HEAD",
            Self::HeadRelationReserved => "HEAD_RELATION_RESERVED",
            Self::RelationRequired => "RELATION_REQUIRED",
        }
    }
}

pub struct Household;

/// The household a command acts on, in the caller's district, with its head.
fn existing<'a>(
    state: &'a HouseholdState,
    district: &DistrictCode,
) -> Result<(&'a HouseholdFacts, &'a str), HouseholdError> {
    let HouseholdState::Present(facts) = state else {
        return Err(HouseholdError::NotFound);
    };
    if facts.district != district.as_str() {
        return Err(HouseholdError::WrongDistrict {
            given: district.to_string(),
            actual: facts.district.clone(),
        });
    }
    let Some(head) = facts.head_resident_id.as_deref() else {
        return Err(HouseholdError::Empty);
    };
    Ok((facts, head))
}

/// A relation a non-head member may hold.
fn member_relation(relation: Relation) -> Result<Relation, HouseholdError> {
    match relation {
        Relation::Unspecified => Err(HouseholdError::RelationRequired),
        Relation::Head => Err(HouseholdError::HeadRelationReserved),
        other => Ok(other),
    }
}

fn relation_of(value: i32) -> Relation {
    // Events are written by this decider, which never stores an unknown
    // value; a newer writer's value reads as unspecified, not as a failure.
    Relation::try_from(value).unwrap_or(Relation::Unspecified)
}

impl Decider for Household {
    type State = HouseholdState;
    type Command = HouseholdCommand;
    type Event = HouseholdEvent;
    type Error = HouseholdError;

    fn decide(
        state: &HouseholdState,
        command: HouseholdCommand,
    ) -> Result<Vec<HouseholdEvent>, HouseholdError> {
        let event = match command {
            HouseholdCommand::Create {
                household_id,
                district,
                community,
                head_resident_id,
            } => {
                if *state != HouseholdState::Absent {
                    return Err(HouseholdError::AlreadyExists);
                }
                if !community.starts_with(district.as_str()) {
                    return Err(HouseholdError::CommunityOutsideDistrict {
                        community,
                        district: district.to_string(),
                    });
                }
                HouseholdEvent::Created(pb::HouseholdCreated {
                    household_id,
                    district: district.to_string(),
                    community,
                    head_resident_id,
                })
            }
            HouseholdCommand::AddMember {
                district,
                resident_id,
                relation,
            } => {
                let (facts, _) = existing(state, &district)?;
                let relation = member_relation(relation)?;
                if facts.member(&resident_id).is_some() {
                    return Err(HouseholdError::AlreadyMember { resident_id });
                }
                HouseholdEvent::MemberAdded(pb::HouseholdMemberAdded {
                    household_id: facts.household_id.clone(),
                    district: district.to_string(),
                    resident_id,
                    relation: relation.into(),
                })
            }
            HouseholdCommand::RemoveMember {
                district,
                resident_id,
            } => {
                let (facts, head) = existing(state, &district)?;
                if facts.member(&resident_id).is_none() {
                    return Err(HouseholdError::NotMember { resident_id });
                }
                if resident_id == head && facts.members.len() > 1 {
                    return Err(HouseholdError::HeadCannotLeave);
                }
                HouseholdEvent::MemberRemoved(pb::HouseholdMemberRemoved {
                    household_id: facts.household_id.clone(),
                    district: district.to_string(),
                    resident_id,
                })
            }
            HouseholdCommand::ChangeHead {
                district,
                new_head_resident_id,
                previous_head_relation,
            } => {
                let (facts, head) = existing(state, &district)?;
                if new_head_resident_id == head {
                    return Err(HouseholdError::AlreadyHead {
                        resident_id: new_head_resident_id,
                    });
                }
                if facts.member(&new_head_resident_id).is_none() {
                    return Err(HouseholdError::NotMember {
                        resident_id: new_head_resident_id,
                    });
                }
                let previous_head_relation = member_relation(previous_head_relation)?;
                HouseholdEvent::HeadChanged(pb::HouseholdHeadChanged {
                    household_id: facts.household_id.clone(),
                    district: district.to_string(),
                    new_head_resident_id,
                    previous_head_resident_id: head.to_owned(),
                    previous_head_relation: previous_head_relation.into(),
                })
            }
        };
        Ok(vec![event])
    }

    fn evolve(state: HouseholdState, event: &HouseholdEvent) -> HouseholdState {
        match (state, event) {
            (HouseholdState::Absent, HouseholdEvent::Created(e)) => {
                HouseholdState::Present(HouseholdFacts {
                    household_id: e.household_id.clone(),
                    district: e.district.clone(),
                    community: e.community.clone(),
                    head_resident_id: Some(e.head_resident_id.clone()),
                    members: vec![HouseholdMember {
                        resident_id: e.head_resident_id.clone(),
                        relation: Relation::Head,
                    }],
                })
            }
            (HouseholdState::Present(mut facts), HouseholdEvent::MemberAdded(e)) => {
                facts.members.push(HouseholdMember {
                    resident_id: e.resident_id.clone(),
                    relation: relation_of(e.relation),
                });
                HouseholdState::Present(facts)
            }
            (HouseholdState::Present(mut facts), HouseholdEvent::MemberRemoved(e)) => {
                facts.members.retain(|m| m.resident_id != e.resident_id);
                if facts.head_resident_id.as_deref() == Some(e.resident_id.as_str()) {
                    facts.head_resident_id = None;
                }
                HouseholdState::Present(facts)
            }
            (HouseholdState::Present(mut facts), HouseholdEvent::HeadChanged(e)) => {
                if let Some(previous) = facts.member_mut(&e.previous_head_resident_id) {
                    previous.relation = relation_of(e.previous_head_relation);
                }
                if let Some(new_head) = facts.member_mut(&e.new_head_resident_id) {
                    new_head.relation = Relation::Head;
                }
                facts.head_resident_id = Some(e.new_head_resident_id.clone());
                HouseholdState::Present(facts)
            }
            (state, _) => state,
        }
    }
}

#[cfg(test)]
#[path = "household_tests.rs"]
mod tests;
