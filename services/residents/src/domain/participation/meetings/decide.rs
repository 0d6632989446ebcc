//! The meeting's decide and evolve, one arm per command and event.

use super::{
    MeetingCommand, MeetingError, MeetingEvent, MeetingFacts, MeetingPhase, MeetingState, Motion,
    MotionChoice, QuorumRules, Share, existing, motion_outcome, open_meeting, open_motion,
    parse_timestamp, timestamp,
};
use gongzhi_proto::gongzhi::residents::v1 as pb;
use pb::{MeetingConvener, MeetingKind};
use std::collections::BTreeSet;

pub(super) fn decide(
    state: &MeetingState,
    command: MeetingCommand,
) -> Result<MeetingEvent, MeetingError> {
    Ok(match command {
        MeetingCommand::Convene {
            meeting_id,
            district,
            community,
            kind,
            title,
            convener,
            convened_by,
            petition_signatures,
            eligible_count,
            scheduled_at,
            notice_given_at,
            rules,
        } => {
            if *state != MeetingState::Absent {
                return Err(MeetingError::AlreadyExists);
            }
            if !community.starts_with(district.as_str()) {
                return Err(MeetingError::CommunityOutsideDistrict {
                    community,
                    district: district.to_string(),
                });
            }
            if kind == MeetingKind::Unspecified {
                return Err(MeetingError::KindRequired);
            }
            if convener == MeetingConvener::Unspecified
                || !rules.convening.allowed_conveners.contains(&convener)
            {
                return Err(MeetingError::ConvenerNotAllowed {
                    convener: convener.as_str_name().to_owned(),
                });
            }
            if eligible_count == 0 {
                return Err(MeetingError::NoEligible);
            }
            let petition = convener == MeetingConvener::ResidentsPetition;
            let needed = rules.convening.petition_share;
            if petition && !needed.reached_by(petition_signatures, eligible_count) {
                return Err(MeetingError::NotEnoughSignatures {
                    signatures: petition_signatures,
                    eligible: eligible_count,
                    numerator: needed.numerator(),
                    denominator: needed.denominator(),
                });
            }
            let notice = scheduled_at - notice_given_at;
            if notice < rules.convening.minimum_notice {
                return Err(MeetingError::NoticeTooShort {
                    given_minutes: notice.num_minutes(),
                    required_minutes: rules.convening.minimum_notice.num_minutes(),
                });
            }
            MeetingEvent::Convened(pb::MeetingConvened {
                meeting_id,
                district: district.to_string(),
                community,
                kind: kind.into(),
                convener: convener.into(),
                convened_by,
                petition_signatures: if petition { petition_signatures } else { 0 },
                eligible_count,
                scheduled_at: timestamp(scheduled_at),
                notice_given_at: timestamp(notice_given_at),
                quorum_share: Some(rules.quorum.quorum_share.to_proto()),
                passing_share: Some(rules.quorum.passing_share.to_proto()),
                title,
            })
        }
        MeetingCommand::RegisterAttendance {
            district,
            voter_ids,
        } => {
            let facts = existing(state, &district)?;
            if facts.phase != MeetingPhase::Convened {
                return Err(MeetingError::AttendanceClosed);
            }
            let mut seen = BTreeSet::new();
            for voter_id in &voter_ids {
                if facts.attendees.contains(voter_id) || !seen.insert(voter_id) {
                    return Err(MeetingError::AlreadyPresent {
                        voter_id: voter_id.clone(),
                    });
                }
            }
            let attending = facts.attendees.len().saturating_add(voter_ids.len());
            let attending = u32::try_from(attending).unwrap_or(u32::MAX);
            if attending > facts.eligible_count {
                return Err(MeetingError::MoreAttendeesThanEligible {
                    attending,
                    eligible: facts.eligible_count,
                });
            }
            MeetingEvent::AttendanceRegistered(pb::MeetingAttendanceRegistered {
                meeting_id: facts.meeting_id.clone(),
                district: district.to_string(),
                voter_ids,
            })
        }
        MeetingCommand::Open {
            district,
            opened_at,
        } => {
            let facts = existing(state, &district)?;
            if facts.phase != MeetingPhase::Convened {
                return Err(MeetingError::AlreadyOpen);
            }
            if let Some(scheduled_at) = facts.scheduled_at
                && opened_at < scheduled_at
            {
                return Err(MeetingError::NotYetDue {
                    scheduled_at: timestamp(scheduled_at),
                });
            }
            let present = facts.present();
            if !facts
                .quorum
                .quorum_share
                .exceeded_by(present, facts.eligible_count)
            {
                return Err(MeetingError::QuorumNotReached {
                    present,
                    eligible: facts.eligible_count,
                });
            }
            MeetingEvent::Opened(pb::MeetingOpened {
                meeting_id: facts.meeting_id.clone(),
                district: district.to_string(),
                present_count: present,
                eligible_count: facts.eligible_count,
                opened_at: timestamp(opened_at),
            })
        }
        MeetingCommand::TableMotion {
            district,
            motion_id,
            title,
        } => {
            let facts = open_meeting(state, &district)?;
            if facts.motions.contains_key(&motion_id) {
                return Err(MeetingError::MotionAlreadyTabled { motion_id });
            }
            MeetingEvent::MotionTabled(pb::MotionTabled {
                meeting_id: facts.meeting_id.clone(),
                district: district.to_string(),
                motion_id,
                title,
            })
        }
        MeetingCommand::CastVote {
            district,
            motion_id,
            voter_id,
            choice,
        } => {
            let facts = open_meeting(state, &district)?;
            let motion = open_motion(facts, &motion_id)?;
            if choice == MotionChoice::Unspecified {
                return Err(MeetingError::ChoiceRequired);
            }
            if !facts.attendees.contains(&voter_id) {
                return Err(MeetingError::NotPresent { voter_id });
            }
            if motion.votes.contains_key(&voter_id) {
                return Err(MeetingError::VotedTwice {
                    voter_id,
                    motion_id,
                });
            }
            MeetingEvent::VoteCast(pb::MotionVoteCast {
                meeting_id: facts.meeting_id.clone(),
                district: district.to_string(),
                motion_id,
                voter_id,
                choice: choice.into(),
            })
        }
        MeetingCommand::CloseMotion {
            district,
            motion_id,
        } => {
            let facts = open_meeting(state, &district)?;
            let motion = open_motion(facts, &motion_id)?;
            let counts = motion.counts();
            let present = facts.present();
            let (passed, reason) =
                motion_outcome(facts.quorum, counts, present, facts.eligible_count);
            MeetingEvent::MotionClosed(pb::MotionClosed {
                meeting_id: facts.meeting_id.clone(),
                district: district.to_string(),
                motion_id,
                votes_for: counts.votes_for,
                votes_against: counts.votes_against,
                abstentions: counts.abstentions,
                present_count: present,
                eligible_count: facts.eligible_count,
                passed,
                reason: reason.into(),
            })
        }
        MeetingCommand::Close {
            district,
            closed_at,
        } => {
            let facts = existing(state, &district)?;
            let still_open: Vec<String> = facts
                .motions
                .iter()
                .filter(|(_, motion)| motion.outcome.is_none())
                .map(|(id, _)| id.clone())
                .collect();
            if !still_open.is_empty() {
                return Err(MeetingError::MotionsStillOpen {
                    motion_ids: still_open,
                });
            }
            MeetingEvent::Closed(pb::MeetingClosed {
                meeting_id: facts.meeting_id.clone(),
                district: district.to_string(),
                closed_at: timestamp(closed_at),
            })
        }
    })
}

fn choice_of(value: i32) -> MotionChoice {
    // Written by this decider, which refuses unspecified choices; a newer
    // writer's value reads as unspecified, counted with abstentions.
    MotionChoice::try_from(value).unwrap_or(MotionChoice::Unspecified)
}

pub(super) fn evolve(state: MeetingState, event: &MeetingEvent) -> MeetingState {
    match (state, event) {
        (MeetingState::Absent, MeetingEvent::Convened(e)) => MeetingState::Present(MeetingFacts {
            meeting_id: e.meeting_id.clone(),
            district: e.district.clone(),
            community: e.community.clone(),
            scheduled_at: parse_timestamp(&e.scheduled_at),
            eligible_count: e.eligible_count,
            quorum: QuorumRules {
                quorum_share: Share::from_proto(e.quorum_share.as_ref()),
                passing_share: Share::from_proto(e.passing_share.as_ref()),
            },
            phase: MeetingPhase::Convened,
            attendees: BTreeSet::new(),
            motions: Default::default(),
        }),
        (MeetingState::Present(mut facts), MeetingEvent::AttendanceRegistered(e)) => {
            facts.attendees.extend(e.voter_ids.iter().cloned());
            MeetingState::Present(facts)
        }
        (MeetingState::Present(mut facts), MeetingEvent::Opened(_)) => {
            facts.phase = MeetingPhase::Open;
            MeetingState::Present(facts)
        }
        (MeetingState::Present(mut facts), MeetingEvent::MotionTabled(e)) => {
            facts.motions.insert(
                e.motion_id.clone(),
                Motion {
                    title: e.title.clone(),
                    votes: Default::default(),
                    outcome: None,
                },
            );
            MeetingState::Present(facts)
        }
        (MeetingState::Present(mut facts), MeetingEvent::VoteCast(e)) => {
            if let Some(motion) = facts.motions.get_mut(&e.motion_id) {
                motion.votes.insert(e.voter_id.clone(), choice_of(e.choice));
            }
            MeetingState::Present(facts)
        }
        (MeetingState::Present(mut facts), MeetingEvent::MotionClosed(e)) => {
            if let Some(motion) = facts.motions.get_mut(&e.motion_id) {
                motion.outcome = Some(e.passed);
            }
            MeetingState::Present(facts)
        }
        (MeetingState::Present(mut facts), MeetingEvent::Closed(_)) => {
            facts.phase = MeetingPhase::Closed;
            MeetingState::Present(facts)
        }
        (state, _) => state,
    }
}
