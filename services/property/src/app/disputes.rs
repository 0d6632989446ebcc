//! Disputes through the application layer: filed about an estate of the
//! district, each on its own `dispute-<id>` stream.

use super::{AppError, DISPUTE_CATEGORY, PropertyApp, new_id};
use crate::domain::dispute::{Dispute, DisputeCommand};
use gongzhi_commands::Receipt;
use gongzhi_kernel::DistrictCode;
use gongzhi_server::CommandContext;
use sqlx::Row;
use uuid::Uuid;

/// A dispute; parties, status, level and outcome are the proto enum
/// numbers the read model keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeView {
    pub dispute_id: String,
    pub estate_id: String,
    pub district: String,
    pub complainant: i32,
    pub complainant_id: String,
    pub respondent: i32,
    pub respondent_id: String,
    pub subject: String,
    pub filed_on: String,
    pub status: i32,
    pub mediator: String,
    pub mediation_started_on: String,
    pub level: i32,
    pub escalation_reason: String,
    pub outcome: i32,
    pub summary: String,
    pub resolved_on: String,
}

impl PropertyApp {
    /// Files `command` (a [`DisputeCommand::File`]) about `estate_id`.
    pub async fn file_dispute(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        estate_id: Uuid,
        command: impl FnOnce(String) -> DisputeCommand,
    ) -> Result<(Uuid, Receipt), AppError> {
        self.estate_facts(district, estate_id).await?;
        let dispute_id = new_id(context, "dispute");
        let receipt = self
            .run::<Dispute>(
                context,
                district,
                DISPUTE_CATEGORY,
                dispute_id,
                command(dispute_id.to_string()),
            )
            .await?;
        let dispute_id = Uuid::parse_str(receipt.stream.id()).unwrap_or(dispute_id);
        Ok((dispute_id, receipt))
    }

    /// Mediation, escalation or resolution of a filed dispute.
    pub async fn change_dispute(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        dispute_id: Uuid,
        command: DisputeCommand,
    ) -> Result<Receipt, AppError> {
        self.run::<Dispute>(context, district, DISPUTE_CATEGORY, dispute_id, command)
            .await
    }

    pub async fn get_dispute(
        &self,
        district: &DistrictCode,
        dispute_id: Uuid,
        min_position: u64,
    ) -> Result<DisputeView, AppError> {
        let id = dispute_id.to_string();
        let mut tx = self
            .read_after(&self.read_models.disputes, min_position)
            .await?;
        let row = sqlx::query(
            "SELECT estate_id, district, complainant, complainant_id, respondent, respondent_id, subject, filed_on, \
             status, mediator, mediation_started_on, level, escalation_reason, outcome, summary, resolved_on \
             FROM disputes WHERE dispute_id = $1",
        )
        .bind(&id)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        let Some(row) = row else {
            return Err(AppError::NotFound("dispute"));
        };
        let row_district: String = row.try_get(1)?;
        if row_district != district.as_str() {
            return Err(AppError::NotFound("dispute"));
        }
        let number = |i: usize| -> Result<i32, sqlx::Error> {
            Ok(i32::try_from(row.try_get::<i64, _>(i)?).unwrap_or(0))
        };
        Ok(DisputeView {
            dispute_id: id,
            estate_id: row.try_get(0)?,
            district: row_district,
            complainant: number(2)?,
            complainant_id: row.try_get(3)?,
            respondent: number(4)?,
            respondent_id: row.try_get(5)?,
            subject: row.try_get(6)?,
            filed_on: row.try_get(7)?,
            status: number(8)?,
            mediator: row.try_get(9)?,
            mediation_started_on: row.try_get(10)?,
            level: number(11)?,
            escalation_reason: row.try_get(12)?,
            outcome: number(13)?,
            summary: row.try_get(14)?,
            resolved_on: row.try_get(15)?,
        })
    }
}
