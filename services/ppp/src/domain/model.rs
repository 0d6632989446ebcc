//! Operation models and payment mechanisms, and the terms each allows.
//!
//! Contract (defaults, configurable per district): O&M at most 8 years, MC
//! at most 3, BOT/TOT/ROT 20 to 30, BOO at least 10 with no transfer at the
//! end; a user-pays concession under the 2023 mechanism may run up to 40
//! years. At least 30% of the construction cost is tied to performance.

use gongzhi_proto::gongzhi::ppp::v1 as pb;

pub use pb::{OperationModel, PaymentMechanism};

/// Years a model may run: `min..=max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermRange {
    pub min: u32,
    pub max: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelRules {
    pub operation_and_maintenance: TermRange,
    pub management_contract: TermRange,
    pub build_operate_transfer: TermRange,
    pub build_own_operate: TermRange,
    /// Longest term of a user-pays concession (2023 mechanism).
    pub user_pays_concession_max: u32,
    /// Least share of construction cost tied to performance, in percent.
    pub performance_linked_percent_min: u32,
}

impl Default for ModelRules {
    fn default() -> Self {
        Self {
            operation_and_maintenance: TermRange { min: 1, max: 8 },
            management_contract: TermRange { min: 1, max: 3 },
            build_operate_transfer: TermRange { min: 20, max: 30 },
            build_own_operate: TermRange { min: 10, max: 30 },
            user_pays_concession_max: 40,
            performance_linked_percent_min: 30,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("an operation model is required")]
    NoModel,
    #[error("a payment mechanism is required")]
    NoMechanism,
    #[error("{model:?} runs {min} to {max} years, not {years}")]
    Term {
        model: OperationModel,
        years: u32,
        min: u32,
        max: u32,
    },
}

impl ModelRules {
    /// The years `model` may run under `mechanism`.
    pub fn term_range(
        &self,
        model: OperationModel,
        mechanism: PaymentMechanism,
    ) -> Option<TermRange> {
        let range = match model {
            OperationModel::Unspecified => return None,
            OperationModel::OperationAndMaintenance => self.operation_and_maintenance,
            OperationModel::ManagementContract => self.management_contract,
            OperationModel::BuildOperateTransfer
            | OperationModel::TransferOperateTransfer
            | OperationModel::RehabilitateOperateTransfer => self.build_operate_transfer,
            OperationModel::BuildOwnOperate => self.build_own_operate,
        };
        // User-pays concessions may run longer under the 2023 mechanism.
        let concession = matches!(
            model,
            OperationModel::BuildOperateTransfer
                | OperationModel::TransferOperateTransfer
                | OperationModel::RehabilitateOperateTransfer
                | OperationModel::BuildOwnOperate
        ) && mechanism == PaymentMechanism::UserPays;
        Some(if concession {
            TermRange {
                min: range.min,
                max: range.max.max(self.user_pays_concession_max),
            }
        } else {
            range
        })
    }

    pub fn check_term(
        &self,
        model: OperationModel,
        mechanism: PaymentMechanism,
        years: u32,
    ) -> Result<(), ModelError> {
        if mechanism == PaymentMechanism::Unspecified {
            return Err(ModelError::NoMechanism);
        }
        let range = self
            .term_range(model, mechanism)
            .ok_or(ModelError::NoModel)?;
        if years < range.min || years > range.max {
            return Err(ModelError::Term {
                model,
                years,
                min: range.min,
                max: range.max,
            });
        }
        Ok(())
    }
}

/// Whether the asset goes back to government at the end.
pub fn transfers_at_end(model: OperationModel) -> bool {
    model != OperationModel::BuildOwnOperate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_per_model() {
        let rules = ModelRules::default();
        let gov = PaymentMechanism::GovernmentPays;
        assert!(
            rules
                .check_term(OperationModel::OperationAndMaintenance, gov, 8)
                .is_ok()
        );
        assert!(
            rules
                .check_term(OperationModel::OperationAndMaintenance, gov, 9)
                .is_err()
        );
        assert!(
            rules
                .check_term(OperationModel::ManagementContract, gov, 3)
                .is_ok()
        );
        assert!(
            rules
                .check_term(OperationModel::ManagementContract, gov, 4)
                .is_err()
        );
        assert!(
            rules
                .check_term(OperationModel::BuildOperateTransfer, gov, 19)
                .is_err()
        );
        assert!(
            rules
                .check_term(OperationModel::BuildOperateTransfer, gov, 30)
                .is_ok()
        );
        assert!(
            rules
                .check_term(OperationModel::BuildOperateTransfer, gov, 31)
                .is_err()
        );
        assert!(
            rules
                .check_term(
                    OperationModel::BuildOperateTransfer,
                    PaymentMechanism::UserPays,
                    40
                )
                .is_ok()
        );
        assert!(
            rules
                .check_term(
                    OperationModel::BuildOperateTransfer,
                    PaymentMechanism::UserPays,
                    41
                )
                .is_err()
        );
        assert_eq!(
            rules.check_term(OperationModel::Unspecified, gov, 10),
            Err(ModelError::NoModel)
        );
        assert!(!transfers_at_end(OperationModel::BuildOwnOperate));
    }
}
