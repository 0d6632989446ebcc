//! Mapping between the calendar's enums and the proto enums stored in case
//! events. `UNSPECIFIED` has no domain value and maps to `None`.

use super::category::Urgency;
use super::time_limits::Stage;
use gongzhi_proto::gongzhi::grids::v1 as pb;

impl Urgency {
    pub fn from_proto(urgency: pb::CaseUrgency) -> Option<Self> {
        match urgency {
            pb::CaseUrgency::Unspecified => None,
            pb::CaseUrgency::Normal => Some(Self::Normal),
            pb::CaseUrgency::Urgent => Some(Self::Urgent),
            pb::CaseUrgency::VeryUrgent => Some(Self::VeryUrgent),
        }
    }

    pub fn to_proto(self) -> pb::CaseUrgency {
        match self {
            Self::Normal => pb::CaseUrgency::Normal,
            Self::Urgent => pb::CaseUrgency::Urgent,
            Self::VeryUrgent => pb::CaseUrgency::VeryUrgent,
        }
    }
}

impl Stage {
    pub fn from_proto(stage: pb::CaseStage) -> Option<Self> {
        match stage {
            pb::CaseStage::Unspecified => None,
            pb::CaseStage::Register => Some(Self::Register),
            pb::CaseStage::Dispatch => Some(Self::Dispatch),
            pb::CaseStage::Handle => Some(Self::Handle),
            pb::CaseStage::Verify => Some(Self::Verify),
            pb::CaseStage::Close => Some(Self::Close),
        }
    }

    pub fn to_proto(self) -> pb::CaseStage {
        match self {
            Self::Register => pb::CaseStage::Register,
            Self::Dispatch => pb::CaseStage::Dispatch,
            Self::Handle => pb::CaseStage::Handle,
            Self::Verify => pb::CaseStage::Verify,
            Self::Close => pb::CaseStage::Close,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Stage, Urgency, pb};

    #[test]
    fn every_value_round_trips_and_unspecified_has_none() {
        for urgency in [Urgency::Normal, Urgency::Urgent, Urgency::VeryUrgent] {
            assert_eq!(Urgency::from_proto(urgency.to_proto()), Some(urgency));
        }
        for stage in Stage::ALL {
            assert_eq!(Stage::from_proto(stage.to_proto()), Some(stage));
        }
        assert_eq!(Urgency::from_proto(pb::CaseUrgency::Unspecified), None);
        assert_eq!(Stage::from_proto(pb::CaseStage::Unspecified), None);
    }
}
