//! Venture philanthropy rounds through the application layer.
//!
//! Contract: an applicant must be a registered provider of the district
//! (read from its stream); a project's id is derived from the request, so a
//! retried application replays. Grade bands and pass marks are the
//! district's (defaults A from 85, B from 60).

use super::{AppError, ProcurementApp, VENTURE_CATEGORY, new_id};
use crate::domain::venture::{VentureCommand, VentureError, VentureRound};
use chrono::{DateTime, Utc};
use gongzhi_commands::Receipt;
use gongzhi_kernel::DistrictCode;
use gongzhi_server::CommandContext;
use uuid::Uuid;

pub type VentureAppError = AppError<VentureError>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenRound {
    pub title: String,
    pub total_budget_fen: u64,
    pub cap_per_project_fen: u64,
    pub call_deadline: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    pub provider_id: Uuid,
    pub title: String,
    pub requested_fen: u64,
}

/// A step on one project of a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectStep {
    Screen { passed: bool, reason: String },
    ReviewPitch { score: u32 },
    Fund { tranches_fen: Vec<u64> },
    ReleaseTranche,
    ReviewMidTerm { score: u32 },
    Grade { score: u32 },
}

impl ProcurementApp {
    pub async fn open_round(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        open: OpenRound,
    ) -> Result<(Uuid, Receipt), VentureAppError> {
        let id = new_id(context, "ventureround");
        let command = VentureCommand::Open {
            round_id: id.to_string(),
            district: district.clone(),
            title: open.title,
            total_budget_fen: open.total_budget_fen,
            cap_per_project_fen: open.cap_per_project_fen,
            call_deadline: open.call_deadline,
            at: self.now(),
        };
        let receipt = self
            .run::<VentureRound>(context, district, VENTURE_CATEGORY, id, command)
            .await?;
        Ok((Uuid::parse_str(receipt.stream.id()).unwrap_or(id), receipt))
    }

    pub async fn apply_to_round(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        round_id: Uuid,
        application: Application,
    ) -> Result<(Uuid, Receipt), VentureAppError> {
        self.ensure_provider::<VentureError>(district, application.provider_id)
            .await?;
        let project_id = new_id(context, "ventureproject");
        let command = VentureCommand::Apply {
            district: district.clone(),
            project_id: project_id.to_string(),
            provider_id: application.provider_id.to_string(),
            title: application.title,
            requested_fen: application.requested_fen,
            at: self.now(),
        };
        let receipt = self
            .run::<VentureRound>(context, district, VENTURE_CATEGORY, round_id, command)
            .await?;
        Ok((project_id, receipt))
    }

    pub async fn project_step(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        round_id: Uuid,
        project_id: Uuid,
        step: ProjectStep,
    ) -> Result<Receipt, VentureAppError> {
        let district_code = district.clone();
        let project_id = project_id.to_string();
        let bands = self.bands;
        let command = match step {
            ProjectStep::Screen { passed, reason } => VentureCommand::Screen {
                district: district_code,
                project_id,
                passed,
                reason,
                at: self.now(),
            },
            ProjectStep::ReviewPitch { score } => VentureCommand::ReviewPitch {
                district: district_code,
                project_id,
                score,
            },
            ProjectStep::Fund { tranches_fen } => VentureCommand::Fund {
                district: district_code,
                project_id,
                tranches_fen,
                bands,
            },
            ProjectStep::ReleaseTranche => VentureCommand::ReleaseTranche {
                district: district_code,
                project_id,
                at: self.now(),
            },
            ProjectStep::ReviewMidTerm { score } => VentureCommand::ReviewMidTerm {
                district: district_code,
                project_id,
                score,
                bands,
            },
            ProjectStep::Grade { score } => VentureCommand::Grade {
                district: district_code,
                project_id,
                score,
                bands,
            },
        };
        self.run::<VentureRound>(context, district, VENTURE_CATEGORY, round_id, command)
            .await
    }
}
