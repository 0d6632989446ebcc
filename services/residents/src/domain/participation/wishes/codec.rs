//! Wish events as stored bytes: proto messages of `gongzhi.residents.v1`
//! named by their full type.

use gongzhi_kernel::{DecodeError, EventCodec};
use gongzhi_proto::gongzhi::residents::v1 as pb;
use prost::Message;

#[derive(Debug, Clone, PartialEq)]
pub enum WishEvent {
    Posted(pb::WishPosted),
    Claimed(pb::WishClaimed),
    Released(pb::WishReleased),
    Fulfilled(pb::WishFulfilled),
    Confirmed(pb::WishConfirmed),
    Withdrawn(pb::WishWithdrawn),
}

pub const WISH_POSTED: &str = "gongzhi.residents.v1.WishPosted";
pub const WISH_CLAIMED: &str = "gongzhi.residents.v1.WishClaimed";
pub const WISH_RELEASED: &str = "gongzhi.residents.v1.WishReleased";
pub const WISH_FULFILLED: &str = "gongzhi.residents.v1.WishFulfilled";
pub const WISH_CONFIRMED: &str = "gongzhi.residents.v1.WishConfirmed";
pub const WISH_WITHDRAWN: &str = "gongzhi.residents.v1.WishWithdrawn";

fn decode_as<M: Message + Default>(event_type: &str, payload: &[u8]) -> Result<M, DecodeError> {
    M::decode(payload).map_err(|e| DecodeError::Malformed {
        event_type: event_type.to_owned(),
        reason: e.to_string(),
    })
}

impl EventCodec for WishEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Posted(_) => WISH_POSTED,
            Self::Claimed(_) => WISH_CLAIMED,
            Self::Released(_) => WISH_RELEASED,
            Self::Fulfilled(_) => WISH_FULFILLED,
            Self::Confirmed(_) => WISH_CONFIRMED,
            Self::Withdrawn(_) => WISH_WITHDRAWN,
        }
    }

    fn encode(&self) -> Vec<u8> {
        match self {
            Self::Posted(e) => e.encode_to_vec(),
            Self::Claimed(e) => e.encode_to_vec(),
            Self::Released(e) => e.encode_to_vec(),
            Self::Fulfilled(e) => e.encode_to_vec(),
            Self::Confirmed(e) => e.encode_to_vec(),
            Self::Withdrawn(e) => e.encode_to_vec(),
        }
    }

    fn decode(event_type: &str, payload: &[u8]) -> Result<Self, DecodeError> {
        Ok(match event_type {
            WISH_POSTED => Self::Posted(decode_as(event_type, payload)?),
            WISH_CLAIMED => Self::Claimed(decode_as(event_type, payload)?),
            WISH_RELEASED => Self::Released(decode_as(event_type, payload)?),
            WISH_FULFILLED => Self::Fulfilled(decode_as(event_type, payload)?),
            WISH_CONFIRMED => Self::Confirmed(decode_as(event_type, payload)?),
            WISH_WITHDRAWN => Self::Withdrawn(decode_as(event_type, payload)?),
            other => return Err(DecodeError::UnknownType(other.to_owned())),
        })
    }
}
