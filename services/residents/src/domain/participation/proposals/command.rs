//! What a caller may ask of a proposal or complaint. Every command carries the
//! caller's district; every time is passed in.

use super::{Owner, ProposalKind};
use chrono::{DateTime, Utc};
use gongzhi_kernel::DistrictCode;

/// A complaint about a street problem, for the grids service.
#[derive(Debug, Clone, PartialEq)]
pub struct StreetProblem {
    /// 15-digit unit grid code in the item's district.
    pub grid: String,
    /// Free text, as the resident described it.
    pub category: String,
    pub address: String,
    /// WGS 84 degrees, zero when unknown.
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProposalRaise {
    /// UUID; the stream is `proposal-<proposal_id>`.
    pub proposal_id: String,
    pub kind: ProposalKind,
    pub title: String,
    pub body: String,
    /// 12-digit community code within the district.
    pub community: String,
    /// Resident id.
    pub raised_by: String,
    pub raised_at: DateTime<Utc>,
    /// Only for complaints.
    pub street_problem: Option<StreetProblem>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProposalCommand {
    Raise {
        district: DistrictCode,
        raise: ProposalRaise,
    },
    Assign {
        district: DistrictCode,
        owner: Owner,
        deadline: DateTime<Utc>,
        assigned_at: DateTime<Utc>,
    },
    Support {
        district: DistrictCode,
        resident_id: String,
        supported_at: DateTime<Utc>,
    },
    Answer {
        district: DistrictCode,
        answered_by: Owner,
        /// The caller holds an administrator role (checked by the caller) and
        /// may answer in the owner's place.
        admin: bool,
        answer: String,
        answered_at: DateTime<Utc>,
    },
    Close {
        district: DistrictCode,
        closed_at: DateTime<Utc>,
    },
    FlagOverdue {
        district: DistrictCode,
        now: DateTime<Utc>,
    },
}
