//! The maintenance fund ledger through the application layer, on the
//! estate's `fund-<estate id>` stream: deposits, uses approved only on a
//! passed fund-use vote read from the assembly's stream, and spending
//! against an approval. The balance never goes negative (the decider).

use super::management::Vote;
use super::{AppError, FUND_CATEGORY, PropertyApp, new_id};
use crate::domain::fund::{Fund, FundCommand};
use chrono::NaiveDate;
use gongzhi_commands::Receipt;
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::property::v1 as pb;
use gongzhi_server::CommandContext;
use sqlx::Row;
use uuid::Uuid;

/// A fund use as asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approve {
    pub estate_id: Uuid,
    pub vote: Vote,
    pub amount_fen: u64,
    pub purpose: String,
    pub on: Option<NaiveDate>,
}

/// A spending as asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spend {
    pub estate_id: Uuid,
    pub approval_id: String,
    pub amount_fen: u64,
    pub payee: String,
    pub on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalView {
    pub approval_id: String,
    pub vote: pb::VoteReference,
    pub amount_fen: u64,
    pub remaining_fen: u64,
    pub purpose: String,
    pub approved_on: String,
}

/// A deposit or a spending; `kind` is the proto `FundEntryKind` number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryView {
    pub entry_id: String,
    pub kind: i32,
    pub amount_fen: u64,
    /// The balance after this entry.
    pub balance_fen: u64,
    pub on: String,
    pub unit_id: String,
    pub approval_id: String,
    pub payee: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundView {
    pub estate_id: String,
    pub balance_fen: u64,
    pub approvals: Vec<ApprovalView>,
    /// Oldest first.
    pub entries: Vec<EntryView>,
}

fn fen(raw: i64) -> u64 {
    u64::try_from(raw).unwrap_or(0)
}

impl PropertyApp {
    pub async fn deposit(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        estate_id: Uuid,
        unit_id: String,
        amount_fen: u64,
        on: Option<NaiveDate>,
    ) -> Result<(Uuid, Receipt), AppError> {
        let estate = self.estate_facts(district, estate_id).await?;
        if !unit_id.is_empty() && !estate.units.contains_key(&unit_id) {
            return Err(AppError::refused(
                "UNIT_NOT_FOUND",
                format!("unit {unit_id} not found in the estate"),
            ));
        }
        let deposit_id = new_id(context, "deposit");
        let command = FundCommand::Deposit {
            estate_id: estate_id.to_string(),
            district: district.clone(),
            deposit_id: deposit_id.to_string(),
            unit_id,
            amount_fen,
            on: self.date_or_today(on),
        };
        let receipt = self
            .run::<Fund>(context, district, FUND_CATEGORY, estate_id, command)
            .await?;
        Ok((deposit_id, receipt))
    }

    pub async fn approve_fund_use(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        approve: Approve,
    ) -> Result<(Uuid, Receipt), AppError> {
        let Approve {
            estate_id,
            vote,
            amount_fen,
            purpose,
            on,
        } = approve;
        self.estate_facts(district, estate_id).await?;
        let decision = self
            .decision(district, vote.assembly_id, &vote.matter_id)
            .await?;
        let approval_id = new_id(context, "approval");
        let command = FundCommand::ApproveUse {
            estate_id: estate_id.to_string(),
            district: district.clone(),
            approval_id: approval_id.to_string(),
            decision,
            amount_fen,
            purpose,
            on: self.date_or_today(on),
        };
        let receipt = self
            .run::<Fund>(context, district, FUND_CATEGORY, estate_id, command)
            .await?;
        Ok((approval_id, receipt))
    }

    pub async fn spend(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        spend: Spend,
    ) -> Result<(Uuid, Receipt), AppError> {
        self.estate_facts(district, spend.estate_id).await?;
        let spending_id = new_id(context, "spending");
        let command = FundCommand::Spend {
            estate_id: spend.estate_id.to_string(),
            district: district.clone(),
            approval_id: spend.approval_id,
            spending_id: spending_id.to_string(),
            amount_fen: spend.amount_fen,
            payee: spend.payee,
            on: self.date_or_today(spend.on),
        };
        let receipt = self
            .run::<Fund>(context, district, FUND_CATEGORY, spend.estate_id, command)
            .await?;
        Ok((spending_id, receipt))
    }

    pub async fn get_fund(
        &self,
        district: &DistrictCode,
        estate_id: Uuid,
        min_position: u64,
    ) -> Result<FundView, AppError> {
        let id = estate_id.to_string();
        let mut tx = self
            .read_after(&self.read_models.fund, min_position)
            .await?;
        let balance: Option<(String, i64)> =
            sqlx::query_as("SELECT district, balance_fen FROM fund_balances WHERE estate_id = $1")
                .bind(&id)
                .fetch_optional(&mut *tx)
                .await?;
        let approvals = sqlx::query(
            "SELECT approval_id, assembly_id, matter_id, amount_fen, remaining_fen, purpose, approved_on \
             FROM fund_approvals WHERE estate_id = $1 ORDER BY position",
        )
        .bind(&id)
        .fetch_all(&mut *tx)
        .await?;
        let entries = sqlx::query(
            "SELECT entry_id, kind, amount_fen, balance_fen, entry_on, unit_id, approval_id, payee \
             FROM fund_entries WHERE estate_id = $1 ORDER BY position",
        )
        .bind(&id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let balance_fen = match balance {
            Some((row_district, _)) if row_district != district.as_str() => {
                return Err(AppError::NotFound("estate"));
            }
            Some((_, balance)) => fen(balance),
            None => 0,
        };
        let mut fund = FundView {
            estate_id: id,
            balance_fen,
            approvals: Vec::with_capacity(approvals.len()),
            entries: Vec::with_capacity(entries.len()),
        };
        for row in &approvals {
            fund.approvals.push(ApprovalView {
                approval_id: row.try_get(0)?,
                vote: pb::VoteReference {
                    assembly_id: row.try_get(1)?,
                    matter_id: row.try_get(2)?,
                },
                amount_fen: fen(row.try_get(3)?),
                remaining_fen: fen(row.try_get(4)?),
                purpose: row.try_get(5)?,
                approved_on: row.try_get(6)?,
            });
        }
        for row in &entries {
            fund.entries.push(EntryView {
                entry_id: row.try_get(0)?,
                kind: i32::try_from(row.try_get::<i64, _>(1)?).unwrap_or(0),
                amount_fen: fen(row.try_get(2)?),
                balance_fen: fen(row.try_get(3)?),
                on: row.try_get(4)?,
                unit_id: row.try_get(5)?,
                approval_id: row.try_get(6)?,
                payee: row.try_get(7)?,
            });
        }
        Ok(fund)
    }
}
