//! Meetings (hearings, coordination and evaluation meetings, the residents'
//! council) in stream `meeting-<uuid>`, and the `meetings` read model.
//!
//! Contract:
//! - The eligible count is the registry's, not the caller's: the adult
//!   residents of the community on the meeting day (see [`Electorate`]),
//!   counted when the meeting is convened, once the `residents` read model
//!   holds every event written so far. People who move in later may attend
//!   as long as attendance stays within that count (the decider refuses more).
//! - The district's rules ([`ResidentsConfig`]) go into the convening event,
//!   and the notice runs from the app clock's now to the announced time.
//! - A petition names its signatories; each must be an adult resident of the
//!   community today, and their number is what the rules compare.
//! - Attendees must be adult residents of the community on the meeting day.
//!   The decider runs first as a dry run on the current state, so a refusal
//!   of the meeting itself (not found, attendance closed) comes before the
//!   registry is asked.
//! - A retried request answers its first receipt before anything is checked
//!   again, so a later change in the registry cannot turn a retry into an error.

use super::config::ResidentsConfig;
use super::electorate::{Electorate, day_in_china};
use super::participation::{ParticipationApp, ParticipationError, RuleError};
use crate::domain::participation::meetings::{
    Meeting, MeetingCommand, MeetingConvener, MeetingError, MeetingFacts, MeetingKind,
    MeetingPhase, MeetingState, MotionChoice,
};
use chrono::{DateTime, Utc};
use gongzhi_commands::Receipt;
use gongzhi_divisions::CommunityCode;
use gongzhi_kernel::Decider;
use gongzhi_kernel::DistrictCode;
use gongzhi_projections::ProjectionHandle;
use gongzhi_server::CommandContext;
use std::sync::Arc;
use uuid::Uuid;

mod view;

pub use view::{MeetingView, MotionView, explain};

pub const MEETING_CATEGORY: &str = "meeting";

pub type MeetingAppError = ParticipationError<MeetingError>;

impl RuleError for MeetingError {
    fn reason(&self) -> &'static str {
        MeetingError::reason(self)
    }

    fn hides_existence(&self) -> bool {
        matches!(self, Self::NotFound | Self::WrongDistrict { .. })
    }
}

/// A convening whose every field is already valid.
#[derive(Debug, Clone)]
pub struct ConveneMeeting {
    pub district: DistrictCode,
    pub community: CommunityCode,
    pub kind: MeetingKind,
    pub title: String,
    pub convener: MeetingConvener,
    pub scheduled_at: DateTime<Utc>,
    /// Distinct resident ids; empty unless convened by petition.
    pub petition_signatories: Vec<Uuid>,
}

#[derive(Debug, Clone)]
pub struct Convened {
    pub meeting_id: Uuid,
    pub receipt: Receipt,
    pub eligible_count: u32,
}

/// A change to an existing meeting.
#[derive(Debug, Clone)]
pub enum MeetingChange {
    RegisterAttendance {
        voters: Vec<Uuid>,
    },
    Open,
    CastVote {
        motion_id: Uuid,
        voter: Uuid,
        choice: MotionChoice,
    },
    CloseMotion {
        motion_id: Uuid,
    },
    Close,
}

#[derive(Clone)]
pub struct MeetingsApp {
    participation: ParticipationApp,
    electorate: Electorate,
    config: Arc<ResidentsConfig>,
    meetings: ProjectionHandle,
}

impl MeetingsApp {
    pub fn new(
        participation: ParticipationApp,
        electorate: Electorate,
        config: Arc<ResidentsConfig>,
        meetings: ProjectionHandle,
    ) -> Self {
        Self {
            participation,
            electorate,
            config,
            meetings,
        }
    }

    pub async fn convene(
        &self,
        context: &CommandContext,
        command: ConveneMeeting,
    ) -> Result<Convened, MeetingAppError> {
        let meeting_id = Uuid::new_v5(&context.event_id(0), b"meeting");
        let district = command.district;
        let receipt = match self.earlier(context).await? {
            Some(receipt) => receipt,
            None => {
                let community = command.community.as_str();
                let eligible_count = self
                    .electorate
                    .count_adults(&district, community, day_in_china(command.scheduled_at))
                    .await?;
                let now = self.participation.now();
                for signatory in &command.petition_signatories {
                    self.electorate
                        .adult_in(&district, community, *signatory, day_in_china(now))
                        .await?;
                }
                let convene = MeetingCommand::Convene {
                    meeting_id: meeting_id.to_string(),
                    district: district.clone(),
                    community: community.to_owned(),
                    kind: command.kind,
                    title: command.title,
                    convener: command.convener,
                    convened_by: context.caller.subject.clone(),
                    petition_signatures: u32::try_from(command.petition_signatories.len())
                        .unwrap_or(u32::MAX),
                    eligible_count,
                    scheduled_at: command.scheduled_at,
                    notice_given_at: now,
                    rules: self.config.district(&district).meetings.clone(),
                };
                self.participation
                    .run::<Meeting>(context, &district, MEETING_CATEGORY, meeting_id, convene)
                    .await?
            }
        };
        let meeting_id = Uuid::parse_str(receipt.stream.id()).unwrap_or(meeting_id);
        // What was recorded, also for a retry: not today's count.
        let eligible_count = match self
            .participation
            .state::<Meeting>(MEETING_CATEGORY, meeting_id)
            .await?
        {
            MeetingState::Present(facts) => facts.eligible_count,
            MeetingState::Absent => 0,
        };
        Ok(Convened {
            meeting_id,
            receipt,
            eligible_count,
        })
    }

    /// Tables a motion; its id derives from the request, so a retry names
    /// the same motion.
    pub async fn table_motion(
        &self,
        context: &CommandContext,
        district: DistrictCode,
        meeting_id: Uuid,
        title: String,
    ) -> Result<(Uuid, Receipt), MeetingAppError> {
        let motion_id = Uuid::new_v5(&context.event_id(0), b"motion");
        let command = MeetingCommand::TableMotion {
            district: district.clone(),
            motion_id: motion_id.to_string(),
            title,
        };
        let receipt = self
            .participation
            .run::<Meeting>(context, &district, MEETING_CATEGORY, meeting_id, command)
            .await?;
        Ok((motion_id, receipt))
    }

    pub async fn change(
        &self,
        context: &CommandContext,
        district: DistrictCode,
        meeting_id: Uuid,
        change: MeetingChange,
    ) -> Result<Receipt, MeetingAppError> {
        if let Some(receipt) = self.earlier(context).await? {
            return Ok(receipt);
        }
        let command = match change {
            MeetingChange::RegisterAttendance { voters } => {
                let command = MeetingCommand::RegisterAttendance {
                    district: district.clone(),
                    voter_ids: voters.iter().map(Uuid::to_string).collect(),
                };
                let state = self
                    .participation
                    .state::<Meeting>(MEETING_CATEGORY, meeting_id)
                    .await?;
                let facts = dry_run(&state, command.clone())?;
                let day = day_in_china(
                    facts
                        .scheduled_at
                        .unwrap_or_else(|| self.participation.now()),
                );
                for voter in &voters {
                    self.electorate
                        .adult_in(&district, &facts.community, *voter, day)
                        .await?;
                }
                command
            }
            MeetingChange::Open => MeetingCommand::Open {
                district: district.clone(),
                opened_at: self.participation.now(),
            },
            MeetingChange::CastVote {
                motion_id,
                voter,
                choice,
            } => MeetingCommand::CastVote {
                district: district.clone(),
                motion_id: motion_id.to_string(),
                voter_id: voter.to_string(),
                choice,
            },
            MeetingChange::CloseMotion { motion_id } => MeetingCommand::CloseMotion {
                district: district.clone(),
                motion_id: motion_id.to_string(),
            },
            MeetingChange::Close => MeetingCommand::Close {
                district: district.clone(),
                closed_at: self.participation.now(),
            },
        };
        self.participation
            .run::<Meeting>(context, &district, MEETING_CATEGORY, meeting_id, command)
            .await
    }

    async fn earlier(&self, context: &CommandContext) -> Result<Option<Receipt>, MeetingAppError> {
        Ok(super::replay::earlier_receipt(self.participation.store(), context).await?)
    }

    pub async fn get(
        &self,
        district: &DistrictCode,
        meeting_id: Uuid,
        min_position: u64,
    ) -> Result<MeetingView, MeetingAppError> {
        let mut tx = self
            .participation
            .read_after(&self.meetings, min_position)
            .await?;
        let found = view::meeting(&mut tx, district, meeting_id).await?;
        let Some(mut meeting) = found else {
            tx.commit().await?;
            return Err(ParticipationError::NotFound("meeting"));
        };
        meeting.motions = view::motions(&mut tx, &meeting).await?;
        tx.commit().await?;
        Ok(meeting)
    }

    /// Meetings in the order convened, after the page token's position.
    pub async fn list(
        &self,
        district: &DistrictCode,
        community: Option<&CommunityCode>,
        page_size: u32,
        after: i64,
        min_position: u64,
    ) -> Result<(Vec<MeetingView>, Option<i64>), MeetingAppError> {
        let mut tx = self
            .participation
            .read_after(&self.meetings, min_position)
            .await?;
        let page = view::page(&mut tx, district, community, page_size, after).await?;
        tx.commit().await?;
        Ok(page)
    }
}

fn domain(error: MeetingError) -> MeetingAppError {
    ParticipationError::Command(gongzhi_commands::CommandError::Domain(error))
}

/// The meeting's own refusal of `command`, if any, before the registry is
/// asked anything; the command then runs for real against the latest state.
fn dry_run(
    state: &MeetingState,
    command: MeetingCommand,
) -> Result<&MeetingFacts, MeetingAppError> {
    Meeting::decide(state, command).map_err(domain)?;
    match state {
        MeetingState::Present(facts) => Ok(facts),
        MeetingState::Absent => Err(domain(MeetingError::NotFound)),
    }
}

/// A meeting phase as the read model stores it.
pub fn phase_of(code: i64) -> Option<MeetingPhase> {
    match code {
        1 => Some(MeetingPhase::Convened),
        2 => Some(MeetingPhase::Open),
        3 => Some(MeetingPhase::Closed),
        _ => None,
    }
}
