//! Rating events as stored bytes: proto messages of `gongzhi.residents.v1`
//! named by their full type.

use gongzhi_kernel::{DecodeError, EventCodec};
use gongzhi_proto::gongzhi::residents::v1 as pb;
use prost::Message;

#[derive(Debug, Clone, PartialEq)]
pub enum RatingEvent {
    Given(pb::RatingGiven),
}

pub const RATING_GIVEN: &str = "gongzhi.residents.v1.RatingGiven";

impl EventCodec for RatingEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Given(_) => RATING_GIVEN,
        }
    }

    fn encode(&self) -> Vec<u8> {
        match self {
            Self::Given(e) => e.encode_to_vec(),
        }
    }

    fn decode(event_type: &str, payload: &[u8]) -> Result<Self, DecodeError> {
        match event_type {
            RATING_GIVEN => pb::RatingGiven::decode(payload)
                .map(Self::Given)
                .map_err(|e| DecodeError::Malformed {
                    event_type: event_type.to_owned(),
                    reason: e.to_string(),
                }),
            other => Err(DecodeError::UnknownType(other.to_owned())),
        }
    }
}
