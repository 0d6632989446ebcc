//! Activity, points and reward item events as stored bytes: the proto messages of
//! `gongzhi.residents.v1` in `volunteering_events.proto`, named by their
//! full type.

use gongzhi_kernel::{DecodeError, EventCodec};
use gongzhi_proto::gongzhi::residents::v1 as pb;
use prost::Message;

#[derive(Debug, Clone, PartialEq)]
pub enum ActivityEvent {
    Planned(pb::ActivityPlanned),
    AttendanceRecorded(pb::ActivityAttendanceRecorded),
    AttendanceAmended(pb::ActivityAttendanceAmended),
    Certified(pb::ActivityCertified),
}

#[derive(Debug, Clone, PartialEq)]
pub enum PointsEvent {
    Earned(pb::PointsEarned),
    Redeemed(pb::PointsRedeemed),
    Refunded(pb::PointsRefunded),
}

#[derive(Debug, Clone, PartialEq)]
pub enum RewardEvent {
    Listed(pb::RewardItemListed),
    Changed(pb::RewardItemChanged),
    Taken(pb::RewardItemTaken),
}

pub const ACTIVITY_PLANNED: &str = "gongzhi.residents.v1.ActivityPlanned";
pub const ACTIVITY_ATTENDANCE_RECORDED: &str = "gongzhi.residents.v1.ActivityAttendanceRecorded";
pub const ACTIVITY_ATTENDANCE_AMENDED: &str = "gongzhi.residents.v1.ActivityAttendanceAmended";
pub const ACTIVITY_CERTIFIED: &str = "gongzhi.residents.v1.ActivityCertified";
pub const POINTS_EARNED: &str = "gongzhi.residents.v1.PointsEarned";
pub const POINTS_REDEEMED: &str = "gongzhi.residents.v1.PointsRedeemed";
pub const POINTS_REFUNDED: &str = "gongzhi.residents.v1.PointsRefunded";
pub const REWARD_ITEM_LISTED: &str = "gongzhi.residents.v1.RewardItemListed";
pub const REWARD_ITEM_CHANGED: &str = "gongzhi.residents.v1.RewardItemChanged";
pub const REWARD_ITEM_TAKEN: &str = "gongzhi.residents.v1.RewardItemTaken";

fn decode_as<M: Message + Default>(event_type: &str, payload: &[u8]) -> Result<M, DecodeError> {
    M::decode(payload).map_err(|e| DecodeError::Malformed {
        event_type: event_type.to_owned(),
        reason: e.to_string(),
    })
}

impl EventCodec for ActivityEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Planned(_) => ACTIVITY_PLANNED,
            Self::AttendanceRecorded(_) => ACTIVITY_ATTENDANCE_RECORDED,
            Self::AttendanceAmended(_) => ACTIVITY_ATTENDANCE_AMENDED,
            Self::Certified(_) => ACTIVITY_CERTIFIED,
        }
    }

    fn encode(&self) -> Vec<u8> {
        match self {
            Self::Planned(e) => e.encode_to_vec(),
            Self::AttendanceRecorded(e) => e.encode_to_vec(),
            Self::AttendanceAmended(e) => e.encode_to_vec(),
            Self::Certified(e) => e.encode_to_vec(),
        }
    }

    fn decode(event_type: &str, payload: &[u8]) -> Result<Self, DecodeError> {
        Ok(match event_type {
            ACTIVITY_PLANNED => Self::Planned(decode_as(event_type, payload)?),
            ACTIVITY_ATTENDANCE_RECORDED => {
                Self::AttendanceRecorded(decode_as(event_type, payload)?)
            }
            ACTIVITY_ATTENDANCE_AMENDED => Self::AttendanceAmended(decode_as(event_type, payload)?),
            ACTIVITY_CERTIFIED => Self::Certified(decode_as(event_type, payload)?),
            other => return Err(DecodeError::UnknownType(other.to_owned())),
        })
    }
}

impl EventCodec for PointsEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Earned(_) => POINTS_EARNED,
            Self::Redeemed(_) => POINTS_REDEEMED,
            Self::Refunded(_) => POINTS_REFUNDED,
        }
    }

    fn encode(&self) -> Vec<u8> {
        match self {
            Self::Earned(e) => e.encode_to_vec(),
            Self::Redeemed(e) => e.encode_to_vec(),
            Self::Refunded(e) => e.encode_to_vec(),
        }
    }

    fn decode(event_type: &str, payload: &[u8]) -> Result<Self, DecodeError> {
        Ok(match event_type {
            POINTS_EARNED => Self::Earned(decode_as(event_type, payload)?),
            POINTS_REDEEMED => Self::Redeemed(decode_as(event_type, payload)?),
            POINTS_REFUNDED => Self::Refunded(decode_as(event_type, payload)?),
            other => return Err(DecodeError::UnknownType(other.to_owned())),
        })
    }
}

impl EventCodec for RewardEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Listed(_) => REWARD_ITEM_LISTED,
            Self::Changed(_) => REWARD_ITEM_CHANGED,
            Self::Taken(_) => REWARD_ITEM_TAKEN,
        }
    }

    fn encode(&self) -> Vec<u8> {
        match self {
            Self::Listed(e) => e.encode_to_vec(),
            Self::Changed(e) => e.encode_to_vec(),
            Self::Taken(e) => e.encode_to_vec(),
        }
    }

    fn decode(event_type: &str, payload: &[u8]) -> Result<Self, DecodeError> {
        Ok(match event_type {
            REWARD_ITEM_LISTED => Self::Listed(decode_as(event_type, payload)?),
            REWARD_ITEM_CHANGED => Self::Changed(decode_as(event_type, payload)?),
            REWARD_ITEM_TAKEN => Self::Taken(decode_as(event_type, payload)?),
            other => return Err(DecodeError::UnknownType(other.to_owned())),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_round_trips_under_its_full_proto_name() {
        let activity = ActivityEvent::Certified(pb::ActivityCertified {
            activity_id: "a1".into(),
            attendees: vec![pb::VolunteerCertifiedHours {
                volunteer_id: "v1".into(),
                minutes: 90,
                points: 15,
            }],
            ..Default::default()
        });
        let decoded = ActivityEvent::decode(activity.event_type(), &activity.encode());
        assert_eq!(decoded, Ok(activity));

        let points = PointsEvent::Refunded(pb::PointsRefunded {
            redemption_id: "r1".into(),
            points: 7,
            ..Default::default()
        });
        assert_eq!(points.event_type(), POINTS_REFUNDED);
        let decoded = PointsEvent::decode(points.event_type(), &points.encode());
        assert_eq!(decoded, Ok(points));

        let reward = RewardEvent::Taken(pb::RewardItemTaken {
            item_id: "i1".into(),
            redemption_id: "r1".into(),
            stock_after: 3,
            ..Default::default()
        });
        assert_eq!(reward.event_type(), REWARD_ITEM_TAKEN);
        let decoded = RewardEvent::decode(reward.event_type(), &reward.encode());
        assert_eq!(decoded, Ok(reward));
    }

    #[test]
    fn an_unknown_type_is_refused_not_guessed() {
        let refused = PointsEvent::decode(ACTIVITY_PLANNED, &[]);
        assert_eq!(
            refused,
            Err(DecodeError::UnknownType(ACTIVITY_PLANNED.to_owned()))
        );
    }
}
