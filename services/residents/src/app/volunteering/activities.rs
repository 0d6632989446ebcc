//! Scheduling, attendance and certification, and the credits certification
//! writes (see the module contract of `app::volunteering`).

use super::{
    ACTIVITY_CATEGORY, POINTS_CATEGORY, VolunteeringApp, VolunteeringAppError, VolunteeringError,
    later, refused,
};
use crate::app::ParticipationError;
use crate::domain::participation::volunteering::{
    Activity, ActivityCommand, ActivityError, ActivityFacts, ActivityState, Points, PointsCommand,
    points_for,
};
use chrono::{DateTime, Utc};
use gongzhi_commands::{CommandError, Receipt};
use gongzhi_divisions::CommunityCode;
use gongzhi_kernel::DistrictCode;
use gongzhi_server::CommandContext;
use uuid::Uuid;

/// Who schedules an activity: always the caller, who becomes its organiser.
/// A resident organiser must live in the district; staff act in theirs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Organiser {
    Staff,
    Resident(Uuid),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleActivity {
    pub community: CommunityCode,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub points_per_hour: i64,
}

/// A certification and what it credited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certification {
    /// The activity stream's receipt, with `position` raised to the last
    /// credit written so one `min_position` covers every account.
    pub receipt: Receipt,
    /// (volunteer id, minutes, points), in order of recording.
    pub credited: Vec<(String, i64, i64)>,
}

/// The id of the `n`th event crediting `volunteer_id` for `activity_id`:
/// the same for every writer, so a credit is written once.
fn credit_event_id(activity_id: Uuid, volunteer_id: &str, n: usize) -> Uuid {
    Uuid::new_v5(
        &activity_id,
        format!("points-earned\n{volunteer_id}\n{n}").as_bytes(),
    )
}

impl VolunteeringApp {
    pub async fn schedule(
        &self,
        context: &CommandContext,
        district: DistrictCode,
        organiser: Organiser,
        plan: ScheduleActivity,
    ) -> Result<(Uuid, Receipt), VolunteeringAppError> {
        if let Organiser::Resident(resident_id) = organiser {
            self.participation
                .ensure_resident_here(&district, resident_id)
                .await?;
        }
        let activity_id = Uuid::new_v5(&context.event_id(0), b"activity");
        let command = ActivityCommand::Plan {
            activity_id: activity_id.to_string(),
            district: district.clone(),
            community: plan.community.as_str().to_owned(),
            organiser_id: context.caller.subject.clone(),
            title: plan.title,
            starts_at: plan.starts_at,
            ends_at: plan.ends_at,
            points_per_hour: plan.points_per_hour,
        };
        let receipt = self
            .run_request::<Activity>(
                context,
                &district,
                (ACTIVITY_CATEGORY, &activity_id),
                command,
            )
            .await?;
        Ok((activity_id, receipt))
    }

    /// The organiser records a volunteer's minutes; the volunteer must live
    /// in the district.
    pub async fn record_attendance(
        &self,
        context: &CommandContext,
        district: DistrictCode,
        activity_id: Uuid,
        volunteer_id: Uuid,
        minutes: i64,
    ) -> Result<Receipt, VolunteeringAppError> {
        self.participation
            .ensure_resident_here(&district, volunteer_id)
            .await?;
        let command = ActivityCommand::RecordAttendance {
            district: district.clone(),
            organiser_id: context.caller.subject.clone(),
            volunteer_id: volunteer_id.to_string(),
            minutes,
        };
        self.run_request::<Activity>(
            context,
            &district,
            (ACTIVITY_CATEGORY, &activity_id),
            command,
        )
        .await
    }

    pub async fn amend_attendance(
        &self,
        context: &CommandContext,
        district: DistrictCode,
        activity_id: Uuid,
        volunteer_id: Uuid,
        minutes: i64,
    ) -> Result<Receipt, VolunteeringAppError> {
        let command = ActivityCommand::AmendAttendance {
            district: district.clone(),
            organiser_id: context.caller.subject.clone(),
            volunteer_id: volunteer_id.to_string(),
            minutes,
        };
        self.run_request::<Activity>(
            context,
            &district,
            (ACTIVITY_CATEGORY, &activity_id),
            command,
        )
        .await
    }

    /// The organiser certifies, then every volunteer is credited once.
    pub async fn certify(
        &self,
        context: &CommandContext,
        district: DistrictCode,
        activity_id: Uuid,
    ) -> Result<Certification, VolunteeringAppError> {
        let command = ActivityCommand::Certify {
            district: district.clone(),
            organiser_id: context.caller.subject.clone(),
            at: self.participation.now(),
        };
        let certified = self
            .run_request::<Activity>(
                context,
                &district,
                (ACTIVITY_CATEGORY, &activity_id),
                command,
            )
            .await;
        let receipt = match certified {
            Ok(receipt) => receipt,
            Err(ParticipationError::Command(CommandError::Domain(
                VolunteeringError::Activity(ActivityError::AlreadyCertified),
            ))) => {
                // Only the organiser gets this far (the decider checks who
                // asks first): complete any credits an interrupted
                // certification left out, then answer the refusal.
                let facts = self.certified(activity_id).await?;
                self.credit(context, &district, activity_id, &facts).await?;
                return Err(refused(ActivityError::AlreadyCertified));
            }
            Err(other) => return Err(other),
        };
        let facts = self.certified(activity_id).await?;
        let (position, credited) = self.credit(context, &district, activity_id, &facts).await?;
        Ok(Certification {
            receipt: Receipt {
                position: later(position, &receipt),
                ..receipt
            },
            credited,
        })
    }

    /// The activity's certified facts, read back from its stream.
    async fn certified(&self, activity_id: Uuid) -> Result<ActivityFacts, VolunteeringAppError> {
        match self
            .state::<Activity>(ACTIVITY_CATEGORY, &activity_id)
            .await?
        {
            ActivityState::Planned(facts) if facts.certified => Ok(facts),
            // The stream answered a certification a moment ago; anything else
            // means it was read from somewhere it was not written.
            _ => Err(refused(ActivityError::NotFound)),
        }
    }

    /// Credits every volunteer of a certified activity; returns the last
    /// position written or replayed and what each was credited.
    async fn credit(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        activity_id: Uuid,
        facts: &ActivityFacts,
    ) -> Result<(u64, Vec<(String, i64, i64)>), VolunteeringAppError> {
        let mut position = 0;
        let mut credited = Vec::new();
        for attendance in &facts.attendance {
            let points = points_for(attendance.minutes, facts.points_per_hour);
            credited.push((attendance.volunteer_id.clone(), attendance.minutes, points));
            if points == 0 {
                // Too few minutes for a whole point: nothing to credit.
                continue;
            }
            let volunteer_id = attendance.volunteer_id.as_str();
            let command = PointsCommand::Earn {
                district: district.clone(),
                volunteer_id: volunteer_id.to_owned(),
                activity_id: facts.activity_id.clone(),
                points,
            };
            let receipt = self
                .run::<Points>(
                    context,
                    district,
                    (POINTS_CATEGORY, &volunteer_id),
                    command,
                    |n| credit_event_id(activity_id, volunteer_id, n),
                )
                .await?;
            position = later(position, &receipt);
        }
        Ok((position, credited))
    }
}
