//! Residents co-decide: a consultation is either a vote held here (its
//! counts given with the request) or a residents' meeting motion, whose
//! outcome is taken from the residents' own `MotionClosed` (their quorum and
//! majority decided it), never from the request.

use super::{AppError, PppApp};
use crate::domain::project::ProjectCommand;
use gongzhi_commands::Receipt;
use gongzhi_kernel::DistrictCode;
use gongzhi_server::CommandContext;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Consultation {
    /// A vote held here; it passes with more votes for than against.
    Vote { votes_for: u32, votes_against: u32 },
    /// A motion of a residents' meeting; `min_position` makes a motion
    /// closed up to it visible.
    Meeting {
        meeting_id: String,
        motion_id: String,
        min_position: u64,
    },
}

impl PppApp {
    pub async fn record_consultation(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        project_id: Uuid,
        consultation: Consultation,
    ) -> Result<Receipt, AppError> {
        let (meeting_id, motion_id, votes_for, votes_against, passed) = match consultation {
            Consultation::Vote {
                votes_for,
                votes_against,
            } => (
                String::new(),
                String::new(),
                votes_for,
                votes_against,
                votes_for > votes_against,
            ),
            Consultation::Meeting {
                meeting_id,
                motion_id,
                min_position,
            } => {
                let mut tx = self.read_after(&self.read.feedback, min_position).await?;
                let outcome: Option<(i64, i64, i64)> = sqlx::query_as(
                    "SELECT votes_for, votes_against, passed FROM motion_outcomes WHERE meeting_id = $1 AND motion_id = $2 AND district = $3",
                )
                .bind(meeting_id.clone())
                .bind(motion_id.clone())
                .bind(district.to_string())
                .fetch_optional(&mut *tx)
                .await?;
                tx.commit().await?;
                let Some((votes_for, votes_against, passed)) = outcome else {
                    return Err(AppError::MotionNotClosed {
                        meeting_id,
                        motion_id,
                    });
                };
                (
                    meeting_id,
                    motion_id,
                    u32::try_from(votes_for).unwrap_or(0),
                    u32::try_from(votes_against).unwrap_or(0),
                    passed != 0,
                )
            }
        };
        let command = ProjectCommand::RecordConsultation {
            district: district.clone(),
            meeting_id,
            motion_id,
            votes_for,
            votes_against,
            passed,
            at: self.now(),
        };
        self.step(context, district, project_id, command).await
    }
}
