//! Household events as stored bytes: the proto messages of
//! `gongzhi.residents.v1`, named by their full type.

use gongzhi_kernel::{DecodeError, EventCodec};
use gongzhi_proto::gongzhi::residents::v1 as pb;
use prost::Message;

#[derive(Debug, Clone, PartialEq)]
pub enum HouseholdEvent {
    Created(pb::HouseholdCreated),
    MemberAdded(pb::HouseholdMemberAdded),
    MemberRemoved(pb::HouseholdMemberRemoved),
    HeadChanged(pb::HouseholdHeadChanged),
}

pub const HOUSEHOLD_CREATED: &str = "gongzhi.residents.v1.HouseholdCreated";
pub const HOUSEHOLD_MEMBER_ADDED: &str = "gongzhi.residents.v1.HouseholdMemberAdded";
pub const HOUSEHOLD_MEMBER_REMOVED: &str = "gongzhi.residents.v1.HouseholdMemberRemoved";
pub const HOUSEHOLD_HEAD_CHANGED: &str = "gongzhi.residents.v1.HouseholdHeadChanged";

fn decode_as<M: Message + Default>(event_type: &str, payload: &[u8]) -> Result<M, DecodeError> {
    M::decode(payload).map_err(|e| DecodeError::Malformed {
        event_type: event_type.to_owned(),
        reason: e.to_string(),
    })
}

impl EventCodec for HouseholdEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Created(_) => HOUSEHOLD_CREATED,
            Self::MemberAdded(_) => HOUSEHOLD_MEMBER_ADDED,
            Self::MemberRemoved(_) => HOUSEHOLD_MEMBER_REMOVED,
            Self::HeadChanged(_) => HOUSEHOLD_HEAD_CHANGED,
        }
    }

    fn encode(&self) -> Vec<u8> {
        match self {
            Self::Created(e) => e.encode_to_vec(),
            Self::MemberAdded(e) => e.encode_to_vec(),
            Self::MemberRemoved(e) => e.encode_to_vec(),
            Self::HeadChanged(e) => e.encode_to_vec(),
        }
    }

    fn decode(event_type: &str, payload: &[u8]) -> Result<Self, DecodeError> {
        Ok(match event_type {
            HOUSEHOLD_CREATED => Self::Created(decode_as(event_type, payload)?),
            HOUSEHOLD_MEMBER_ADDED => Self::MemberAdded(decode_as(event_type, payload)?),
            HOUSEHOLD_MEMBER_REMOVED => Self::MemberRemoved(decode_as(event_type, payload)?),
            HOUSEHOLD_HEAD_CHANGED => Self::HeadChanged(decode_as(event_type, payload)?),
            other => return Err(DecodeError::UnknownType(other.to_owned())),
        })
    }
}
