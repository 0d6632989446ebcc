//! Fee records (物业费收缴): one payment of one unit for one month, as a pure
//! decider over stream `propertyfee-<uuid>` whose id derives from (estate,
//! unit, period), so a month is recorded once even under concurrent
//! requests.
//!
//! Contract: the application checks the unit exists and a contract runs;
//! the decider refuses a second record, a zero amount and a period that is
//! not `YYYY-MM`.

use crate::domain::FeeEvent;
use crate::domain::dates::date;
use chrono::NaiveDate;
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::property::v1 as pb;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectFee {
    pub fee_id: String,
    pub estate_id: String,
    pub district: DistrictCode,
    pub unit_id: String,
    pub contract_id: String,
    pub period: String,
    pub amount_fen: u64,
    pub collected_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeeError {
    #[error("the fee of this unit for {0} is already recorded")]
    AlreadyRecorded(String),
    #[error("period {0:?} is not YYYY-MM")]
    BadPeriod(String),
    #[error("the amount must be above zero")]
    AmountZero,
}

impl FeeError {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::AlreadyRecorded(_) => "FEE_ALREADY_RECORDED",
            Self::BadPeriod(_) => "FEE_BAD_PERIOD",
            Self::AmountZero => "FEE_AMOUNT_ZERO",
        }
    }
}

/// `YYYY-MM` with a real month.
pub fn valid_period(period: &str) -> bool {
    period.len() == 7 && NaiveDate::parse_from_str(&format!("{period}-01"), "%Y-%m-%d").is_ok()
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeeState {
    pub recorded: bool,
}

pub struct FeeRecord;

impl Decider for FeeRecord {
    type State = FeeState;
    type Command = CollectFee;
    type Event = FeeEvent;
    type Error = FeeError;

    fn decide(state: &FeeState, command: CollectFee) -> Result<Vec<FeeEvent>, FeeError> {
        if state.recorded {
            return Err(FeeError::AlreadyRecorded(command.period));
        }
        if !valid_period(&command.period) {
            return Err(FeeError::BadPeriod(command.period));
        }
        if command.amount_fen == 0 {
            return Err(FeeError::AmountZero);
        }
        Ok(vec![FeeEvent::Collected(pb::FeeCollected {
            fee_id: command.fee_id,
            estate_id: command.estate_id,
            district: command.district.to_string(),
            unit_id: command.unit_id,
            contract_id: command.contract_id,
            period: command.period,
            amount_fen: command.amount_fen,
            collected_on: date(command.collected_on),
        })])
    }

    fn evolve(_state: FeeState, _event: &FeeEvent) -> FeeState {
        FeeState { recorded: true }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(period: &str, amount_fen: u64) -> CollectFee {
        CollectFee {
            fee_id: "f1".into(),
            estate_id: "e1".into(),
            district: DistrictCode::parse("500108").expect("district"),
            unit_id: "u1".into(),
            contract_id: "s1".into(),
            period: period.into(),
            amount_fen,
            collected_on: NaiveDate::from_ymd_opt(2026, 11, 5).expect("date"),
        }
    }

    #[test]
    fn a_month_is_recorded_once() {
        let events =
            FeeRecord::decide(&FeeState::default(), collect("2026-11", 16_200)).expect("recorded");
        let state = events.iter().fold(FeeState::default(), FeeRecord::evolve);
        assert_eq!(
            FeeRecord::decide(&state, collect("2026-11", 16_200)),
            Err(FeeError::AlreadyRecorded("2026-11".into()))
        );
    }

    #[test]
    fn periods_and_amounts_are_checked() {
        for bad in ["2026-13", "2026-1", "26-11", "2026/11", ""] {
            assert_eq!(
                FeeRecord::decide(&FeeState::default(), collect(bad, 1)),
                Err(FeeError::BadPeriod(bad.into()))
            );
        }
        assert_eq!(
            FeeRecord::decide(&FeeState::default(), collect("2026-11", 0)),
            Err(FeeError::AmountZero)
        );
    }
}
