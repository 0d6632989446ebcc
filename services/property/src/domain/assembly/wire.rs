//! Counting types to and from their proto enums.

use super::{Choice, Matter, OutcomeReason, Threshold};
use gongzhi_proto::gongzhi::property::v1 as pb;

impl Matter {
    pub fn to_proto(self) -> pb::MatterKind {
        match self {
            Matter::RulesOfProcedure => pb::MatterKind::RulesOfProcedure,
            Matter::ManagementStatute => pb::MatterKind::ManagementStatute,
            Matter::ElectCommittee => pb::MatterKind::ElectCommittee,
            Matter::HireOrDismissManager => pb::MatterKind::HireOrDismissManager,
            Matter::UseMaintenanceFund => pb::MatterKind::UseMaintenanceFund,
            Matter::RaiseMaintenanceFund => pb::MatterKind::RaiseMaintenanceFund,
            Matter::Rebuild => pb::MatterKind::Rebuild,
            Matter::ChangeUseOfCommonParts => pb::MatterKind::ChangeUseOfCommonParts,
            Matter::OtherMajor => pb::MatterKind::OtherMajor,
        }
    }

    /// `None` for UNSPECIFIED and unknown numbers.
    pub fn from_proto(raw: i32) -> Option<Matter> {
        Matter::ALL
            .into_iter()
            .find(|matter| matter.to_proto() as i32 == raw)
    }
}

impl Choice {
    pub fn to_proto(self) -> pb::BallotChoice {
        match self {
            Choice::For => pb::BallotChoice::For,
            Choice::Against => pb::BallotChoice::Against,
            Choice::Abstain => pb::BallotChoice::Abstain,
        }
    }

    pub fn from_proto(raw: i32) -> Option<Choice> {
        match pb::BallotChoice::try_from(raw) {
            Ok(pb::BallotChoice::For) => Some(Choice::For),
            Ok(pb::BallotChoice::Against) => Some(Choice::Against),
            Ok(pb::BallotChoice::Abstain) => Some(Choice::Abstain),
            _ => None,
        }
    }
}

impl Threshold {
    pub fn to_proto(self) -> pb::MatterThreshold {
        match self {
            Threshold::AtLeastThreeQuarters => pb::MatterThreshold::AtLeastThreeQuarters,
            Threshold::MoreThanHalf => pb::MatterThreshold::MoreThanHalf,
        }
    }
}

impl OutcomeReason {
    pub fn to_proto(self) -> pb::MatterOutcomeReason {
        match self {
            OutcomeReason::Passed => pb::MatterOutcomeReason::Passed,
            OutcomeReason::ParticipatingAreaBelowTwoThirds => {
                pb::MatterOutcomeReason::ParticipatingAreaBelowTwoThirds
            }
            OutcomeReason::ParticipatingHeadsBelowTwoThirds => {
                pb::MatterOutcomeReason::ParticipatingHeadsBelowTwoThirds
            }
            OutcomeReason::AgreeingAreaBelowThreshold => {
                pb::MatterOutcomeReason::AgreeingAreaBelowThreshold
            }
            OutcomeReason::AgreeingHeadsBelowThreshold => {
                pb::MatterOutcomeReason::AgreeingHeadsBelowThreshold
            }
        }
    }
}
