//! Meetings (hearing 听证会, coordination 协调会, evaluation 评议会) and the
//! residents' council (居民会议/议事会) as a pure decider, in stream
//! `meeting-<uuid>`.
//!
//! Contract: a meeting is convened by a convener the district's
//! [`ConveningRules`] allow (a petition needs its share of signatures) with at
//! least the minimum notice; attendance is registered before opening, each
//! voter once, never more than the eligible; it opens only with a quorum
//! (strictly more than the quorum share of the eligible) and not before the
//! time it was announced for, so the notice period means something; motions are tabled
//! and voted while open, by those present only, once per voter and motion, never
//! after the motion closed; closing a motion records its counts and why it
//! passed or failed (strictly more than the passing share of those present
//! vote for); the meeting closes once no motion is open. Every command acts in
//! the meeting's own district. The rules in force are written into the
//! convening event, so a later change of a district's rules never recounts
//! an old meeting.

mod codec;
mod decide;
mod error;
mod rules;

pub use codec::MeetingEvent;
pub use error::MeetingError;
pub use rules::{
    ConveningRules, InvalidShare, MeetingConvener, MeetingRules, MotionCounts, MotionOutcomeReason,
    QuorumRules, Share, motion_outcome,
};

use chrono::{DateTime, SecondsFormat, Utc};
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::residents::v1 as pb;
use std::collections::{BTreeMap, BTreeSet};

pub use pb::{MeetingKind, MotionChoice};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeetingCommand {
    Convene {
        meeting_id: String,
        district: DistrictCode,
        /// 12-digit community code, already checked against the code table.
        community: String,
        kind: MeetingKind,
        /// What the meeting is about, as announced in the notice.
        title: String,
        convener: MeetingConvener,
        convened_by: String,
        /// Signatures gathered for a petition; ignored for other conveners.
        petition_signatures: u32,
        /// Adult residents or household representatives entitled to attend.
        eligible_count: u32,
        scheduled_at: DateTime<Utc>,
        notice_given_at: DateTime<Utc>,
        /// The district's configured rules (defaults from the Organic Law).
        rules: MeetingRules,
    },
    RegisterAttendance {
        district: DistrictCode,
        /// Eligible voters (checked by the application against the registry).
        voter_ids: Vec<String>,
    },
    Open {
        district: DistrictCode,
        opened_at: DateTime<Utc>,
    },
    TableMotion {
        district: DistrictCode,
        motion_id: String,
        title: String,
    },
    CastVote {
        district: DistrictCode,
        motion_id: String,
        voter_id: String,
        choice: MotionChoice,
    },
    CloseMotion {
        district: DistrictCode,
        motion_id: String,
    },
    Close {
        district: DistrictCode,
        closed_at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingPhase {
    Convened,
    Open,
    Closed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Motion {
    pub title: String,
    pub votes: BTreeMap<String, MotionChoice>,
    /// `Some(passed)` once closed.
    pub outcome: Option<bool>,
}

impl Motion {
    pub fn counts(&self) -> MotionCounts {
        let mut counts = MotionCounts::default();
        for choice in self.votes.values() {
            match choice {
                MotionChoice::For => counts.votes_for += 1,
                MotionChoice::Against => counts.votes_against += 1,
                MotionChoice::Abstain | MotionChoice::Unspecified => counts.abstentions += 1,
            }
        }
        counts
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingFacts {
    pub meeting_id: String,
    pub district: String,
    pub community: String,
    /// `None` only for an event this decider did not write.
    pub scheduled_at: Option<DateTime<Utc>>,
    pub eligible_count: u32,
    pub quorum: QuorumRules,
    pub phase: MeetingPhase,
    pub attendees: BTreeSet<String>,
    pub motions: BTreeMap<String, Motion>,
}

impl MeetingFacts {
    fn present(&self) -> u32 {
        // Attendance never exceeds `eligible_count`, a u32.
        u32::try_from(self.attendees.len()).unwrap_or(u32::MAX)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum MeetingState {
    #[default]
    Absent,
    Present(MeetingFacts),
}

pub struct Meeting;

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|at| at.with_timezone(&Utc))
}

/// The meeting a command acts on, in the caller's district, not yet closed.
fn existing<'a>(
    state: &'a MeetingState,
    district: &DistrictCode,
) -> Result<&'a MeetingFacts, MeetingError> {
    let MeetingState::Present(facts) = state else {
        return Err(MeetingError::NotFound);
    };
    if facts.district != district.as_str() {
        return Err(MeetingError::WrongDistrict {
            given: district.to_string(),
            actual: facts.district.clone(),
        });
    }
    if facts.phase == MeetingPhase::Closed {
        return Err(MeetingError::Closed);
    }
    Ok(facts)
}

fn open_meeting<'a>(
    state: &'a MeetingState,
    district: &DistrictCode,
) -> Result<&'a MeetingFacts, MeetingError> {
    let facts = existing(state, district)?;
    if facts.phase != MeetingPhase::Open {
        return Err(MeetingError::NotOpen);
    }
    Ok(facts)
}

fn open_motion<'a>(facts: &'a MeetingFacts, motion_id: &str) -> Result<&'a Motion, MeetingError> {
    let Some(motion) = facts.motions.get(motion_id) else {
        return Err(MeetingError::MotionNotFound {
            motion_id: motion_id.to_owned(),
        });
    };
    if motion.outcome.is_some() {
        return Err(MeetingError::MotionClosed {
            motion_id: motion_id.to_owned(),
        });
    }
    Ok(motion)
}

impl Decider for Meeting {
    type State = MeetingState;
    type Command = MeetingCommand;
    type Event = MeetingEvent;
    type Error = MeetingError;

    fn decide(
        state: &MeetingState,
        command: MeetingCommand,
    ) -> Result<Vec<MeetingEvent>, MeetingError> {
        decide::decide(state, command).map(|event| vec![event])
    }

    fn evolve(state: MeetingState, event: &MeetingEvent) -> MeetingState {
        decide::evolve(state, event)
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
