//! `gongzhi.ppp.v1.ProjectService`: one RPC per lifecycle step, plus the
//! queries. Field problems come back together as INVALID_ARGUMENT before
//! anything is read or written; roles and the district are checked next.

use super::access::ensure_read;
use super::convert::{period, project, receipt};
use super::errors::app_error;
use super::steps::{self, Build, Now};
use super::targets::{identification, read_target, split, target};
use super::validate::{TEXT_MAX_CHARS, positive_fen, score};
use crate::app::{IdentifyProject, PppApp};
use gongzhi_proto::gongzhi::ppp::v1 as pb;
use gongzhi_server::{ApiError, Caller, Violations};
use std::collections::BTreeMap;
use tonic::{Request, Response, Status};

pub struct ProjectGrpc {
    app: PppApp,
}

impl ProjectGrpc {
    pub fn new(app: PppApp) -> Self {
        Self { app }
    }

    fn now(&self) -> Now {
        let at = self.app.now();
        Now {
            at,
            today: at.date_naive(),
        }
    }

    /// Checks the common fields, the role and the district, then runs the
    /// built step on the project's stream.
    async fn run_step(
        &self,
        caller: Caller,
        ids: (&str, &str, &str),
        v: Violations,
        build: Option<Build>,
    ) -> Result<pb::CommandReceipt, Status> {
        let (context, district, project_id) = target(caller, ids, v)?;
        let Some(build) = build else {
            return Err(ApiError::invalid_argument(Vec::new()).into());
        };
        let command = build(district.clone());
        let written = self
            .app
            .step(&context, &district, project_id, command)
            .await
            .map_err(app_error)?;
        Ok(receipt(&written))
    }
}

#[tonic::async_trait]
impl pb::project_service_server::ProjectService for ProjectGrpc {
    async fn identify_project(
        &self,
        request: Request<pb::IdentifyProjectRequest>,
    ) -> Result<Response<pb::IdentifyProjectResponse>, Status> {
        let (caller, r) = split(request)?;
        let mut v = Violations::default();
        let project = identification(&mut v, &r);
        let (context, district, project_id) =
            target(caller, (&r.request_id, &r.district, &r.project_id), v)?;
        let Some(project) = project else {
            return Err(ApiError::invalid_argument(Vec::new()).into());
        };
        let project = IdentifyProject {
            project_id,
            ..project
        };
        let written = self
            .app
            .identify(&context, &district, project)
            .await
            .map_err(app_error)?;
        Ok(Response::new(pb::IdentifyProjectResponse {
            receipt: Some(receipt(&written)),
        }))
    }

    async fn evaluate_value_for_money(
        &self,
        request: Request<pb::EvaluateValueForMoneyRequest>,
    ) -> Result<Response<pb::EvaluateValueForMoneyResponse>, Status> {
        let (caller, r) = split(request)?;
        let mut v = Violations::default();
        let qualitative = score(&mut v, "qualitative_score", r.qualitative_score);
        let ppp = positive_fen(&mut v, "ppp_present_value_fen", r.ppp_present_value_fen);
        let psc = positive_fen(&mut v, "psc_present_value_fen", r.psc_present_value_fen);
        let (context, district, project_id) =
            target(caller, (&r.request_id, &r.district, &r.project_id), v)?;
        let (Some(qualitative), Some(ppp), Some(psc)) = (qualitative, ppp, psc) else {
            return Err(ApiError::invalid_argument(Vec::new()).into());
        };
        let written = self
            .app
            .evaluate_vfm(&context, &district, project_id, qualitative, ppp, psc)
            .await
            .map_err(app_error)?;
        Ok(Response::new(pb::EvaluateValueForMoneyResponse {
            receipt: Some(receipt(&written)),
        }))
    }

    async fn confirm_affordability(
        &self,
        request: Request<pb::ConfirmAffordabilityRequest>,
    ) -> Result<Response<pb::ConfirmAffordabilityResponse>, Status> {
        let (caller, r) = split(request)?;
        let (context, district, project_id) = target(
            caller,
            (&r.request_id, &r.district, &r.project_id),
            Violations::default(),
        )?;
        let written = self
            .app
            .confirm_affordability(&context, &district, project_id)
            .await
            .map_err(app_error)?;
        Ok(Response::new(pb::ConfirmAffordabilityResponse {
            receipt: Some(receipt(&written)),
        }))
    }

    async fn advance_stage(
        &self,
        request: Request<pb::AdvanceStageRequest>,
    ) -> Result<Response<pb::AdvanceStageResponse>, Status> {
        let (caller, r) = split(request)?;
        let build = steps::advance(self.now());
        let ids = (
            r.request_id.as_str(),
            r.district.as_str(),
            r.project_id.as_str(),
        );
        let receipt = self
            .run_step(caller, ids, Violations::default(), build)
            .await?;
        Ok(Response::new(pb::AdvanceStageResponse {
            receipt: Some(receipt),
        }))
    }

    async fn submit_implementation_plan(
        &self,
        request: Request<pb::SubmitImplementationPlanRequest>,
    ) -> Result<Response<pb::SubmitImplementationPlanResponse>, Status> {
        let (caller, r) = split(request)?;
        let mut v = Violations::default();
        let build = steps::submit_plan(&mut v, &r, self.now());
        let ids = (
            r.request_id.as_str(),
            r.district.as_str(),
            r.project_id.as_str(),
        );
        let receipt = self.run_step(caller, ids, v, build).await?;
        Ok(Response::new(pb::SubmitImplementationPlanResponse {
            receipt: Some(receipt),
        }))
    }

    async fn record_consultation(
        &self,
        request: Request<pb::RecordConsultationRequest>,
    ) -> Result<Response<pb::RecordConsultationResponse>, Status> {
        let (caller, r) = split(request)?;
        let mut v = Violations::default();
        let consultation = steps::consultation(&mut v, &r);
        let (context, district, project_id) =
            target(caller, (&r.request_id, &r.district, &r.project_id), v)?;
        let Some(consultation) = consultation else {
            return Err(ApiError::invalid_argument(Vec::new()).into());
        };
        let written = self
            .app
            .record_consultation(&context, &district, project_id, consultation)
            .await
            .map_err(app_error)?;
        Ok(Response::new(pb::RecordConsultationResponse {
            receipt: Some(receipt(&written)),
        }))
    }

    async fn approve_project(
        &self,
        request: Request<pb::ApproveProjectRequest>,
    ) -> Result<Response<pb::ApproveProjectResponse>, Status> {
        let (caller, r) = split(request)?;
        // The approver is who sends the approval, never a request field.
        let build = steps::approve(caller.subject.clone(), self.now());
        let ids = (
            r.request_id.as_str(),
            r.district.as_str(),
            r.project_id.as_str(),
        );
        let receipt = self
            .run_step(caller, ids, Violations::default(), build)
            .await?;
        Ok(Response::new(pb::ApproveProjectResponse {
            receipt: Some(receipt),
        }))
    }

    async fn prequalify_bidders(
        &self,
        request: Request<pb::PrequalifyBiddersRequest>,
    ) -> Result<Response<pb::PrequalifyBiddersResponse>, Status> {
        let (caller, r) = split(request)?;
        let mut v = Violations::default();
        let build = steps::prequalify(&mut v, &r);
        let ids = (
            r.request_id.as_str(),
            r.district.as_str(),
            r.project_id.as_str(),
        );
        let receipt = self.run_step(caller, ids, v, build).await?;
        Ok(Response::new(pb::PrequalifyBiddersResponse {
            receipt: Some(receipt),
        }))
    }

    async fn receive_bid(
        &self,
        request: Request<pb::ReceiveBidRequest>,
    ) -> Result<Response<pb::ReceiveBidResponse>, Status> {
        let (caller, r) = split(request)?;
        let mut v = Violations::default();
        let build = steps::receive_bid(&mut v, &r, self.now());
        let ids = (
            r.request_id.as_str(),
            r.district.as_str(),
            r.project_id.as_str(),
        );
        let receipt = self.run_step(caller, ids, v, build).await?;
        Ok(Response::new(pb::ReceiveBidResponse {
            receipt: Some(receipt),
        }))
    }

    async fn record_negotiation(
        &self,
        request: Request<pb::RecordNegotiationRequest>,
    ) -> Result<Response<pb::RecordNegotiationResponse>, Status> {
        let (caller, r) = split(request)?;
        let mut v = Violations::default();
        let build = steps::negotiate(&mut v, &r);
        let ids = (
            r.request_id.as_str(),
            r.district.as_str(),
            r.project_id.as_str(),
        );
        let receipt = self.run_step(caller, ids, v, build).await?;
        Ok(Response::new(pb::RecordNegotiationResponse {
            receipt: Some(receipt),
        }))
    }

    async fn sign_contract(
        &self,
        request: Request<pb::SignContractRequest>,
    ) -> Result<Response<pb::SignContractResponse>, Status> {
        let (caller, r) = split(request)?;
        let mut v = Violations::default();
        let build = steps::sign(&mut v, &r, self.now());
        let ids = (
            r.request_id.as_str(),
            r.district.as_str(),
            r.project_id.as_str(),
        );
        let receipt = self.run_step(caller, ids, v, build).await?;
        Ok(Response::new(pb::SignContractResponse {
            receipt: Some(receipt),
        }))
    }

    async fn establish_project_company(
        &self,
        request: Request<pb::EstablishProjectCompanyRequest>,
    ) -> Result<Response<pb::EstablishProjectCompanyResponse>, Status> {
        let (caller, r) = split(request)?;
        let mut v = Violations::default();
        let build = steps::establish_company(&mut v, &r, self.now());
        let ids = (
            r.request_id.as_str(),
            r.district.as_str(),
            r.project_id.as_str(),
        );
        let receipt = self.run_step(caller, ids, v, build).await?;
        Ok(Response::new(pb::EstablishProjectCompanyResponse {
            receipt: Some(receipt),
        }))
    }

    async fn close_financing(
        &self,
        request: Request<pb::CloseFinancingRequest>,
    ) -> Result<Response<pb::CloseFinancingResponse>, Status> {
        let (caller, r) = split(request)?;
        let mut v = Violations::default();
        let build = steps::close_financing(&mut v, &r, self.now());
        let ids = (
            r.request_id.as_str(),
            r.district.as_str(),
            r.project_id.as_str(),
        );
        let receipt = self.run_step(caller, ids, v, build).await?;
        Ok(Response::new(pb::CloseFinancingResponse {
            receipt: Some(receipt),
        }))
    }

    async fn record_performance_failure(
        &self,
        request: Request<pb::RecordPerformanceFailureRequest>,
    ) -> Result<Response<pb::RecordPerformanceFailureResponse>, Status> {
        let (caller, r) = split(request)?;
        let mut v = Violations::default();
        let build = steps::record_failure(&mut v, &r);
        let ids = (
            r.request_id.as_str(),
            r.district.as_str(),
            r.project_id.as_str(),
        );
        let receipt = self.run_step(caller, ids, v, build).await?;
        Ok(Response::new(pb::RecordPerformanceFailureResponse {
            receipt: Some(receipt),
        }))
    }

    async fn settle_period(
        &self,
        request: Request<pb::SettlePeriodRequest>,
    ) -> Result<Response<pb::SettlePeriodResponse>, Status> {
        let (caller, r) = split(request)?;
        let mut v = Violations::default();
        let mut given = BTreeMap::new();
        for (n, m) in r.measurements.iter().enumerate() {
            if m.kpi_id.trim().is_empty() {
                v.add(&format!("measurements[{n}].kpi_id"), "required");
            } else if given.insert(m.kpi_id.trim().to_owned(), m.value).is_some() {
                v.add(&format!("measurements[{n}].kpi_id"), "measured twice");
            }
        }
        let (context, district, project_id) =
            target(caller, (&r.request_id, &r.district, &r.project_id), v)?;
        let written = self
            .app
            .settle(
                &context,
                &district,
                project_id,
                r.period,
                given,
                r.min_position,
            )
            .await
            .map_err(app_error)?;
        Ok(Response::new(pb::SettlePeriodResponse {
            receipt: Some(receipt(&written)),
        }))
    }

    async fn evaluate_mid_term(
        &self,
        request: Request<pb::EvaluateMidTermRequest>,
    ) -> Result<Response<pb::EvaluateMidTermResponse>, Status> {
        let (caller, r) = split(request)?;
        let mut v = Violations::default();
        let build = steps::mid_term(&mut v, &r, self.now());
        let ids = (
            r.request_id.as_str(),
            r.district.as_str(),
            r.project_id.as_str(),
        );
        let receipt = self.run_step(caller, ids, v, build).await?;
        Ok(Response::new(pb::EvaluateMidTermResponse {
            receipt: Some(receipt),
        }))
    }

    async fn test_performance(
        &self,
        request: Request<pb::TestPerformanceRequest>,
    ) -> Result<Response<pb::TestPerformanceResponse>, Status> {
        let (caller, r) = split(request)?;
        let mut v = Violations::default();
        let build = steps::test_performance(&mut v, &r, self.now());
        let ids = (
            r.request_id.as_str(),
            r.district.as_str(),
            r.project_id.as_str(),
        );
        let receipt = self.run_step(caller, ids, v, build).await?;
        Ok(Response::new(pb::TestPerformanceResponse {
            receipt: Some(receipt),
        }))
    }

    async fn transfer_asset(
        &self,
        request: Request<pb::TransferAssetRequest>,
    ) -> Result<Response<pb::TransferAssetResponse>, Status> {
        let (caller, r) = split(request)?;
        let mut v = Violations::default();
        let build = steps::transfer(&mut v, &r, self.now());
        let ids = (
            r.request_id.as_str(),
            r.district.as_str(),
            r.project_id.as_str(),
        );
        let receipt = self.run_step(caller, ids, v, build).await?;
        Ok(Response::new(pb::TransferAssetResponse {
            receipt: Some(receipt),
        }))
    }

    async fn evaluate_final(
        &self,
        request: Request<pb::EvaluateFinalRequest>,
    ) -> Result<Response<pb::EvaluateFinalResponse>, Status> {
        let (caller, r) = split(request)?;
        let mut v = Violations::default();
        let build = steps::final_evaluation(&mut v, &r, self.now());
        let ids = (
            r.request_id.as_str(),
            r.district.as_str(),
            r.project_id.as_str(),
        );
        let receipt = self.run_step(caller, ids, v, build).await?;
        Ok(Response::new(pb::EvaluateFinalResponse {
            receipt: Some(receipt),
        }))
    }

    async fn withdraw_project(
        &self,
        request: Request<pb::WithdrawProjectRequest>,
    ) -> Result<Response<pb::WithdrawProjectResponse>, Status> {
        let (caller, r) = split(request)?;
        let mut v = Violations::default();
        let reason = v.text("reason", &r.reason, TEXT_MAX_CHARS);
        let (context, district, project_id) =
            target(caller, (&r.request_id, &r.district, &r.project_id), v)?;
        let Some(reason) = reason else {
            return Err(ApiError::invalid_argument(Vec::new()).into());
        };
        let written = self
            .app
            .withdraw_project(&context, &district, project_id, reason)
            .await
            .map_err(app_error)?;
        Ok(Response::new(pb::WithdrawProjectResponse {
            receipt: Some(receipt(&written)),
        }))
    }

    async fn get_project(
        &self,
        request: Request<pb::GetProjectRequest>,
    ) -> Result<Response<pb::GetProjectResponse>, Status> {
        let (caller, r) = split(request)?;
        let (district, project_id) = read_target(&caller, &r.district, &r.project_id)?;
        let view = self
            .app
            .project(&district, project_id, r.min_position)
            .await
            .map_err(app_error)?;
        Ok(Response::new(pb::GetProjectResponse {
            project: Some(project(view)),
        }))
    }

    async fn list_projects(
        &self,
        request: Request<pb::ListProjectsRequest>,
    ) -> Result<Response<pb::ListProjectsResponse>, Status> {
        let (caller, r) = split(request)?;
        let mut v = Violations::default();
        let district = v.district(&r.district);
        v.finish()?;
        let Some(district) = district else {
            return Err(ApiError::invalid_argument(Vec::new()).into());
        };
        ensure_read(&caller, &district)?;
        let views = self
            .app
            .projects(&district, r.min_position)
            .await
            .map_err(app_error)?;
        Ok(Response::new(pb::ListProjectsResponse {
            projects: views.into_iter().map(project).collect(),
        }))
    }

    async fn list_periods(
        &self,
        request: Request<pb::ListPeriodsRequest>,
    ) -> Result<Response<pb::ListPeriodsResponse>, Status> {
        let (caller, r) = split(request)?;
        let (district, project_id) = read_target(&caller, &r.district, &r.project_id)?;
        let views = self
            .app
            .periods(&district, project_id, r.min_position)
            .await
            .map_err(app_error)?;
        Ok(Response::new(pb::ListPeriodsResponse {
            periods: views.into_iter().map(period).collect(),
        }))
    }

    async fn export_ocds(
        &self,
        request: Request<pb::ExportOcdsRequest>,
    ) -> Result<Response<pb::ExportOcdsResponse>, Status> {
        let (_caller, r) = split(request)?;
        // Open data: any authenticated caller; the district is still named
        // so that a project is only found in its own district.
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let project_id = v.uuid("project_id", &r.project_id);
        v.finish()?;
        let (Some(district), Some(project_id)) = (district, project_id) else {
            return Err(ApiError::invalid_argument(Vec::new()).into());
        };
        let export = self
            .app
            .export_ocds(&district, project_id)
            .await
            .map_err(app_error)?;
        Ok(Response::new(pb::ExportOcdsResponse {
            release_package_json: export.release_package,
            record_package_json: export.record_package,
        }))
    }
}
