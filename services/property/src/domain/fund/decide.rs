use crate::domain::FundEvent;
use crate::domain::assembly::{Decision, Matter};
use crate::domain::dates::date;
use crate::domain::decision_use::{DecisionUseError, UsedDecisions, check, key_of, reference};
use chrono::NaiveDate;
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::property::v1 as pb;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FundCommand {
    Deposit {
        estate_id: String,
        district: DistrictCode,
        deposit_id: String,
        unit_id: String,
        amount_fen: u64,
        on: NaiveDate,
    },
    ApproveUse {
        estate_id: String,
        district: DistrictCode,
        approval_id: String,
        decision: Decision,
        amount_fen: u64,
        purpose: String,
        on: NaiveDate,
    },
    Spend {
        estate_id: String,
        district: DistrictCode,
        approval_id: String,
        spending_id: String,
        amount_fen: u64,
        payee: String,
        on: NaiveDate,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FundError {
    #[error("estate belongs to district {actual}, not {given}")]
    WrongDistrict { given: String, actual: String },
    #[error("{field} is required")]
    Required { field: &'static str },
    #[error("the amount must be above zero")]
    AmountZero,
    #[error("{0} is already in the ledger")]
    DuplicateId(String),
    #[error("approval {0} not found")]
    ApprovalNotFound(String),
    #[error("approval has {remaining_fen} fen left, {wanted_fen} wanted")]
    ExceedsApproval { remaining_fen: u64, wanted_fen: u64 },
    #[error("the fund holds {balance_fen} fen, {wanted_fen} wanted")]
    InsufficientBalance { balance_fen: u64, wanted_fen: u64 },
    #[error(transparent)]
    Decision(#[from] DecisionUseError),
}

impl FundError {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::WrongDistrict { .. } => "ESTATE_WRONG_DISTRICT",
            Self::Required { .. } => "FUND_FIELD_REQUIRED",
            Self::AmountZero => "FUND_AMOUNT_ZERO",
            Self::DuplicateId(_) => "FUND_DUPLICATE_ID",
            Self::ApprovalNotFound(_) => "FUND_APPROVAL_NOT_FOUND",
            Self::ExceedsApproval { .. } => "FUND_EXCEEDS_APPROVAL",
            Self::InsufficientBalance { .. } => "FUND_INSUFFICIENT_BALANCE",
            Self::Decision(e) => e.reason(),
        }
    }

    pub fn hides_existence(&self) -> bool {
        matches!(self, Self::WrongDistrict { .. })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FundState {
    pub district: Option<String>,
    pub balance_fen: u64,
    /// Approval id -> fen left to spend.
    pub approvals: BTreeMap<String, u64>,
    pub ids: BTreeSet<String>,
    pub used: UsedDecisions,
}

pub struct Fund;

fn fresh(state: &FundState, field: &'static str, id: &str) -> Result<(), FundError> {
    if id.trim().is_empty() {
        return Err(FundError::Required { field });
    }
    if state.ids.contains(id) {
        return Err(FundError::DuplicateId(id.to_owned()));
    }
    Ok(())
}

fn same_district(state: &FundState, district: &DistrictCode) -> Result<(), FundError> {
    match &state.district {
        Some(actual) if actual != district.as_str() => Err(FundError::WrongDistrict {
            given: district.to_string(),
            actual: actual.clone(),
        }),
        _ => Ok(()),
    }
}

fn decide(state: &FundState, command: FundCommand) -> Result<FundEvent, FundError> {
    match command {
        FundCommand::Deposit {
            estate_id,
            district,
            deposit_id,
            unit_id,
            amount_fen,
            on,
        } => {
            same_district(state, &district)?;
            fresh(state, "deposit_id", &deposit_id)?;
            if amount_fen == 0 {
                return Err(FundError::AmountZero);
            }
            Ok(FundEvent::Deposited(pb::FundDeposited {
                estate_id,
                district: district.to_string(),
                deposit_id,
                unit_id,
                amount_fen,
                deposited_on: date(on),
                // A fund of u64::MAX fen is beyond any estate; saturate.
                balance_fen: state.balance_fen.saturating_add(amount_fen),
            }))
        }
        FundCommand::ApproveUse {
            estate_id,
            district,
            approval_id,
            decision,
            amount_fen,
            purpose,
            on,
        } => {
            same_district(state, &district)?;
            fresh(state, "approval_id", &approval_id)?;
            if amount_fen == 0 {
                return Err(FundError::AmountZero);
            }
            if purpose.trim().is_empty() {
                return Err(FundError::Required { field: "purpose" });
            }
            check(
                &decision,
                Matter::UseMaintenanceFund,
                &estate_id,
                &state.used,
            )?;
            Ok(FundEvent::UseApproved(pb::FundUseApproved {
                estate_id,
                district: district.to_string(),
                approval_id,
                vote: Some(reference(&decision)),
                amount_fen,
                purpose,
                approved_on: date(on),
            }))
        }
        FundCommand::Spend {
            estate_id,
            district,
            approval_id,
            spending_id,
            amount_fen,
            payee,
            on,
        } => {
            same_district(state, &district)?;
            fresh(state, "spending_id", &spending_id)?;
            if amount_fen == 0 {
                return Err(FundError::AmountZero);
            }
            if payee.trim().is_empty() {
                return Err(FundError::Required { field: "payee" });
            }
            let remaining = *state
                .approvals
                .get(&approval_id)
                .ok_or_else(|| FundError::ApprovalNotFound(approval_id.clone()))?;
            if amount_fen > remaining {
                return Err(FundError::ExceedsApproval {
                    remaining_fen: remaining,
                    wanted_fen: amount_fen,
                });
            }
            let Some(balance) = state.balance_fen.checked_sub(amount_fen) else {
                return Err(FundError::InsufficientBalance {
                    balance_fen: state.balance_fen,
                    wanted_fen: amount_fen,
                });
            };
            Ok(FundEvent::Spent(pb::FundSpent {
                estate_id,
                district: district.to_string(),
                approval_id,
                spending_id,
                amount_fen,
                payee,
                spent_on: date(on),
                balance_fen: balance,
                approval_remaining_fen: remaining - amount_fen,
            }))
        }
    }
}

fn evolve(mut state: FundState, event: &FundEvent) -> FundState {
    match event {
        FundEvent::Deposited(e) => {
            state.district = Some(e.district.clone());
            state.ids.insert(e.deposit_id.clone());
            state.balance_fen = state.balance_fen.saturating_add(e.amount_fen);
        }
        FundEvent::UseApproved(e) => {
            state.district = Some(e.district.clone());
            state.ids.insert(e.approval_id.clone());
            state.approvals.insert(e.approval_id.clone(), e.amount_fen);
            state.used.extend(key_of(e.vote.as_ref()));
        }
        FundEvent::Spent(e) => {
            state.ids.insert(e.spending_id.clone());
            state.balance_fen = state.balance_fen.saturating_sub(e.amount_fen);
            if let Some(left) = state.approvals.get_mut(&e.approval_id) {
                *left = left.saturating_sub(e.amount_fen);
            }
        }
    }
    state
}

impl Decider for Fund {
    type State = FundState;
    type Command = FundCommand;
    type Event = FundEvent;
    type Error = FundError;

    fn decide(state: &FundState, command: FundCommand) -> Result<Vec<FundEvent>, FundError> {
        decide(state, command).map(|event| vec![event])
    }

    fn evolve(state: FundState, event: &FundEvent) -> FundState {
        evolve(state, event)
    }
}
