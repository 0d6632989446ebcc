//! What a caller may ask of a wish. Every command carries the caller's
//! district; every time is passed in.

use super::WishClaimantKind;
use chrono::{DateTime, Utc};
use gongzhi_kernel::DistrictCode;

/// Who takes a wish up: a volunteer, party member or unit, by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimant {
    pub kind: WishClaimantKind,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WishCommand {
    Post {
        /// UUID; the stream is `wish-<wish_id>`.
        wish_id: String,
        district: DistrictCode,
        /// 12-digit community code within the district.
        community: String,
        /// Resident id of the poster.
        resident_id: String,
        text: String,
        posted_at: DateTime<Utc>,
    },
    Claim {
        district: DistrictCode,
        claimant: Claimant,
        claimed_at: DateTime<Utc>,
    },
    Release {
        district: DistrictCode,
        claimant: Claimant,
        released_at: DateTime<Utc>,
    },
    Fulfil {
        district: DistrictCode,
        claimant: Claimant,
        note: String,
        fulfilled_at: DateTime<Utc>,
    },
    Confirm {
        district: DistrictCode,
        resident_id: String,
        confirmed_at: DateTime<Utc>,
    },
    Withdraw {
        district: DistrictCode,
        resident_id: String,
        withdrawn_at: DateTime<Utc>,
    },
}
