//! Why a property command or query failed. Domain refusals keep their
//! stable reason code; "not found" and "another district" read the same.

use gongzhi_commands::CommandError;
use gongzhi_eventstore::StoreError;
use gongzhi_kernel::DecodeError;
use gongzhi_projections::ProjectionError;

/// A domain refusal with a stable reason code. `what` names the item in a
/// NOT_FOUND answer when `hides_existence` is true.
pub trait RuleError: std::error::Error {
    fn reason(&self) -> &'static str;
    fn hides_existence(&self) -> bool;
    fn what(&self) -> &'static str;
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A decider refused the command.
    #[error("{message}")]
    Rule {
        reason: &'static str,
        message: String,
    },
    /// The item is unknown in the caller's district.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The application refuses before deciding (a rule spanning streams).
    #[error("{message}")]
    Refused {
        reason: &'static str,
        message: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("stored event does not decode: {0}")]
    Decode(#[from] DecodeError),
    #[error(transparent)]
    Projection(#[from] ProjectionError),
}

impl AppError {
    pub fn refused(reason: &'static str, message: impl Into<String>) -> Self {
        Self::Refused {
            reason,
            message: message.into(),
        }
    }
}

impl<E: RuleError + 'static> From<CommandError<E>> for AppError {
    fn from(error: CommandError<E>) -> Self {
        match error {
            CommandError::Domain(rule) if rule.hides_existence() => Self::NotFound(rule.what()),
            CommandError::Domain(rule) => Self::Rule {
                reason: rule.reason(),
                message: rule.to_string(),
            },
            CommandError::Store(store) => Self::Store(store),
            CommandError::Decode(decode) => Self::Decode(decode),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        Self::Projection(ProjectionError::from(error))
    }
}

macro_rules! rule_error {
    ($error:ty, $what:literal, $hides:expr) => {
        impl RuleError for $error {
            fn reason(&self) -> &'static str {
                <$error>::reason(self)
            }
            fn hides_existence(&self) -> bool {
                let hides: fn(&$error) -> bool = $hides;
                hides(self)
            }
            fn what(&self) -> &'static str {
                $what
            }
        }
    };
}

use crate::domain::assembly::AssemblyError;
use crate::domain::committee::CommitteeError;
use crate::domain::dispute::DisputeError;
use crate::domain::estate::EstateError;
use crate::domain::fees::FeeError;
use crate::domain::fund::FundError;
use crate::domain::management::ManagementError;

rule_error!(EstateError, "estate", EstateError::hides_existence);
rule_error!(AssemblyError, "assembly", AssemblyError::hides_existence);
rule_error!(CommitteeError, "committee", CommitteeError::hides_existence);
rule_error!(DisputeError, "dispute", DisputeError::hides_existence);
rule_error!(FundError, "estate", FundError::hides_existence);
rule_error!(ManagementError, "estate", |e| matches!(
    e,
    ManagementError::WrongDistrict { .. }
));
rule_error!(FeeError, "fee", |_| false);
