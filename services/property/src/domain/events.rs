//! The stored form of every property event: proto messages of
//! `gongzhi.property.v1`, one enum per aggregate.

use gongzhi_proto::gongzhi::property::v1 as pb;

gongzhi_kernel::proto_events! {
    /// Stream `estate-<uuid>`.
    pub enum EstateEvent in "gongzhi.property.v1" from pb {
        Registered(EstateRegistered),
        BuildingAdded(BuildingAdded),
        UnitAdded(UnitAdded),
        AreaRecorded(UnitAreaRecorded),
        Delivered(UnitDelivered),
        Transferred(OwnershipTransferred),
        PreparatoryGroupFormed(PreparatoryGroupFormed),
    }
}

gongzhi_kernel::proto_events! {
    /// Stream `assembly-<uuid>`.
    pub enum AssemblyEvent in "gongzhi.property.v1" from pb {
        Convened(AssemblyConvened),
        BallotCast(BallotCast),
        MatterDecided(MatterDecided),
        Closed(AssemblyClosed),
    }
}

gongzhi_kernel::proto_events! {
    /// Stream `committee-<uuid>`.
    pub enum CommitteeEvent in "gongzhi.property.v1" from pb {
        Elected(CommitteeElected),
        Filed(CommitteeFiled),
        FlaggedLate(CommitteeFilingFlaggedLate),
    }
}

gongzhi_kernel::proto_events! {
    /// Stream `management-<estate uuid>`.
    pub enum ManagementEvent in "gongzhi.property.v1" from pb {
        PreliminarySigned(PreliminaryContractSigned),
        ServiceSigned(ServiceContractSigned),
        PreliminaryEnded(PreliminaryContractEnded),
        Dismissed(CompanyDismissed),
    }
}

gongzhi_kernel::proto_events! {
    /// Stream `propertyfee-<uuid>`, one per unit and month.
    pub enum FeeEvent in "gongzhi.property.v1" from pb {
        Collected(FeeCollected),
    }
}

gongzhi_kernel::proto_events! {
    /// Stream `fund-<estate uuid>`.
    pub enum FundEvent in "gongzhi.property.v1" from pb {
        Deposited(FundDeposited),
        UseApproved(FundUseApproved),
        Spent(FundSpent),
    }
}

gongzhi_kernel::proto_events! {
    /// Stream `dispute-<uuid>`.
    pub enum DisputeEvent in "gongzhi.property.v1" from pb {
        Filed(DisputeFiled),
        MediationStarted(MediationStarted),
        Escalated(DisputeEscalated),
        Resolved(DisputeResolved),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongzhi_kernel::{DecodeError, EventCodec};

    #[test]
    fn round_trips_under_the_full_proto_name() {
        let event = FundEvent::Deposited(pb::FundDeposited {
            estate_id: "e".into(),
            amount_fen: 100,
            ..Default::default()
        });
        assert_eq!(event.event_type(), "gongzhi.property.v1.FundDeposited");
        assert_eq!(
            FundEvent::decode(event.event_type(), &event.encode()),
            Ok(event)
        );
    }

    #[test]
    fn unknown_and_malformed_are_errors() {
        assert_eq!(
            FundEvent::decode("gongzhi.property.v1.Nope", &[]),
            Err(DecodeError::UnknownType("gongzhi.property.v1.Nope".into()))
        );
        assert!(matches!(
            FundEvent::decode("gongzhi.property.v1.FundDeposited", &[0xff, 0xff]),
            Err(DecodeError::Malformed { .. })
        ));
    }
}
