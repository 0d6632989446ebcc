//! `PurchaseService`: validation (all violations at once), roles, mapping to
//! and from the application. Every command names the district and the
//! purchase; the buyer's roles act.

mod convert;

use super::access::{ensure_buyer, ensure_read};
use super::errors::app_error;
use super::receipt::receipt;
use crate::app::ProcurementApp;
use crate::app::purchases::PurchaseStep;
use crate::domain::purchase::PurchaseError;
use convert::{evaluator, milestones, points, purchase_view, rfc3339};
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::procurement::v1 as pb;
use gongzhi_server::{ApiError, Caller, CommandContext, Violations};
use tonic::{Request, Response, Status};
use uuid::Uuid;

const TEXT_MAX_CHARS: usize = 2000;
const TITLE_MAX_CHARS: usize = 200;

pub struct PurchaseGrpc {
    app: ProcurementApp,
}

impl PurchaseGrpc {
    pub fn new(app: ProcurementApp) -> Self {
        Self { app }
    }

    /// Checks what every step shares, then `fields` adds its own; all
    /// violations come back together.
    async fn step<T>(
        &self,
        request: Request<T>,
        head: impl Fn(&T) -> (&str, &str, &str),
        fields: impl FnOnce(&mut Violations, &T) -> Option<PurchaseStep>,
    ) -> Result<Option<pb::CommandReceipt>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let (request_id, district, purchase_id) = head(&r);
        let mut v = Violations::default();
        v.request_id(request_id);
        let district = v.district(district);
        let purchase_id = v.uuid("purchase_id", purchase_id);
        let step = fields(&mut v, &r);
        v.finish()?;
        let (Some(district), Some(purchase_id), Some(step)) = (district, purchase_id, step) else {
            return Err(ApiError::invalid_argument(Vec::new()).into());
        };
        ensure_buyer(&caller, &district)?;
        let context = CommandContext::new(caller, request_id)?;
        let written = self
            .app
            .purchase_step(&context, &district, purchase_id, step)
            .await
            .map_err(|e| app_error(e, "purchase"))?;
        Ok(receipt(&written))
    }
}

fn provider(v: &mut Violations, raw: &str) -> Option<Uuid> {
    v.uuid("provider_id", raw)
}

#[tonic::async_trait]
impl pb::purchase_service_server::PurchaseService for PurchaseGrpc {
    async fn plan_purchase(
        &self,
        request: Request<pb::PlanPurchaseRequest>,
    ) -> Result<Response<pb::PlanPurchaseResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district: Option<DistrictCode> = v.district(&r.district);
        let plan = convert::plan(&mut v, &r);
        v.finish()?;
        let (Some(district), Some(plan)) = (district, plan) else {
            return Err(ApiError::invalid_argument(Vec::new()).into());
        };
        ensure_buyer(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let (purchase_id, written) = self
            .app
            .plan_purchase(&context, &district, plan)
            .await
            .map_err(|e| app_error(e, "purchase"))?;
        Ok(Response::new(pb::PlanPurchaseResponse {
            purchase_id: purchase_id.to_string(),
            receipt: receipt(&written),
        }))
    }

    async fn publish_tender(
        &self,
        request: Request<pb::PublishTenderRequest>,
    ) -> Result<Response<pb::PublishTenderResponse>, Status> {
        let receipt = self
            .step(
                request,
                |r| {
                    (
                        r.request_id.as_str(),
                        r.district.as_str(),
                        r.purchase_id.as_str(),
                    )
                },
                |v, r| {
                    rfc3339(v, "deadline", &r.deadline)
                        .map(|deadline| PurchaseStep::Publish { deadline })
                },
            )
            .await?;
        Ok(Response::new(pb::PublishTenderResponse { receipt }))
    }

    async fn submit_bid(
        &self,
        request: Request<pb::SubmitBidRequest>,
    ) -> Result<Response<pb::SubmitBidResponse>, Status> {
        let receipt = self
            .step(
                request,
                |r| {
                    (
                        r.request_id.as_str(),
                        r.district.as_str(),
                        r.purchase_id.as_str(),
                    )
                },
                |v, r| {
                    provider(v, &r.provider_id).map(|provider_id| PurchaseStep::Bid {
                        provider_id,
                        price_fen: r.price_fen,
                    })
                },
            )
            .await?;
        Ok(Response::new(pb::SubmitBidResponse { receipt }))
    }

    async fn review_qualification(
        &self,
        request: Request<pb::ReviewQualificationRequest>,
    ) -> Result<Response<pb::ReviewQualificationResponse>, Status> {
        let receipt = self
            .step(
                request,
                |r| {
                    (
                        r.request_id.as_str(),
                        r.district.as_str(),
                        r.purchase_id.as_str(),
                    )
                },
                |v, r| {
                    let reason = v.optional_text("reason", &r.reason, TEXT_MAX_CHARS);
                    let provider_id = provider(v, &r.provider_id)?;
                    Some(PurchaseStep::ReviewQualification {
                        provider_id,
                        qualified: r.qualified,
                        reason: reason?,
                    })
                },
            )
            .await?;
        Ok(Response::new(pb::ReviewQualificationResponse { receipt }))
    }

    async fn score_bids(
        &self,
        request: Request<pb::ScoreBidsRequest>,
    ) -> Result<Response<pb::ScoreBidsResponse>, Status> {
        let receipt = self
            .step(
                request,
                |r| {
                    (
                        r.request_id.as_str(),
                        r.district.as_str(),
                        r.purchase_id.as_str(),
                    )
                },
                |v, r| points(v, &r.bids).map(|points| PurchaseStep::Score { points }),
            )
            .await?;
        Ok(Response::new(pb::ScoreBidsResponse { receipt }))
    }

    async fn award_purchase(
        &self,
        request: Request<pb::AwardPurchaseRequest>,
    ) -> Result<Response<pb::AwardPurchaseResponse>, Status> {
        let receipt = self
            .step(
                request,
                |r| {
                    (
                        r.request_id.as_str(),
                        r.district.as_str(),
                        r.purchase_id.as_str(),
                    )
                },
                |v, r| {
                    provider(v, &r.provider_id)
                        .map(|provider_id| PurchaseStep::Award { provider_id })
                },
            )
            .await?;
        Ok(Response::new(pb::AwardPurchaseResponse { receipt }))
    }

    async fn challenge_award(
        &self,
        request: Request<pb::ChallengeAwardRequest>,
    ) -> Result<Response<pb::ChallengeAwardResponse>, Status> {
        let receipt = self
            .step(
                request,
                |r| {
                    (
                        r.request_id.as_str(),
                        r.district.as_str(),
                        r.purchase_id.as_str(),
                    )
                },
                |v, r| {
                    let grounds = v.text("grounds", &r.grounds, TEXT_MAX_CHARS);
                    let provider_id = provider(v, &r.provider_id)?;
                    Some(PurchaseStep::Challenge {
                        provider_id,
                        grounds: grounds?,
                    })
                },
            )
            .await?;
        Ok(Response::new(pb::ChallengeAwardResponse { receipt }))
    }

    async fn resolve_challenge(
        &self,
        request: Request<pb::ResolveChallengeRequest>,
    ) -> Result<Response<pb::ResolveChallengeResponse>, Status> {
        let receipt = self
            .step(
                request,
                |r| {
                    (
                        r.request_id.as_str(),
                        r.district.as_str(),
                        r.purchase_id.as_str(),
                    )
                },
                |v, r| {
                    v.text("reasoning", &r.reasoning, TEXT_MAX_CHARS)
                        .map(|reasoning| PurchaseStep::ResolveChallenge {
                            upheld: r.upheld,
                            reasoning,
                        })
                },
            )
            .await?;
        Ok(Response::new(pb::ResolveChallengeResponse { receipt }))
    }

    async fn sign_contract(
        &self,
        request: Request<pb::SignContractRequest>,
    ) -> Result<Response<pb::SignContractResponse>, Status> {
        let receipt = self
            .step(
                request,
                |r| {
                    (
                        r.request_id.as_str(),
                        r.district.as_str(),
                        r.purchase_id.as_str(),
                    )
                },
                |v, r| milestones(v, r).map(|terms| PurchaseStep::SignContract { terms }),
            )
            .await?;
        Ok(Response::new(pb::SignContractResponse { receipt }))
    }

    async fn record_monitoring(
        &self,
        request: Request<pb::RecordMonitoringRequest>,
    ) -> Result<Response<pb::RecordMonitoringResponse>, Status> {
        let receipt = self
            .step(
                request,
                |r| {
                    (
                        r.request_id.as_str(),
                        r.district.as_str(),
                        r.purchase_id.as_str(),
                    )
                },
                |v, r| {
                    let milestone_id = v.text("milestone_id", &r.milestone_id, TITLE_MAX_CHARS);
                    let note = v.optional_text("note", &r.note, TEXT_MAX_CHARS);
                    Some(PurchaseStep::Monitor {
                        milestone_id: milestone_id?,
                        satisfactory: r.satisfactory,
                        note: note?,
                    })
                },
            )
            .await?;
        Ok(Response::new(pb::RecordMonitoringResponse { receipt }))
    }

    async fn deliver_milestone(
        &self,
        request: Request<pb::DeliverMilestoneRequest>,
    ) -> Result<Response<pb::DeliverMilestoneResponse>, Status> {
        let receipt = self
            .step(
                request,
                |r| {
                    (
                        r.request_id.as_str(),
                        r.district.as_str(),
                        r.purchase_id.as_str(),
                    )
                },
                |v, r| {
                    v.text("milestone_id", &r.milestone_id, TITLE_MAX_CHARS)
                        .map(|milestone_id| PurchaseStep::Deliver { milestone_id })
                },
            )
            .await?;
        Ok(Response::new(pb::DeliverMilestoneResponse { receipt }))
    }

    async fn evaluate_performance(
        &self,
        request: Request<pb::EvaluatePerformanceRequest>,
    ) -> Result<Response<pb::EvaluatePerformanceResponse>, Status> {
        let receipt = self
            .step(
                request,
                |r| {
                    (
                        r.request_id.as_str(),
                        r.district.as_str(),
                        r.purchase_id.as_str(),
                    )
                },
                |v, r| {
                    let who = evaluator(v, r.evaluator);
                    let name =
                        v.optional_text("evaluator_name", &r.evaluator_name, TITLE_MAX_CHARS);
                    if r.score > 100 {
                        v.add("score", format!("must be from 0 to 100, got {}", r.score));
                        return None;
                    }
                    Some(PurchaseStep::Evaluate {
                        evaluator: who?,
                        evaluator_name: name?,
                        score: r.score,
                    })
                },
            )
            .await?;
        Ok(Response::new(pb::EvaluatePerformanceResponse { receipt }))
    }

    async fn make_payment(
        &self,
        request: Request<pb::MakePaymentRequest>,
    ) -> Result<Response<pb::MakePaymentResponse>, Status> {
        let receipt = self
            .step(
                request,
                |r| {
                    (
                        r.request_id.as_str(),
                        r.district.as_str(),
                        r.purchase_id.as_str(),
                    )
                },
                |v, r| {
                    v.text("milestone_id", &r.milestone_id, TITLE_MAX_CHARS)
                        .map(|milestone_id| PurchaseStep::Pay { milestone_id })
                },
            )
            .await?;
        Ok(Response::new(pb::MakePaymentResponse { receipt }))
    }

    async fn get_purchase(
        &self,
        request: Request<pb::GetPurchaseRequest>,
    ) -> Result<Response<pb::GetPurchaseResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let purchase_id = v.uuid("purchase_id", &r.purchase_id);
        v.finish()?;
        let (Some(district), Some(purchase_id)) = (district, purchase_id) else {
            return Err(ApiError::invalid_argument(Vec::new()).into());
        };
        ensure_read(&caller, &district)?;
        let view = self
            .app
            .purchase::<PurchaseError>(&district, &purchase_id.to_string(), r.min_position)
            .await
            .map_err(|e| app_error(e, "purchase"))?;
        Ok(Response::new(pb::GetPurchaseResponse {
            purchase: Some(purchase_view(view)),
        }))
    }

    async fn export_ocds(
        &self,
        request: Request<pb::ExportOcdsRequest>,
    ) -> Result<Response<pb::ExportOcdsResponse>, Status> {
        // Open data: any authenticated caller; the district is still named
        // so that a purchase is only found in its own district.
        let _caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let purchase_id = v.uuid("purchase_id", &r.purchase_id);
        v.finish()?;
        let (Some(district), Some(purchase_id)) = (district, purchase_id) else {
            return Err(ApiError::invalid_argument(Vec::new()).into());
        };
        let export = self
            .app
            .export_ocds(&district, purchase_id)
            .await
            .map_err(|e| app_error(e, "purchase"))?;
        Ok(Response::new(pb::ExportOcdsResponse {
            release_package_json: export.release_package,
            record_package_json: export.record_package,
        }))
    }
}
