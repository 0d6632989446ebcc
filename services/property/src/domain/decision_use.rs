//! Relying on an owners' assembly decision: the right kind of matter, passed,
//! of the same estate, and used at most once.

use crate::domain::assembly::{Decision, Matter};
use gongzhi_proto::gongzhi::property::v1 as pb;
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionUseError {
    #[error("the decision is about {actual:?}, this needs {needed:?}")]
    WrongMatter { needed: Matter, actual: Matter },
    #[error("the assembly did not pass matter {matter_id}")]
    NotPassed { matter_id: String },
    #[error("the decision belongs to another estate")]
    OtherEstate,
    #[error("decision {assembly_id}/{matter_id} was already relied on")]
    AlreadyUsed {
        assembly_id: String,
        matter_id: String,
    },
}

impl DecisionUseError {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::WrongMatter { .. } => "DECISION_WRONG_MATTER",
            Self::NotPassed { .. } => "DECISION_NOT_PASSED",
            Self::OtherEstate => "DECISION_OTHER_ESTATE",
            Self::AlreadyUsed { .. } => "DECISION_ALREADY_USED",
        }
    }
}

pub type UsedDecisions = BTreeSet<(String, String)>;

pub fn check(
    decision: &Decision,
    needed: Matter,
    estate_id: &str,
    used: &UsedDecisions,
) -> Result<(), DecisionUseError> {
    if decision.matter != needed {
        return Err(DecisionUseError::WrongMatter {
            needed,
            actual: decision.matter,
        });
    }
    if decision.estate_id != estate_id {
        return Err(DecisionUseError::OtherEstate);
    }
    if !decision.passed {
        return Err(DecisionUseError::NotPassed {
            matter_id: decision.matter_id.clone(),
        });
    }
    if used.contains(&(decision.assembly_id.clone(), decision.matter_id.clone())) {
        return Err(DecisionUseError::AlreadyUsed {
            assembly_id: decision.assembly_id.clone(),
            matter_id: decision.matter_id.clone(),
        });
    }
    Ok(())
}

pub fn reference(decision: &Decision) -> pb::VoteReference {
    pb::VoteReference {
        assembly_id: decision.assembly_id.clone(),
        matter_id: decision.matter_id.clone(),
    }
}

pub fn key_of(vote: Option<&pb::VoteReference>) -> Option<(String, String)> {
    vote.map(|v| (v.assembly_id.clone(), v.matter_id.clone()))
}
