//! Proposal events as stored bytes: proto messages of `gongzhi.residents.v1`
//! named by their full type.

use gongzhi_kernel::{DecodeError, EventCodec};
use gongzhi_proto::gongzhi::residents::v1 as pb;
use prost::Message;

#[derive(Debug, Clone, PartialEq)]
pub enum ProposalEvent {
    Raised(pb::ProposalRaised),
    Assigned(pb::ProposalAssigned),
    Supported(pb::ProposalSupported),
    Answered(pb::ProposalAnswered),
    Closed(pb::ProposalClosed),
    FlaggedOverdue(pb::ProposalFlaggedOverdue),
}

pub const PROPOSAL_RAISED: &str = "gongzhi.residents.v1.ProposalRaised";
pub const PROPOSAL_ASSIGNED: &str = "gongzhi.residents.v1.ProposalAssigned";
pub const PROPOSAL_SUPPORTED: &str = "gongzhi.residents.v1.ProposalSupported";
pub const PROPOSAL_ANSWERED: &str = "gongzhi.residents.v1.ProposalAnswered";
pub const PROPOSAL_CLOSED: &str = "gongzhi.residents.v1.ProposalClosed";
pub const PROPOSAL_FLAGGED_OVERDUE: &str = "gongzhi.residents.v1.ProposalFlaggedOverdue";

fn decode_as<M: Message + Default>(event_type: &str, payload: &[u8]) -> Result<M, DecodeError> {
    M::decode(payload).map_err(|e| DecodeError::Malformed {
        event_type: event_type.to_owned(),
        reason: e.to_string(),
    })
}

impl EventCodec for ProposalEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Raised(_) => PROPOSAL_RAISED,
            Self::Assigned(_) => PROPOSAL_ASSIGNED,
            Self::Supported(_) => PROPOSAL_SUPPORTED,
            Self::Answered(_) => PROPOSAL_ANSWERED,
            Self::Closed(_) => PROPOSAL_CLOSED,
            Self::FlaggedOverdue(_) => PROPOSAL_FLAGGED_OVERDUE,
        }
    }

    fn encode(&self) -> Vec<u8> {
        match self {
            Self::Raised(e) => e.encode_to_vec(),
            Self::Assigned(e) => e.encode_to_vec(),
            Self::Supported(e) => e.encode_to_vec(),
            Self::Answered(e) => e.encode_to_vec(),
            Self::Closed(e) => e.encode_to_vec(),
            Self::FlaggedOverdue(e) => e.encode_to_vec(),
        }
    }

    fn decode(event_type: &str, payload: &[u8]) -> Result<Self, DecodeError> {
        Ok(match event_type {
            PROPOSAL_RAISED => Self::Raised(decode_as(event_type, payload)?),
            PROPOSAL_ASSIGNED => Self::Assigned(decode_as(event_type, payload)?),
            PROPOSAL_SUPPORTED => Self::Supported(decode_as(event_type, payload)?),
            PROPOSAL_ANSWERED => Self::Answered(decode_as(event_type, payload)?),
            PROPOSAL_CLOSED => Self::Closed(decode_as(event_type, payload)?),
            PROPOSAL_FLAGGED_OVERDUE => Self::FlaggedOverdue(decode_as(event_type, payload)?),
            other => return Err(DecodeError::UnknownType(other.to_owned())),
        })
    }
}
