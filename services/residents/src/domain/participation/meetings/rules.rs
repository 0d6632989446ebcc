//! Per-district rules for meetings, with defaults taken from the Organic Law
//! of Urban Residents' Committees (城市居民委员会组织法, 2018 text), art. 10:
//! "居民会议由居民委员会召集和主持。有五分之一以上的十八周岁以上的居民、
//! 五分之一以上的户或者三分之一以上的居民小组提议，应当召集居民会议。" and
//! "居民会议必须有全体十八周岁以上的居民、户的代表或者居民小组选举的代表的
//! 过半数出席，才能举行。会议的决定，由出席人的过半数通过。"
//!
//! 过半数 is strictly more than half; 以上 includes the number itself
//! (Legislation Law usage), so exactly one fifth of signatures is enough. The
//! seven days of notice are not in the law: they are our default, configurable
//! per district. All comparisons are integer cross-multiplications in u64,
//! which cannot overflow for u32 operands, never floats.

use chrono::Duration;
use gongzhi_proto::gongzhi::residents::v1 as pb;

pub use pb::{MeetingConvener, MotionOutcomeReason};

/// An exact share `numerator / denominator`, at most one whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    numerator: u32,
    denominator: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "a share needs a positive denominator and numerator <= denominator, got {numerator}/{denominator}"
)]
pub struct InvalidShare {
    pub numerator: u32,
    pub denominator: u32,
}

impl Share {
    pub const HALF: Share = Share {
        numerator: 1,
        denominator: 2,
    };
    pub const FIFTH: Share = Share {
        numerator: 1,
        denominator: 5,
    };

    pub fn parse(numerator: u32, denominator: u32) -> Result<Self, InvalidShare> {
        if denominator == 0 || numerator > denominator {
            return Err(InvalidShare {
                numerator,
                denominator,
            });
        }
        Ok(Self {
            numerator,
            denominator,
        })
    }

    pub fn numerator(self) -> u32 {
        self.numerator
    }

    pub fn denominator(self) -> u32 {
        self.denominator
    }

    /// `part / whole > self`, strictly: exactly the share is not more.
    pub fn exceeded_by(self, part: u32, whole: u32) -> bool {
        u64::from(part) * u64::from(self.denominator) > u64::from(whole) * u64::from(self.numerator)
    }

    /// `part / whole >= self`: the share or more (以上).
    pub fn reached_by(self, part: u32, whole: u32) -> bool {
        u64::from(part) * u64::from(self.denominator)
            >= u64::from(whole) * u64::from(self.numerator)
    }

    pub(crate) fn to_proto(self) -> pb::MeetingShare {
        pb::MeetingShare {
            numerator: self.numerator,
            denominator: self.denominator,
        }
    }

    /// A share read back from an event; a malformed one (never written by
    /// this decider) falls back to one half, the law's rule.
    pub(crate) fn from_proto(share: Option<&pb::MeetingShare>) -> Self {
        share
            .and_then(|s| Self::parse(s.numerator, s.denominator).ok())
            .unwrap_or(Self::HALF)
    }
}

/// Who may convene, and with how much notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConveningRules {
    /// Conveners accepted in this district.
    pub allowed_conveners: Vec<MeetingConvener>,
    /// Signatures needed for a petition, as a share of the eligible (or more).
    pub petition_share: Share,
    /// Least time between the notice and the meeting.
    pub minimum_notice: Duration,
}

impl Default for ConveningRules {
    fn default() -> Self {
        Self {
            allowed_conveners: vec![
                MeetingConvener::ResidentsCommittee,
                MeetingConvener::StreetOffice,
                MeetingConvener::ResidentsPetition,
            ],
            petition_share: Share::FIFTH,
            minimum_notice: Duration::days(7),
        }
    }
}

/// When a meeting may be held and when a motion passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuorumRules {
    /// Attendance must be strictly more than this share of the eligible.
    pub quorum_share: Share,
    /// Votes for must be strictly more than this share of those present.
    pub passing_share: Share,
}

impl Default for QuorumRules {
    fn default() -> Self {
        Self {
            quorum_share: Share::HALF,
            passing_share: Share::HALF,
        }
    }
}

/// The rules of one district, given by the application with each convening.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetingRules {
    pub convening: ConveningRules,
    pub quorum: QuorumRules,
}

/// Votes on one motion.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MotionCounts {
    pub votes_for: u32,
    pub votes_against: u32,
    pub abstentions: u32,
}

/// Whether a motion passes and why: first the quorum, then the majority of
/// those present (who did not vote or abstained count as present, not for).
pub fn motion_outcome(
    rules: QuorumRules,
    counts: MotionCounts,
    present: u32,
    eligible: u32,
) -> (bool, MotionOutcomeReason) {
    if !rules.quorum_share.exceeded_by(present, eligible) {
        return (false, MotionOutcomeReason::NoQuorum);
    }
    if rules.passing_share.exceeded_by(counts.votes_for, present) {
        return (true, MotionOutcomeReason::MajorityFor);
    }
    (false, MotionOutcomeReason::NoMajorityFor)
}
