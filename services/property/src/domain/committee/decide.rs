//! The owners' committee decider.

use super::{CommitteeSizeError, check_size, filing_due, filing_late};
use crate::domain::CommitteeEvent;
use crate::domain::assembly::{Decision, Matter};
use crate::domain::dates::{date, parse_date};
use chrono::NaiveDate;
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::property::v1 as pb;
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommitteeCommand {
    Elect {
        committee_id: String,
        district: DistrictCode,
        /// The assembly's decision, read from its stream by the application.
        decision: Decision,
        members: Vec<String>,
        elected_on: NaiveDate,
    },
    File {
        district: DistrictCode,
        housing_authority_ref: String,
        street_office_ref: String,
        filed_on: NaiveDate,
    },
    FlagLate {
        district: DistrictCode,
        today: NaiveDate,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommitteeError {
    #[error("committee already elected")]
    AlreadyExists,
    #[error("committee not found")]
    NotFound,
    #[error("committee belongs to district {actual}, not {given}")]
    WrongDistrict { given: String, actual: String },
    #[error("the decision is not about electing the owners' committee")]
    WrongMatter,
    #[error("the assembly did not pass the election")]
    NotPassed,
    #[error(transparent)]
    Size(#[from] CommitteeSizeError),
    #[error("member {0} is listed twice")]
    DuplicateMember(String),
    #[error("{field} is required")]
    Required { field: &'static str },
    #[error("committee is already filed")]
    AlreadyFiled,
    #[error("filing is not late yet")]
    NotLate,
    #[error("late filing is already flagged")]
    AlreadyFlagged,
}

impl CommitteeError {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::AlreadyExists => "COMMITTEE_ALREADY_ELECTED",
            Self::NotFound => "COMMITTEE_NOT_FOUND",
            Self::WrongDistrict { .. } => "COMMITTEE_WRONG_DISTRICT",
            Self::WrongMatter => "DECISION_WRONG_MATTER",
            Self::NotPassed => "DECISION_NOT_PASSED",
            Self::Size(CommitteeSizeError::Even(_)) => "COMMITTEE_SIZE_EVEN",
            Self::Size(CommitteeSizeError::OutOfRange(_)) => "COMMITTEE_SIZE_OUT_OF_RANGE",
            Self::DuplicateMember(_) => "COMMITTEE_DUPLICATE_MEMBER",
            Self::Required { .. } => "COMMITTEE_FIELD_REQUIRED",
            Self::AlreadyFiled => "COMMITTEE_ALREADY_FILED",
            Self::NotLate => "COMMITTEE_FILING_NOT_LATE",
            Self::AlreadyFlagged => "COMMITTEE_LATE_ALREADY_FLAGGED",
        }
    }

    pub fn hides_existence(&self) -> bool {
        matches!(self, Self::NotFound | Self::WrongDistrict { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitteeFacts {
    pub committee_id: String,
    pub estate_id: String,
    pub district: String,
    pub elected_on: NaiveDate,
    pub filed: bool,
    pub flagged_late: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum CommitteeState {
    #[default]
    Absent,
    Present(CommitteeFacts),
}

pub struct Committee;

fn existing<'a>(
    state: &'a CommitteeState,
    district: &DistrictCode,
) -> Result<&'a CommitteeFacts, CommitteeError> {
    let CommitteeState::Present(facts) = state else {
        return Err(CommitteeError::NotFound);
    };
    if facts.district != district.as_str() {
        return Err(CommitteeError::WrongDistrict {
            given: district.to_string(),
            actual: facts.district.clone(),
        });
    }
    Ok(facts)
}

fn elect(
    committee_id: String,
    district: &DistrictCode,
    decision: Decision,
    members: Vec<String>,
    elected_on: NaiveDate,
) -> Result<CommitteeEvent, CommitteeError> {
    if decision.matter != Matter::ElectCommittee {
        return Err(CommitteeError::WrongMatter);
    }
    if !decision.passed {
        return Err(CommitteeError::NotPassed);
    }
    check_size(members.len())?;
    let mut seen = BTreeSet::new();
    for member in &members {
        if member.trim().is_empty() {
            return Err(CommitteeError::Required { field: "member" });
        }
        if !seen.insert(member.as_str()) {
            return Err(CommitteeError::DuplicateMember(member.clone()));
        }
    }
    Ok(CommitteeEvent::Elected(pb::CommitteeElected {
        committee_id,
        estate_id: decision.estate_id,
        district: district.to_string(),
        assembly_id: decision.assembly_id,
        matter_id: decision.matter_id,
        members,
        elected_on: date(elected_on),
        filing_due_on: filing_due(elected_on).map(date).unwrap_or_default(),
    }))
}

fn decide(
    state: &CommitteeState,
    command: CommitteeCommand,
) -> Result<CommitteeEvent, CommitteeError> {
    match command {
        CommitteeCommand::Elect {
            committee_id,
            district,
            decision,
            members,
            elected_on,
        } => {
            if state != &CommitteeState::Absent {
                return Err(CommitteeError::AlreadyExists);
            }
            elect(committee_id, &district, decision, members, elected_on)
        }
        CommitteeCommand::File {
            district,
            housing_authority_ref,
            street_office_ref,
            filed_on,
        } => {
            let facts = existing(state, &district)?;
            if facts.filed {
                return Err(CommitteeError::AlreadyFiled);
            }
            if housing_authority_ref.trim().is_empty() {
                return Err(CommitteeError::Required {
                    field: "housing_authority_ref",
                });
            }
            if street_office_ref.trim().is_empty() {
                return Err(CommitteeError::Required {
                    field: "street_office_ref",
                });
            }
            Ok(CommitteeEvent::Filed(pb::CommitteeFiled {
                committee_id: facts.committee_id.clone(),
                district: facts.district.clone(),
                housing_authority_ref,
                street_office_ref,
                filed_on: date(filed_on),
                late: filing_late(facts.elected_on, Some(filed_on), filed_on),
            }))
        }
        CommitteeCommand::FlagLate { district, today } => {
            let facts = existing(state, &district)?;
            if facts.filed {
                return Err(CommitteeError::AlreadyFiled);
            }
            if facts.flagged_late {
                return Err(CommitteeError::AlreadyFlagged);
            }
            if !filing_late(facts.elected_on, None, today) {
                return Err(CommitteeError::NotLate);
            }
            Ok(CommitteeEvent::FlaggedLate(
                pb::CommitteeFilingFlaggedLate {
                    committee_id: facts.committee_id.clone(),
                    district: facts.district.clone(),
                    filing_due_on: filing_due(facts.elected_on).map(date).unwrap_or_default(),
                    flagged_on: date(today),
                },
            ))
        }
    }
}

fn evolve(state: CommitteeState, event: &CommitteeEvent) -> CommitteeState {
    match (state, event) {
        (CommitteeState::Absent, CommitteeEvent::Elected(e)) => match parse_date(&e.elected_on) {
            Some(elected_on) => CommitteeState::Present(CommitteeFacts {
                committee_id: e.committee_id.clone(),
                estate_id: e.estate_id.clone(),
                district: e.district.clone(),
                elected_on,
                filed: false,
                flagged_late: false,
            }),
            None => CommitteeState::Absent,
        },
        (CommitteeState::Present(mut facts), CommitteeEvent::Filed(_)) => {
            facts.filed = true;
            CommitteeState::Present(facts)
        }
        (CommitteeState::Present(mut facts), CommitteeEvent::FlaggedLate(_)) => {
            facts.flagged_late = true;
            CommitteeState::Present(facts)
        }
        (state, _) => state,
    }
}

impl Decider for Committee {
    type State = CommitteeState;
    type Command = CommitteeCommand;
    type Event = CommitteeEvent;
    type Error = CommitteeError;

    fn decide(
        state: &CommitteeState,
        command: CommitteeCommand,
    ) -> Result<Vec<CommitteeEvent>, CommitteeError> {
        decide(state, command).map(|event| vec![event])
    }

    fn evolve(state: CommitteeState, event: &CommitteeEvent) -> CommitteeState {
        evolve(state, event)
    }
}
