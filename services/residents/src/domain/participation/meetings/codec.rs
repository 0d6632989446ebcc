//! Meeting events as stored bytes: proto messages of `gongzhi.residents.v1`
//! named by their full type.

use gongzhi_kernel::{DecodeError, EventCodec};
use gongzhi_proto::gongzhi::residents::v1 as pb;
use prost::Message;

#[derive(Debug, Clone, PartialEq)]
pub enum MeetingEvent {
    Convened(pb::MeetingConvened),
    AttendanceRegistered(pb::MeetingAttendanceRegistered),
    Opened(pb::MeetingOpened),
    MotionTabled(pb::MotionTabled),
    VoteCast(pb::MotionVoteCast),
    MotionClosed(pb::MotionClosed),
    Closed(pb::MeetingClosed),
}

pub const MEETING_CONVENED: &str = "gongzhi.residents.v1.MeetingConvened";
pub const MEETING_ATTENDANCE_REGISTERED: &str = "gongzhi.residents.v1.MeetingAttendanceRegistered";
pub const MEETING_OPENED: &str = "gongzhi.residents.v1.MeetingOpened";
pub const MOTION_TABLED: &str = "gongzhi.residents.v1.MotionTabled";
pub const MOTION_VOTE_CAST: &str = "gongzhi.residents.v1.MotionVoteCast";
pub const MOTION_CLOSED: &str = "gongzhi.residents.v1.MotionClosed";
pub const MEETING_CLOSED: &str = "gongzhi.residents.v1.MeetingClosed";

fn decode_as<M: Message + Default>(event_type: &str, payload: &[u8]) -> Result<M, DecodeError> {
    M::decode(payload).map_err(|e| DecodeError::Malformed {
        event_type: event_type.to_owned(),
        reason: e.to_string(),
    })
}

impl EventCodec for MeetingEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Convened(_) => MEETING_CONVENED,
            Self::AttendanceRegistered(_) => MEETING_ATTENDANCE_REGISTERED,
            Self::Opened(_) => MEETING_OPENED,
            Self::MotionTabled(_) => MOTION_TABLED,
            Self::VoteCast(_) => MOTION_VOTE_CAST,
            Self::MotionClosed(_) => MOTION_CLOSED,
            Self::Closed(_) => MEETING_CLOSED,
        }
    }

    fn encode(&self) -> Vec<u8> {
        match self {
            Self::Convened(e) => e.encode_to_vec(),
            Self::AttendanceRegistered(e) => e.encode_to_vec(),
            Self::Opened(e) => e.encode_to_vec(),
            Self::MotionTabled(e) => e.encode_to_vec(),
            Self::VoteCast(e) => e.encode_to_vec(),
            Self::MotionClosed(e) => e.encode_to_vec(),
            Self::Closed(e) => e.encode_to_vec(),
        }
    }

    fn decode(event_type: &str, payload: &[u8]) -> Result<Self, DecodeError> {
        Ok(match event_type {
            MEETING_CONVENED => Self::Convened(decode_as(event_type, payload)?),
            MEETING_ATTENDANCE_REGISTERED => {
                Self::AttendanceRegistered(decode_as(event_type, payload)?)
            }
            MEETING_OPENED => Self::Opened(decode_as(event_type, payload)?),
            MOTION_TABLED => Self::MotionTabled(decode_as(event_type, payload)?),
            MOTION_VOTE_CAST => Self::VoteCast(decode_as(event_type, payload)?),
            MOTION_CLOSED => Self::MotionClosed(decode_as(event_type, payload)?),
            MEETING_CLOSED => Self::Closed(decode_as(event_type, payload)?),
            other => return Err(DecodeError::UnknownType(other.to_owned())),
        })
    }
}
