//! Why an application command or query failed, over a decider's error.

use gongzhi_commands::CommandError;
use gongzhi_eventstore::StoreError;
use gongzhi_kernel::DecodeError;
use gongzhi_projections::ProjectionError;

/// A domain refusal with a stable reason code. `hides_existence` is true for
/// "not found" and "wrong district": both answer NOT_FOUND so a caller learns
/// nothing about another district's data.
pub trait RuleError: std::error::Error {
    fn reason(&self) -> &'static str;
    fn hides_existence(&self) -> bool;
}

#[derive(Debug, thiserror::Error)]
pub enum AppError<E: std::error::Error + 'static> {
    #[error(transparent)]
    Command(#[from] CommandError<E>),
    /// A rule spanning streams (a provider registered in the district, a
    /// purchasable catalogue item), with a stable reason code.
    #[error("{message}")]
    Refused {
        reason: &'static str,
        message: String,
    },
    /// The item asked for is not in the read model of this district.
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error(transparent)]
    Projection(#[from] ProjectionError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Decode(#[from] DecodeError),
}

impl<E: std::error::Error + 'static> From<sqlx::Error> for AppError<E> {
    fn from(error: sqlx::Error) -> Self {
        Self::Projection(ProjectionError::from(error))
    }
}

macro_rules! rule_error {
    ($($error:ty),+) => {
        $(impl RuleError for $error {
            fn reason(&self) -> &'static str {
                <$error>::reason(self)
            }

            fn hides_existence(&self) -> bool {
                <$error>::hides_existence(self)
            }
        })+
    };
}

rule_error!(
    crate::domain::provider::ProviderError,
    crate::domain::purchase::PurchaseError,
    crate::domain::venture::VentureError
);

rule_error!(crate::domain::catalogue::CatalogueError);
