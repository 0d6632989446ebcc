//! Election events as stored bytes: proto messages of `gongzhi.residents.v1`
//! named by their full type.

use gongzhi_kernel::{DecodeError, EventCodec};
use gongzhi_proto::gongzhi::residents::v1 as pb;
use prost::Message;

#[derive(Debug, Clone, PartialEq)]
pub enum ElectionEvent {
    Opened(pb::ElectionOpened),
    CandidateNominated(pb::ElectionCandidateNominated),
    BallotCast(pb::ElectionBallotCast),
    Counted(pb::ElectionCounted),
}

pub const ELECTION_OPENED: &str = "gongzhi.residents.v1.ElectionOpened";
pub const ELECTION_CANDIDATE_NOMINATED: &str = "gongzhi.residents.v1.ElectionCandidateNominated";
pub const ELECTION_BALLOT_CAST: &str = "gongzhi.residents.v1.ElectionBallotCast";
pub const ELECTION_COUNTED: &str = "gongzhi.residents.v1.ElectionCounted";

fn decode_as<M: Message + Default>(event_type: &str, payload: &[u8]) -> Result<M, DecodeError> {
    M::decode(payload).map_err(|e| DecodeError::Malformed {
        event_type: event_type.to_owned(),
        reason: e.to_string(),
    })
}

impl EventCodec for ElectionEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Opened(_) => ELECTION_OPENED,
            Self::CandidateNominated(_) => ELECTION_CANDIDATE_NOMINATED,
            Self::BallotCast(_) => ELECTION_BALLOT_CAST,
            Self::Counted(_) => ELECTION_COUNTED,
        }
    }

    fn encode(&self) -> Vec<u8> {
        match self {
            Self::Opened(e) => e.encode_to_vec(),
            Self::CandidateNominated(e) => e.encode_to_vec(),
            Self::BallotCast(e) => e.encode_to_vec(),
            Self::Counted(e) => e.encode_to_vec(),
        }
    }

    fn decode(event_type: &str, payload: &[u8]) -> Result<Self, DecodeError> {
        Ok(match event_type {
            ELECTION_OPENED => Self::Opened(decode_as(event_type, payload)?),
            ELECTION_CANDIDATE_NOMINATED => {
                Self::CandidateNominated(decode_as(event_type, payload)?)
            }
            ELECTION_BALLOT_CAST => Self::BallotCast(decode_as(event_type, payload)?),
            ELECTION_COUNTED => Self::Counted(decode_as(event_type, payload)?),
            other => return Err(DecodeError::UnknownType(other.to_owned())),
        })
    }
}
