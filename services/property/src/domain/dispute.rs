//! Disputes between owners, the owners' committee and the property company,
//! as a pure decider over stream `dispute-<uuid>`.
//!
//! Contract: a dispute is filed between two different parties; the
//! residents' committee mediates first; only a dispute in mediation is
//! escalated, each time to a higher level (street office, housing
//! authority, court); it ends once, settled (only while in mediation and
//! never escalated), decided (only after an escalation) or withdrawn; an
//! ended dispute takes no changes.

use crate::domain::DisputeEvent;
use crate::domain::dates::date;
use chrono::NaiveDate;
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::property::v1 as pb;

pub use pb::{DisputeOutcome, DisputeParty, EscalationLevel};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisputeCommand {
    File {
        dispute_id: String,
        estate_id: String,
        district: DistrictCode,
        complainant: (DisputeParty, String),
        respondent: (DisputeParty, String),
        subject: String,
        on: NaiveDate,
    },
    StartMediation {
        district: DistrictCode,
        mediator: String,
        on: NaiveDate,
    },
    Escalate {
        district: DistrictCode,
        level: EscalationLevel,
        reason: String,
        on: NaiveDate,
    },
    Resolve {
        district: DistrictCode,
        outcome: DisputeOutcome,
        summary: String,
        on: NaiveDate,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisputeError {
    #[error("dispute already exists")]
    AlreadyExists,
    #[error("dispute not found")]
    NotFound,
    #[error("dispute belongs to district {actual}, not {given}")]
    WrongDistrict { given: String, actual: String },
    #[error("{field} is required")]
    Required { field: &'static str },
    #[error("a party cannot dispute with itself")]
    SameParty,
    #[error("mediation has already started")]
    AlreadyMediating,
    #[error("the residents' committee mediates first")]
    NotMediated,
    #[error("escalation goes to a higher level than {current:?}")]
    NotHigher { current: EscalationLevel },
    #[error("a settlement is reached in mediation, before any escalation")]
    SettleOnlyInMediation,
    #[error("a dispute is decided only by a body it was escalated to")]
    DecideOnlyAfterEscalation,
    #[error("the dispute has ended")]
    Ended,
}

impl DisputeError {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::AlreadyExists => "DISPUTE_ALREADY_EXISTS",
            Self::NotFound => "DISPUTE_NOT_FOUND",
            Self::WrongDistrict { .. } => "DISPUTE_WRONG_DISTRICT",
            Self::Required { .. } => "DISPUTE_FIELD_REQUIRED",
            Self::SameParty => "DISPUTE_SAME_PARTY",
            Self::AlreadyMediating => "DISPUTE_ALREADY_MEDIATING",
            Self::NotMediated => "DISPUTE_NOT_MEDIATED",
            Self::NotHigher { .. } => "DISPUTE_ESCALATION_NOT_HIGHER",
            Self::SettleOnlyInMediation => "DISPUTE_SETTLE_ONLY_IN_MEDIATION",
            Self::DecideOnlyAfterEscalation => "DISPUTE_DECIDE_ONLY_AFTER_ESCALATION",
            Self::Ended => "DISPUTE_ENDED",
        }
    }

    pub fn hides_existence(&self) -> bool {
        matches!(self, Self::NotFound | Self::WrongDistrict { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeFacts {
    pub dispute_id: String,
    pub district: String,
    pub mediating: bool,
    pub level: EscalationLevel,
    pub ended: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum DisputeState {
    #[default]
    Absent,
    Present(DisputeFacts),
}

pub struct Dispute;

fn open<'a>(
    state: &'a DisputeState,
    district: &DistrictCode,
) -> Result<&'a DisputeFacts, DisputeError> {
    let DisputeState::Present(facts) = state else {
        return Err(DisputeError::NotFound);
    };
    if facts.district != district.as_str() {
        return Err(DisputeError::WrongDistrict {
            given: district.to_string(),
            actual: facts.district.clone(),
        });
    }
    if facts.ended {
        return Err(DisputeError::Ended);
    }
    Ok(facts)
}

fn required(field: &'static str, value: &str) -> Result<(), DisputeError> {
    if value.trim().is_empty() {
        return Err(DisputeError::Required { field });
    }
    Ok(())
}

fn party(field: &'static str, party: &(DisputeParty, String)) -> Result<(), DisputeError> {
    if party.0 == DisputeParty::Unspecified {
        return Err(DisputeError::Required { field });
    }
    required(field, &party.1)
}

fn decide(state: &DisputeState, command: DisputeCommand) -> Result<DisputeEvent, DisputeError> {
    match command {
        DisputeCommand::File {
            dispute_id,
            estate_id,
            district,
            complainant,
            respondent,
            subject,
            on,
        } => {
            if state != &DisputeState::Absent {
                return Err(DisputeError::AlreadyExists);
            }
            party("complainant", &complainant)?;
            party("respondent", &respondent)?;
            required("subject", &subject)?;
            if complainant == respondent {
                return Err(DisputeError::SameParty);
            }
            Ok(DisputeEvent::Filed(pb::DisputeFiled {
                dispute_id,
                estate_id,
                district: district.to_string(),
                complainant: complainant.0 as i32,
                complainant_id: complainant.1,
                respondent: respondent.0 as i32,
                respondent_id: respondent.1,
                subject,
                filed_on: date(on),
            }))
        }
        DisputeCommand::StartMediation {
            district,
            mediator,
            on,
        } => {
            let facts = open(state, &district)?;
            required("mediator", &mediator)?;
            if facts.mediating {
                return Err(DisputeError::AlreadyMediating);
            }
            Ok(DisputeEvent::MediationStarted(pb::MediationStarted {
                dispute_id: facts.dispute_id.clone(),
                district: facts.district.clone(),
                mediator,
                started_on: date(on),
            }))
        }
        DisputeCommand::Escalate {
            district,
            level,
            reason,
            on,
        } => {
            let facts = open(state, &district)?;
            required("reason", &reason)?;
            if !facts.mediating {
                return Err(DisputeError::NotMediated);
            }
            if level == EscalationLevel::Unspecified || level <= facts.level {
                return Err(DisputeError::NotHigher {
                    current: facts.level,
                });
            }
            Ok(DisputeEvent::Escalated(pb::DisputeEscalated {
                dispute_id: facts.dispute_id.clone(),
                district: facts.district.clone(),
                level: level as i32,
                reason,
                escalated_on: date(on),
            }))
        }
        DisputeCommand::Resolve {
            district,
            outcome,
            summary,
            on,
        } => {
            let facts = open(state, &district)?;
            required("summary", &summary)?;
            let escalated = facts.level != EscalationLevel::Unspecified;
            match outcome {
                DisputeOutcome::Unspecified => {
                    return Err(DisputeError::Required { field: "outcome" });
                }
                DisputeOutcome::Settled if !facts.mediating || escalated => {
                    return Err(DisputeError::SettleOnlyInMediation);
                }
                DisputeOutcome::Decided if !escalated => {
                    return Err(DisputeError::DecideOnlyAfterEscalation);
                }
                _ => {}
            }
            Ok(DisputeEvent::Resolved(pb::DisputeResolved {
                dispute_id: facts.dispute_id.clone(),
                district: facts.district.clone(),
                outcome: outcome as i32,
                summary,
                resolved_on: date(on),
            }))
        }
    }
}

fn evolve(state: DisputeState, event: &DisputeEvent) -> DisputeState {
    match (state, event) {
        (DisputeState::Absent, DisputeEvent::Filed(e)) => DisputeState::Present(DisputeFacts {
            dispute_id: e.dispute_id.clone(),
            district: e.district.clone(),
            mediating: false,
            level: EscalationLevel::Unspecified,
            ended: false,
        }),
        (DisputeState::Present(mut facts), event) => {
            match event {
                DisputeEvent::Filed(_) => {}
                DisputeEvent::MediationStarted(_) => facts.mediating = true,
                DisputeEvent::Escalated(e) => {
                    facts.level = EscalationLevel::try_from(e.level).unwrap_or(facts.level);
                }
                DisputeEvent::Resolved(_) => facts.ended = true,
            }
            DisputeState::Present(facts)
        }
        (absent, _) => absent,
    }
}

impl Decider for Dispute {
    type State = DisputeState;
    type Command = DisputeCommand;
    type Event = DisputeEvent;
    type Error = DisputeError;

    fn decide(
        state: &DisputeState,
        command: DisputeCommand,
    ) -> Result<Vec<DisputeEvent>, DisputeError> {
        decide(state, command).map(|event| vec![event])
    }

    fn evolve(state: DisputeState, event: &DisputeEvent) -> DisputeState {
        evolve(state, event)
    }
}

#[cfg(test)]
mod tests;
