//! Purchases through the application layer.
//!
//! Contract: before the decider runs, a plan's catalogue item must be
//! purchasable in the district's catalogue, and every provider named (invited,
//! bidding, challenging) must be registered in the district; both are read
//! from their own streams. Times come from the app's clock.

use super::{AppError, PURCHASE_CATEGORY, ProcurementApp, new_id};
use crate::domain::purchase::{
    ContractTerms, Evaluator, Purchase, PurchaseCommand, PurchaseError, PurchasePlan,
};
use chrono::{DateTime, Utc};
use gongzhi_commands::Receipt;
use gongzhi_kernel::DistrictCode;
use gongzhi_server::CommandContext;
use uuid::Uuid;

pub type PurchaseAppError = AppError<PurchaseError>;

/// A plan as asked for; the stable flag comes from the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRequest {
    pub title: String,
    pub item_code: String,
    pub budget_fen: u64,
    pub budget_secured: bool,
    pub method: crate::domain::purchase::PurchaseMethod,
    pub justification: String,
    pub invited: Vec<Uuid>,
    pub price_weight: u32,
    pub criteria: Vec<(String, u32)>,
}

/// A step of a planned purchase, as asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PurchaseStep {
    Publish {
        deadline: DateTime<Utc>,
    },
    Bid {
        provider_id: Uuid,
        price_fen: u64,
    },
    ReviewQualification {
        provider_id: Uuid,
        qualified: bool,
        reason: String,
    },
    Score {
        points: Vec<(Uuid, Vec<u32>)>,
    },
    Award {
        provider_id: Uuid,
    },
    Challenge {
        provider_id: Uuid,
        grounds: String,
    },
    ResolveChallenge {
        upheld: bool,
        reasoning: String,
    },
    SignContract {
        terms: ContractTerms,
    },
    Monitor {
        milestone_id: String,
        satisfactory: bool,
        note: String,
    },
    Deliver {
        milestone_id: String,
    },
    Evaluate {
        evaluator: Evaluator,
        evaluator_name: String,
        score: u32,
    },
    Pay {
        milestone_id: String,
    },
}

impl ProcurementApp {
    pub async fn plan_purchase(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        request: PlanRequest,
    ) -> Result<(Uuid, Receipt), PurchaseAppError> {
        let catalogue = self.catalogue::<PurchaseError>(district).await?;
        let item = catalogue
            .purchasable(&request.item_code)
            .map_err(|e| AppError::Refused {
                reason: e.reason(),
                message: e.to_string(),
            })?;
        let (stable_service, dispatchable) = (item.stable, item.dispatchable);
        for provider in &request.invited {
            self.ensure_provider::<PurchaseError>(district, *provider)
                .await?;
        }
        let id = new_id(context, "purchase");
        let command = PurchaseCommand::Plan {
            district: district.clone(),
            plan: PurchasePlan {
                purchase_id: id.to_string(),
                title: request.title,
                item_code: request.item_code,
                stable_service,
                dispatchable,
                budget_fen: request.budget_fen,
                budget_secured: request.budget_secured,
                method: request.method,
                justification: request.justification,
                invited_provider_ids: request.invited.iter().map(Uuid::to_string).collect(),
                price_weight: request.price_weight,
                criteria: request.criteria,
            },
            at: self.now(),
        };
        let receipt = self
            .run::<Purchase>(context, district, PURCHASE_CATEGORY, id, command)
            .await?;
        let id = Uuid::parse_str(receipt.stream.id()).unwrap_or(id);
        Ok((id, receipt))
    }

    pub async fn purchase_step(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        purchase_id: Uuid,
        step: PurchaseStep,
    ) -> Result<Receipt, PurchaseAppError> {
        let district_code = district.clone();
        let at = self.now();
        let rules = self.rules;
        let command = match step {
            PurchaseStep::Publish { deadline } => PurchaseCommand::Publish {
                district: district_code,
                deadline,
                at,
            },
            PurchaseStep::Bid {
                provider_id,
                price_fen,
            } => {
                self.ensure_provider::<PurchaseError>(district, provider_id)
                    .await?;
                PurchaseCommand::Bid {
                    district: district_code,
                    provider_id: provider_id.to_string(),
                    price_fen,
                    at,
                }
            }
            PurchaseStep::ReviewQualification {
                provider_id,
                qualified,
                reason,
            } => PurchaseCommand::ReviewQualification {
                district: district_code,
                provider_id: provider_id.to_string(),
                qualified,
                reason,
                at,
            },
            PurchaseStep::Score { points } => PurchaseCommand::Score {
                district: district_code,
                points: points
                    .into_iter()
                    .map(|(p, s)| (p.to_string(), s))
                    .collect(),
                at,
            },
            PurchaseStep::Award { provider_id } => PurchaseCommand::Award {
                district: district_code,
                provider_id: provider_id.to_string(),
                rules,
                at,
            },
            PurchaseStep::Challenge {
                provider_id,
                grounds,
            } => PurchaseCommand::Challenge {
                district: district_code,
                provider_id: provider_id.to_string(),
                grounds,
                at,
            },
            PurchaseStep::ResolveChallenge { upheld, reasoning } => {
                PurchaseCommand::ResolveChallenge {
                    district: district_code,
                    upheld,
                    reasoning,
                }
            }
            PurchaseStep::SignContract { terms } => PurchaseCommand::SignContract {
                district: district_code,
                terms,
                rules,
                at,
            },
            PurchaseStep::Monitor {
                milestone_id,
                satisfactory,
                note,
            } => PurchaseCommand::Monitor {
                district: district_code,
                milestone_id,
                satisfactory,
                note,
                at,
            },
            PurchaseStep::Deliver { milestone_id } => PurchaseCommand::Deliver {
                district: district_code,
                milestone_id,
                at,
            },
            PurchaseStep::Evaluate {
                evaluator,
                evaluator_name,
                score,
            } => {
                // The residents' ratings known now go into the evaluation.
                let mut tx = self.read_after::<PurchaseError>(0).await?;
                let satisfaction =
                    super::queries::satisfaction(&mut tx, district, &purchase_id.to_string())
                        .await?;
                drop(tx);
                PurchaseCommand::Evaluate {
                    district: district_code,
                    evaluator,
                    evaluator_name,
                    score,
                    satisfaction,
                    rules,
                    at,
                }
            }
            PurchaseStep::Pay { milestone_id } => PurchaseCommand::Pay {
                district: district_code,
                milestone_id,
                at,
            },
        };
        self.run::<Purchase>(context, district, PURCHASE_CATEGORY, purchase_id, command)
            .await
    }
}
