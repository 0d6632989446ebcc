//! Property management through the application layer, on the estate's
//! `management-<estate id>` stream: the preliminary contract, hiring and
//! dismissing on a passed vote read from the assembly's stream, and fee
//! records on `propertyfee-<id>` streams whose id derives from (estate,
//! unit, period), so a month is recorded once.

use super::{AppError, FEE_CATEGORY, MANAGEMENT_CATEGORY, PropertyApp, new_id};
use crate::domain::fees::{CollectFee, FeeRecord};
use crate::domain::management::{Management, ManagementCommand, ManagementState, Terms};
use chrono::NaiveDate;
use gongzhi_commands::Receipt;
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::property::v1 as pb;
use gongzhi_server::{CommandContext, GONGZHI_NAMESPACE};
use sqlx::Row;
use uuid::Uuid;

/// A passed vote named by a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vote {
    pub assembly_id: Uuid,
    pub matter_id: String,
}

/// A contract as asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sign {
    pub estate_id: Uuid,
    pub company_id: String,
    pub terms: Terms,
    pub signed_on: Option<NaiveDate>,
}

/// A fee payment as asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fee {
    pub estate_id: Uuid,
    pub unit_id: String,
    pub period: String,
    pub amount_fen: u64,
    pub collected_on: Option<NaiveDate>,
}

/// A contract of an estate; `kind` and `status` are the proto
/// `ContractKind` / `ContractStatus` numbers the read model keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractView {
    pub contract_id: String,
    pub estate_id: String,
    pub kind: i32,
    pub company_id: String,
    pub terms: pb::ContractTerms,
    pub signed_on: String,
    pub vote: Option<pb::VoteReference>,
    pub status: i32,
    pub ended_on: String,
    pub dismissal_vote: Option<pb::VoteReference>,
    pub fees_collected_fen: u64,
}

/// The fee stream of one unit and month.
pub fn fee_id(estate_id: Uuid, unit_id: &str, period: &str) -> Uuid {
    Uuid::new_v5(
        &GONGZHI_NAMESPACE,
        format!("propertyfee\n{estate_id}\n{unit_id}\n{period}").as_bytes(),
    )
}

fn vote(
    row: &sqlx::any::AnyRow,
    assembly: usize,
) -> Result<Option<pb::VoteReference>, sqlx::Error> {
    let assembly_id: String = row.try_get(assembly)?;
    let matter_id: String = row.try_get(assembly + 1)?;
    Ok((!assembly_id.is_empty()).then_some(pb::VoteReference {
        assembly_id,
        matter_id,
    }))
}

impl PropertyApp {
    pub async fn sign_preliminary(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        sign: Sign,
    ) -> Result<(Uuid, Receipt), AppError> {
        self.estate_facts(district, sign.estate_id).await?;
        let contract_id = new_id(context, "contract");
        let command = ManagementCommand::SignPreliminary {
            estate_id: sign.estate_id.to_string(),
            district: district.clone(),
            contract_id: contract_id.to_string(),
            company_id: sign.company_id,
            terms: sign.terms,
            signed_on: self.date_or_today(sign.signed_on),
        };
        let receipt = self
            .run::<Management>(
                context,
                district,
                MANAGEMENT_CATEGORY,
                sign.estate_id,
                command,
            )
            .await?;
        Ok((contract_id, receipt))
    }

    pub async fn hire_company(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        sign: Sign,
        vote: Vote,
    ) -> Result<(Uuid, Receipt), AppError> {
        self.estate_facts(district, sign.estate_id).await?;
        let decision = self
            .decision(district, vote.assembly_id, &vote.matter_id)
            .await?;
        let contract_id = new_id(context, "contract");
        let command = ManagementCommand::SignService {
            estate_id: sign.estate_id.to_string(),
            district: district.clone(),
            contract_id: contract_id.to_string(),
            company_id: sign.company_id,
            terms: sign.terms,
            decision,
            signed_on: self.date_or_today(sign.signed_on),
        };
        let receipt = self
            .run::<Management>(
                context,
                district,
                MANAGEMENT_CATEGORY,
                sign.estate_id,
                command,
            )
            .await?;
        Ok((contract_id, receipt))
    }

    pub async fn dismiss_company(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        estate_id: Uuid,
        vote: Vote,
        dismissed_on: Option<NaiveDate>,
    ) -> Result<Receipt, AppError> {
        self.estate_facts(district, estate_id).await?;
        let decision = self
            .decision(district, vote.assembly_id, &vote.matter_id)
            .await?;
        let command = ManagementCommand::Dismiss {
            estate_id: estate_id.to_string(),
            district: district.clone(),
            decision,
            dismissed_on: self.date_or_today(dismissed_on),
        };
        self.run::<Management>(context, district, MANAGEMENT_CATEGORY, estate_id, command)
            .await
    }

    pub async fn record_fee(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        fee: Fee,
    ) -> Result<(Uuid, Receipt), AppError> {
        let estate = self.estate_facts(district, fee.estate_id).await?;
        if !estate.units.contains_key(&fee.unit_id) {
            return Err(AppError::refused(
                "UNIT_NOT_FOUND",
                format!("unit {} not found in the estate", fee.unit_id),
            ));
        }
        let management: ManagementState = self
            .state::<Management>(MANAGEMENT_CATEGORY, fee.estate_id)
            .await?;
        let Some(contract) = management.running() else {
            return Err(AppError::refused(
                "NO_CONTRACT_RUNNING",
                "fees are collected under a running contract; the estate has none",
            ));
        };
        let id = fee_id(fee.estate_id, &fee.unit_id, &fee.period);
        let command = CollectFee {
            fee_id: id.to_string(),
            estate_id: fee.estate_id.to_string(),
            district: district.clone(),
            unit_id: fee.unit_id,
            contract_id: contract.contract_id.clone(),
            period: fee.period,
            amount_fen: fee.amount_fen,
            collected_on: self.date_or_today(fee.collected_on),
        };
        let receipt = self
            .run::<FeeRecord>(context, district, FEE_CATEGORY, id, command)
            .await?;
        Ok((id, receipt))
    }

    pub async fn list_contracts(
        &self,
        district: &DistrictCode,
        estate_id: Uuid,
        min_position: u64,
    ) -> Result<Vec<ContractView>, AppError> {
        let mut tx = self
            .read_after(&self.read_models.contracts, min_position)
            .await?;
        let rows = sqlx::query(
            "SELECT c.contract_id, c.kind, c.company_id, c.scope, c.quality, c.monthly_fee_fen, c.starts_on, c.ends_on, \
             c.liabilities, c.signed_on, c.vote_assembly_id, c.vote_matter_id, c.status, c.ended_on, \
             c.dismissal_assembly_id, c.dismissal_matter_id, \
             CAST((SELECT COALESCE(SUM(f.amount_fen), 0) FROM contract_fees f WHERE f.contract_id = c.contract_id) AS BIGINT) \
             FROM contracts c WHERE c.district = $1 AND c.estate_id = $2 ORDER BY c.position",
        )
        .bind(district.as_str())
        .bind(estate_id.to_string())
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut contracts = Vec::with_capacity(rows.len());
        for row in &rows {
            let fee: i64 = row.try_get(5)?;
            let fees: i64 = row.try_get(16)?;
            contracts.push(ContractView {
                contract_id: row.try_get(0)?,
                estate_id: estate_id.to_string(),
                kind: i32::try_from(row.try_get::<i64, _>(1)?).unwrap_or(0),
                company_id: row.try_get(2)?,
                terms: pb::ContractTerms {
                    scope: row.try_get(3)?,
                    quality: row.try_get(4)?,
                    monthly_fee_per_square_metre_fen: u64::try_from(fee).unwrap_or(0),
                    starts_on: row.try_get(6)?,
                    ends_on: row.try_get(7)?,
                    liabilities: row.try_get(8)?,
                },
                signed_on: row.try_get(9)?,
                vote: vote(row, 10)?,
                status: i32::try_from(row.try_get::<i64, _>(12)?).unwrap_or(0),
                ended_on: row.try_get(13)?,
                dismissal_vote: vote(row, 14)?,
                fees_collected_fen: u64::try_from(fees).unwrap_or(0),
            });
        }
        Ok(contracts)
    }
}
