//! Resident events as stored bytes: the proto messages of
//! `gongzhi.residents.v1`, named by their full type.

use gongzhi_kernel::{DecodeError, EventCodec};
use gongzhi_proto::gongzhi::residents::v1 as pb;
use prost::Message;

#[derive(Debug, Clone, PartialEq)]
pub enum ResidentEvent {
    Registered(pb::ResidentRegistered),
    MovedOut(pb::ResidentMovedOut),
    MovedIn(pb::ResidentMovedIn),
    DwellingChanged(pb::DwellingChanged),
    ContactDetailsUpdated(pb::ContactDetailsUpdated),
    NeedsTagsChanged(pb::NeedsTagsChanged),
    DataErased(pb::ResidentDataErased),
}

pub const RESIDENT_REGISTERED: &str = "gongzhi.residents.v1.ResidentRegistered";
pub const RESIDENT_MOVED_OUT: &str = "gongzhi.residents.v1.ResidentMovedOut";
pub const RESIDENT_MOVED_IN: &str = "gongzhi.residents.v1.ResidentMovedIn";
pub const DWELLING_CHANGED: &str = "gongzhi.residents.v1.DwellingChanged";
pub const CONTACT_DETAILS_UPDATED: &str = "gongzhi.residents.v1.ContactDetailsUpdated";
pub const NEEDS_TAGS_CHANGED: &str = "gongzhi.residents.v1.NeedsTagsChanged";
pub const RESIDENT_DATA_ERASED: &str = "gongzhi.residents.v1.ResidentDataErased";

fn decode_as<M: Message + Default>(event_type: &str, payload: &[u8]) -> Result<M, DecodeError> {
    M::decode(payload).map_err(|e| DecodeError::Malformed {
        event_type: event_type.to_owned(),
        reason: e.to_string(),
    })
}

impl EventCodec for ResidentEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Registered(_) => RESIDENT_REGISTERED,
            Self::MovedOut(_) => RESIDENT_MOVED_OUT,
            Self::MovedIn(_) => RESIDENT_MOVED_IN,
            Self::DwellingChanged(_) => DWELLING_CHANGED,
            Self::ContactDetailsUpdated(_) => CONTACT_DETAILS_UPDATED,
            Self::NeedsTagsChanged(_) => NEEDS_TAGS_CHANGED,
            Self::DataErased(_) => RESIDENT_DATA_ERASED,
        }
    }

    fn encode(&self) -> Vec<u8> {
        match self {
            Self::Registered(e) => e.encode_to_vec(),
            Self::MovedOut(e) => e.encode_to_vec(),
            Self::MovedIn(e) => e.encode_to_vec(),
            Self::DwellingChanged(e) => e.encode_to_vec(),
            Self::ContactDetailsUpdated(e) => e.encode_to_vec(),
            Self::NeedsTagsChanged(e) => e.encode_to_vec(),
            Self::DataErased(e) => e.encode_to_vec(),
        }
    }

    fn decode(event_type: &str, payload: &[u8]) -> Result<Self, DecodeError> {
        Ok(match event_type {
            RESIDENT_REGISTERED => Self::Registered(decode_as(event_type, payload)?),
            RESIDENT_MOVED_OUT => Self::MovedOut(decode_as(event_type, payload)?),
            RESIDENT_MOVED_IN => Self::MovedIn(decode_as(event_type, payload)?),
            DWELLING_CHANGED => Self::DwellingChanged(decode_as(event_type, payload)?),
            CONTACT_DETAILS_UPDATED => Self::ContactDetailsUpdated(decode_as(event_type, payload)?),
            NEEDS_TAGS_CHANGED => Self::NeedsTagsChanged(decode_as(event_type, payload)?),
            RESIDENT_DATA_ERASED => Self::DataErased(decode_as(event_type, payload)?),
            other => return Err(DecodeError::UnknownType(other.to_owned())),
        })
    }
}
