use super::{Choice, Matter, Roll};
use chrono::{DateTime, NaiveDate, Utc};
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::property::v1::BallotChannel;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatterSpec {
    pub matter_id: String,
    pub matter: Matter,
    pub title: String,
    pub proposal: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssemblyCommand {
    Convene {
        assembly_id: String,
        estate_id: String,
        district: DistrictCode,
        /// The estate's first assembly (its preparatory group convenes it;
        /// the application checks the group exists).
        first: bool,
        convened_by: String,
        notice_given_on: NaiveDate,
        held_on: NaiveDate,
        matters: Vec<MatterSpec>,
        /// The estate's roll now; frozen into the convening event.
        roll: Roll,
    },
    CastBallot {
        district: DistrictCode,
        matter_id: String,
        head: super::Head,
        choice: Choice,
        channel: BallotChannel,
        at: DateTime<Utc>,
    },
    Close {
        district: DistrictCode,
        at: DateTime<Utc>,
    },
}
