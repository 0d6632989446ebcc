use crate::domain::ManagementEvent;
use crate::domain::assembly::{Decision, Matter};
use crate::domain::dates::date;
use crate::domain::decision_use::{DecisionUseError, UsedDecisions, check, key_of, reference};
use chrono::NaiveDate;
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::property::v1 as pb;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    pub scope: String,
    pub quality: String,
    pub monthly_fee_per_square_metre_fen: u64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub liabilities: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManagementCommand {
    SignPreliminary {
        estate_id: String,
        district: DistrictCode,
        contract_id: String,
        company_id: String,
        terms: Terms,
        signed_on: NaiveDate,
    },
    SignService {
        estate_id: String,
        district: DistrictCode,
        contract_id: String,
        company_id: String,
        terms: Terms,
        decision: Decision,
        signed_on: NaiveDate,
    },
    Dismiss {
        estate_id: String,
        district: DistrictCode,
        decision: Decision,
        dismissed_on: NaiveDate,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManagementError {
    #[error("estate belongs to district {actual}, not {given}")]
    WrongDistrict { given: String, actual: String },
    #[error("{field} is required")]
    Required { field: &'static str },
    #[error("the monthly fee must be above zero")]
    FeeZero,
    #[error("a contract starts before it ends")]
    EndsBeforeStart,
    #[error("a preliminary contract was already signed")]
    PreliminaryExists,
    #[error("the owners already hired a company")]
    OwnersContractExists,
    #[error("another owners' contract is running")]
    ContractRunning,
    #[error("no owners' contract is running")]
    NoContract,
    #[error(transparent)]
    Decision(#[from] DecisionUseError),
}

impl ManagementError {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::WrongDistrict { .. } => "ESTATE_WRONG_DISTRICT",
            Self::Required { .. } => "CONTRACT_FIELD_REQUIRED",
            Self::FeeZero => "CONTRACT_FEE_ZERO",
            Self::EndsBeforeStart => "CONTRACT_ENDS_BEFORE_START",
            Self::PreliminaryExists => "PRELIMINARY_CONTRACT_EXISTS",
            Self::OwnersContractExists => "OWNERS_CONTRACT_EXISTS",
            Self::ContractRunning => "CONTRACT_RUNNING",
            Self::NoContract => "NO_CONTRACT_RUNNING",
            Self::Decision(e) => e.reason(),
        }
    }

    pub fn hides_existence(&self) -> bool {
        matches!(self, Self::WrongDistrict { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    pub contract_id: String,
    pub company_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManagementState {
    pub district: Option<String>,
    pub preliminary_signed: bool,
    pub preliminary: Option<Contract>,
    pub owners_hired_before: bool,
    pub service: Option<Contract>,
    pub used: UsedDecisions,
}

impl ManagementState {
    /// The contract fees are collected under: the owners' if running, else
    /// the preliminary one.
    pub fn running(&self) -> Option<&Contract> {
        self.service.as_ref().or(self.preliminary.as_ref())
    }
}

pub struct Management;

fn terms(terms: &Terms) -> Result<pb::ContractTerms, ManagementError> {
    if terms.scope.trim().is_empty() {
        return Err(ManagementError::Required { field: "scope" });
    }
    if terms.quality.trim().is_empty() {
        return Err(ManagementError::Required { field: "quality" });
    }
    if terms.monthly_fee_per_square_metre_fen == 0 {
        return Err(ManagementError::FeeZero);
    }
    if terms.starts_on >= terms.ends_on {
        return Err(ManagementError::EndsBeforeStart);
    }
    Ok(pb::ContractTerms {
        scope: terms.scope.clone(),
        quality: terms.quality.clone(),
        monthly_fee_per_square_metre_fen: terms.monthly_fee_per_square_metre_fen,
        starts_on: date(terms.starts_on),
        ends_on: date(terms.ends_on),
        liabilities: terms.liabilities.clone(),
    })
}

fn same_district(state: &ManagementState, district: &DistrictCode) -> Result<(), ManagementError> {
    match &state.district {
        Some(actual) if actual != district.as_str() => Err(ManagementError::WrongDistrict {
            given: district.to_string(),
            actual: actual.clone(),
        }),
        _ => Ok(()),
    }
}

fn company(company_id: &str, contract_id: &str) -> Result<(), ManagementError> {
    if company_id.trim().is_empty() {
        return Err(ManagementError::Required {
            field: "company_id",
        });
    }
    if contract_id.trim().is_empty() {
        return Err(ManagementError::Required {
            field: "contract_id",
        });
    }
    Ok(())
}

fn decide(
    state: &ManagementState,
    command: ManagementCommand,
) -> Result<Vec<ManagementEvent>, ManagementError> {
    match command {
        ManagementCommand::SignPreliminary {
            estate_id,
            district,
            contract_id,
            company_id,
            terms: t,
            signed_on,
        } => {
            same_district(state, &district)?;
            if state.owners_hired_before {
                return Err(ManagementError::OwnersContractExists);
            }
            if state.preliminary_signed {
                return Err(ManagementError::PreliminaryExists);
            }
            company(&company_id, &contract_id)?;
            Ok(vec![ManagementEvent::PreliminarySigned(
                pb::PreliminaryContractSigned {
                    estate_id,
                    district: district.to_string(),
                    contract_id,
                    company_id,
                    terms: Some(terms(&t)?),
                    signed_on: date(signed_on),
                },
            )])
        }
        ManagementCommand::SignService {
            estate_id,
            district,
            contract_id,
            company_id,
            terms: t,
            decision,
            signed_on,
        } => {
            same_district(state, &district)?;
            if state.service.is_some() {
                return Err(ManagementError::ContractRunning);
            }
            company(&company_id, &contract_id)?;
            let t = terms(&t)?;
            check(
                &decision,
                Matter::HireOrDismissManager,
                &estate_id,
                &state.used,
            )?;
            let mut events = Vec::new();
            if let Some(preliminary) = &state.preliminary {
                events.push(ManagementEvent::PreliminaryEnded(
                    pb::PreliminaryContractEnded {
                        estate_id: estate_id.clone(),
                        district: district.to_string(),
                        contract_id: preliminary.contract_id.clone(),
                        ended_on: date(signed_on),
                        replaced_by: contract_id.clone(),
                    },
                ));
            }
            events.push(ManagementEvent::ServiceSigned(pb::ServiceContractSigned {
                estate_id,
                district: district.to_string(),
                contract_id,
                company_id,
                terms: Some(t),
                vote: Some(reference(&decision)),
                signed_on: date(signed_on),
            }));
            Ok(events)
        }
        ManagementCommand::Dismiss {
            estate_id,
            district,
            decision,
            dismissed_on,
        } => {
            same_district(state, &district)?;
            let Some(running) = &state.service else {
                return Err(ManagementError::NoContract);
            };
            check(
                &decision,
                Matter::HireOrDismissManager,
                &estate_id,
                &state.used,
            )?;
            Ok(vec![ManagementEvent::Dismissed(pb::CompanyDismissed {
                estate_id,
                district: district.to_string(),
                contract_id: running.contract_id.clone(),
                company_id: running.company_id.clone(),
                vote: Some(reference(&decision)),
                dismissed_on: date(dismissed_on),
            })])
        }
    }
}

fn evolve(mut state: ManagementState, event: &ManagementEvent) -> ManagementState {
    match event {
        ManagementEvent::PreliminarySigned(e) => {
            state.district = Some(e.district.clone());
            state.preliminary_signed = true;
            state.preliminary = Some(Contract {
                contract_id: e.contract_id.clone(),
                company_id: e.company_id.clone(),
            });
        }
        ManagementEvent::ServiceSigned(e) => {
            state.district = Some(e.district.clone());
            state.owners_hired_before = true;
            state.service = Some(Contract {
                contract_id: e.contract_id.clone(),
                company_id: e.company_id.clone(),
            });
            state.used.extend(key_of(e.vote.as_ref()));
        }
        ManagementEvent::PreliminaryEnded(_) => state.preliminary = None,
        ManagementEvent::Dismissed(e) => {
            state.service = None;
            state.used.extend(key_of(e.vote.as_ref()));
        }
    }
    state
}

impl Decider for Management {
    type State = ManagementState;
    type Command = ManagementCommand;
    type Event = ManagementEvent;
    type Error = ManagementError;

    fn decide(
        state: &ManagementState,
        command: ManagementCommand,
    ) -> Result<Vec<ManagementEvent>, ManagementError> {
        decide(state, command)
    }

    fn evolve(state: ManagementState, event: &ManagementEvent) -> ManagementState {
        evolve(state, event)
    }
}
