//! Grid map events as stored bytes: the proto messages of
//! `proto/gongzhi/grids/v1/map_events.proto`, named by their full type.

use gongzhi_kernel::{DecodeError, EventCodec};
use gongzhi_proto::gongzhi::grids::v1 as pb;
use prost::Message;

#[derive(Debug, Clone, PartialEq)]
pub enum GridEvent {
    Defined(pb::GridDefined),
    BoundaryRedrawn(pb::GridBoundaryRedrawn),
    DutiesChanged(pb::GridDutiesChanged),
    WorkerAssigned(pb::WorkerAssigned),
    WorkerUnassigned(pb::WorkerUnassigned),
    Retired(pb::GridRetired),
}

pub const GRID_DEFINED: &str = "gongzhi.grids.v1.GridDefined";
pub const GRID_BOUNDARY_REDRAWN: &str = "gongzhi.grids.v1.GridBoundaryRedrawn";
pub const GRID_DUTIES_CHANGED: &str = "gongzhi.grids.v1.GridDutiesChanged";
pub const WORKER_ASSIGNED: &str = "gongzhi.grids.v1.WorkerAssigned";
pub const WORKER_UNASSIGNED: &str = "gongzhi.grids.v1.WorkerUnassigned";
pub const GRID_RETIRED: &str = "gongzhi.grids.v1.GridRetired";

fn decode_as<M: Message + Default>(event_type: &str, payload: &[u8]) -> Result<M, DecodeError> {
    M::decode(payload).map_err(|e| DecodeError::Malformed {
        event_type: event_type.to_owned(),
        reason: e.to_string(),
    })
}

impl EventCodec for GridEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Defined(_) => GRID_DEFINED,
            Self::BoundaryRedrawn(_) => GRID_BOUNDARY_REDRAWN,
            Self::DutiesChanged(_) => GRID_DUTIES_CHANGED,
            Self::WorkerAssigned(_) => WORKER_ASSIGNED,
            Self::WorkerUnassigned(_) => WORKER_UNASSIGNED,
            Self::Retired(_) => GRID_RETIRED,
        }
    }

    fn encode(&self) -> Vec<u8> {
        match self {
            Self::Defined(e) => e.encode_to_vec(),
            Self::BoundaryRedrawn(e) => e.encode_to_vec(),
            Self::DutiesChanged(e) => e.encode_to_vec(),
            Self::WorkerAssigned(e) => e.encode_to_vec(),
            Self::WorkerUnassigned(e) => e.encode_to_vec(),
            Self::Retired(e) => e.encode_to_vec(),
        }
    }

    fn decode(event_type: &str, payload: &[u8]) -> Result<Self, DecodeError> {
        Ok(match event_type {
            GRID_DEFINED => Self::Defined(decode_as(event_type, payload)?),
            GRID_BOUNDARY_REDRAWN => Self::BoundaryRedrawn(decode_as(event_type, payload)?),
            GRID_DUTIES_CHANGED => Self::DutiesChanged(decode_as(event_type, payload)?),
            WORKER_ASSIGNED => Self::WorkerAssigned(decode_as(event_type, payload)?),
            WORKER_UNASSIGNED => Self::WorkerUnassigned(decode_as(event_type, payload)?),
            GRID_RETIRED => Self::Retired(decode_as(event_type, payload)?),
            other => return Err(DecodeError::UnknownType(other.to_owned())),
        })
    }
}
