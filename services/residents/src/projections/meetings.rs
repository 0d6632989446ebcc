//! `meetings`: each meeting with its rules, attendance, motions and votes.
//! Every apply is idempotent (inserts do nothing on conflict, updates set
//! values), so a redelivered event changes nothing.

use crate::domain::participation::meetings::{MeetingEvent, MeetingPhase};
use gongzhi_eventstore::RecordedEvent;
use gongzhi_kernel::EventCodec;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;

pub struct MeetingsProjection;

/// The phase as stored: 1 convened, 2 open, 3 closed.
pub fn phase_code(phase: MeetingPhase) -> i64 {
    match phase {
        MeetingPhase::Convened => 1,
        MeetingPhase::Open => 2,
        MeetingPhase::Closed => 3,
    }
}

#[async_trait::async_trait]
impl Projection for MeetingsProjection {
    fn name(&self) -> &'static str {
        "meetings"
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new("residents", &["meeting"])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/meetings/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/meetings/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let decoded = MeetingEvent::decode(&event.event_type, &event.payload)
            .map_err(|e| ProjectionError::apply(self.name(), event.event_id, e))?;
        let position = i64::try_from(event.position)
            .map_err(|e| ProjectionError::apply(self.name(), event.event_id, e))?;
        match decoded {
            MeetingEvent::Convened(e) => {
                let quorum = e.quorum_share.unwrap_or_default();
                let passing = e.passing_share.unwrap_or_default();
                sqlx::query(
                    "INSERT INTO meetings (meeting_id, district, community, kind, title, convener, convened_by, \
                     petition_signatures, scheduled_at, notice_given_at, eligible_count, quorum_numerator, \
                     quorum_denominator, passing_numerator, passing_denominator, phase, convened_position) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
                     ON CONFLICT (meeting_id) DO NOTHING",
                )
                .bind(e.meeting_id)
                .bind(e.district)
                .bind(e.community)
                .bind(i64::from(e.kind))
                .bind(e.title)
                .bind(i64::from(e.convener))
                .bind(e.convened_by)
                .bind(i64::from(e.petition_signatures))
                .bind(e.scheduled_at)
                .bind(e.notice_given_at)
                .bind(i64::from(e.eligible_count))
                .bind(i64::from(quorum.numerator))
                .bind(i64::from(quorum.denominator))
                .bind(i64::from(passing.numerator))
                .bind(i64::from(passing.denominator))
                .bind(phase_code(MeetingPhase::Convened))
                .bind(position)
                .execute(&mut *connection)
                .await?;
            }
            MeetingEvent::AttendanceRegistered(e) => {
                for voter_id in e.voter_ids {
                    sqlx::query(
                        "INSERT INTO meeting_attendees (meeting_id, voter_id) VALUES ($1, $2) \
                         ON CONFLICT (meeting_id, voter_id) DO NOTHING",
                    )
                    .bind(e.meeting_id.clone())
                    .bind(voter_id)
                    .execute(&mut *connection)
                    .await?;
                }
            }
            MeetingEvent::Opened(e) => {
                sqlx::query("UPDATE meetings SET phase = $1, opened_at = $2 WHERE meeting_id = $3")
                    .bind(phase_code(MeetingPhase::Open))
                    .bind(e.opened_at)
                    .bind(e.meeting_id)
                    .execute(&mut *connection)
                    .await?;
            }
            MeetingEvent::MotionTabled(e) => {
                sqlx::query(
                    "INSERT INTO meeting_motions (meeting_id, motion_id, title, tabled_position) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (meeting_id, motion_id) DO NOTHING",
                )
                .bind(e.meeting_id)
                .bind(e.motion_id)
                .bind(e.title)
                .bind(position)
                .execute(&mut *connection)
                .await?;
            }
            MeetingEvent::VoteCast(e) => {
                sqlx::query(
                    "INSERT INTO meeting_votes (meeting_id, motion_id, voter_id, choice) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (meeting_id, motion_id, voter_id) DO NOTHING",
                )
                .bind(e.meeting_id)
                .bind(e.motion_id)
                .bind(e.voter_id)
                .bind(i64::from(e.choice))
                .execute(&mut *connection)
                .await?;
            }
            MeetingEvent::MotionClosed(e) => {
                sqlx::query(
                    "UPDATE meeting_motions SET closed = 1, passed = $1, reason = $2, votes_for = $3, \
                     votes_against = $4, abstentions = $5, present_count = $6 \
                     WHERE meeting_id = $7 AND motion_id = $8",
                )
                .bind(i64::from(e.passed))
                .bind(i64::from(e.reason))
                .bind(i64::from(e.votes_for))
                .bind(i64::from(e.votes_against))
                .bind(i64::from(e.abstentions))
                .bind(i64::from(e.present_count))
                .bind(e.meeting_id)
                .bind(e.motion_id)
                .execute(&mut *connection)
                .await?;
            }
            MeetingEvent::Closed(e) => {
                sqlx::query("UPDATE meetings SET phase = $1, closed_at = $2 WHERE meeting_id = $3")
                    .bind(phase_code(MeetingPhase::Closed))
                    .bind(e.closed_at)
                    .bind(e.meeting_id)
                    .execute(&mut *connection)
                    .await?;
            }
        }
        Ok(())
    }
}
