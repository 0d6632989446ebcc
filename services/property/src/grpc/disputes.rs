//! `gongzhi.property.v1.DisputeService`: filing, mediation, escalation and
//! resolution of disputes about an estate.

use super::access::{ensure_read, ensure_write};
use super::errors::grpc;
use super::receipt::receipt;
use super::validate::{ID_MAX_CHARS, NAME_MAX_CHARS, PropertyFields, TEXT_MAX_CHARS, incomplete};
use super::views::dispute_of;
use crate::app::PropertyApp;
use crate::domain::dispute::{DisputeCommand, DisputeOutcome, DisputeParty, EscalationLevel};
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::property::v1 as pb;
use gongzhi_server::{Caller, CommandContext, Violations};
use tonic::{Request, Response, Status};
use uuid::Uuid;

pub struct DisputeGrpc {
    app: PropertyApp,
}

impl DisputeGrpc {
    pub fn new(app: PropertyApp) -> Self {
        Self { app }
    }

    /// Validates the common fields of a change to a filed dispute, checks
    /// the caller may write, and runs the command `build` makes.
    async fn change(
        &self,
        caller: Caller,
        (request_id, district, dispute_id): (&str, &str, &str),
        v: Violations,
        build: impl FnOnce(DistrictCode) -> Option<DisputeCommand>,
    ) -> Result<Option<pb::CommandReceipt>, Status> {
        let mut v = v;
        v.request_id(request_id);
        let district = v.district(district);
        let dispute = v.uuid("dispute_id", dispute_id);
        v.finish()?;
        let (Some(district), Some(dispute)) = (district, dispute) else {
            return Err(incomplete());
        };
        let command = build(district.clone()).ok_or_else(incomplete)?;
        ensure_write(&caller, &district)?;
        let context = CommandContext::new(caller, request_id)?;
        let written = grpc(
            self.app
                .change_dispute(&context, &district, dispute, command)
                .await,
        )?;
        Ok(receipt(&written))
    }
}

#[tonic::async_trait]
impl pb::dispute_service_server::DisputeService for DisputeGrpc {
    async fn file_dispute(
        &self,
        request: Request<pb::FileDisputeRequest>,
    ) -> Result<Response<pb::FileDisputeResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let estate = v.uuid("estate_id", &r.estate_id);
        let complainant = v.enum_value("complainant", r.complainant, DisputeParty::Unspecified);
        let complainant_id = v.id("complainant_id", &r.complainant_id);
        let respondent = v.enum_value("respondent", r.respondent, DisputeParty::Unspecified);
        let respondent_id = v.id("respondent_id", &r.respondent_id);
        let subject = v.text("subject", &r.subject, TEXT_MAX_CHARS);
        let on = v.optional_date("filed_on", &r.filed_on);
        v.finish()?;
        let (
            Some(district),
            Some(estate_id),
            Some(complainant),
            Some(complainant_id),
            Some(respondent),
            Some(respondent_id),
            Some(subject),
            Some(on),
        ) = (
            district,
            estate,
            complainant,
            complainant_id,
            respondent,
            respondent_id,
            subject,
            on,
        )
        else {
            return Err(incomplete());
        };
        ensure_write(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let today = self.app.date_or_today(on);
        let command = |dispute_id: String| DisputeCommand::File {
            dispute_id,
            estate_id: estate_id.to_string(),
            district: district.clone(),
            complainant: (complainant, complainant_id),
            respondent: (respondent, respondent_id),
            subject,
            on: today,
        };
        let (dispute_id, written) = grpc(
            self.app
                .file_dispute(&context, &district, estate_id, command)
                .await,
        )?;
        Ok(Response::new(pb::FileDisputeResponse {
            dispute_id: dispute_id.to_string(),
            receipt: receipt(&written),
        }))
    }

    async fn start_mediation(
        &self,
        request: Request<pb::StartMediationRequest>,
    ) -> Result<Response<pb::StartMediationResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let mediator = v.text("mediator", &r.mediator, ID_MAX_CHARS);
        let on = v.optional_date("started_on", &r.started_on);
        let today = self.app.today();
        let ids = (
            r.request_id.as_str(),
            r.district.as_str(),
            r.dispute_id.as_str(),
        );
        let receipt = self
            .change(caller, ids, v, |district| {
                Some(DisputeCommand::StartMediation {
                    district,
                    mediator: mediator?,
                    on: on?.unwrap_or(today),
                })
            })
            .await?;
        Ok(Response::new(pb::StartMediationResponse { receipt }))
    }

    async fn escalate_dispute(
        &self,
        request: Request<pb::EscalateDisputeRequest>,
    ) -> Result<Response<pb::EscalateDisputeResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let level = v.enum_value("level", r.level, EscalationLevel::Unspecified);
        let reason = v.text("reason", &r.reason, TEXT_MAX_CHARS);
        let on = v.optional_date("escalated_on", &r.escalated_on);
        let today = self.app.today();
        let ids = (
            r.request_id.as_str(),
            r.district.as_str(),
            r.dispute_id.as_str(),
        );
        let receipt = self
            .change(caller, ids, v, |district| {
                Some(DisputeCommand::Escalate {
                    district,
                    level: level?,
                    reason: reason?,
                    on: on?.unwrap_or(today),
                })
            })
            .await?;
        Ok(Response::new(pb::EscalateDisputeResponse { receipt }))
    }

    async fn resolve_dispute(
        &self,
        request: Request<pb::ResolveDisputeRequest>,
    ) -> Result<Response<pb::ResolveDisputeResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let outcome = v.enum_value("outcome", r.outcome, DisputeOutcome::Unspecified);
        let summary = v.text("summary", &r.summary, NAME_MAX_CHARS * 10);
        let on = v.optional_date("resolved_on", &r.resolved_on);
        let today = self.app.today();
        let ids = (
            r.request_id.as_str(),
            r.district.as_str(),
            r.dispute_id.as_str(),
        );
        let receipt = self
            .change(caller, ids, v, |district| {
                Some(DisputeCommand::Resolve {
                    district,
                    outcome: outcome?,
                    summary: summary?,
                    on: on?.unwrap_or(today),
                })
            })
            .await?;
        Ok(Response::new(pb::ResolveDisputeResponse { receipt }))
    }

    async fn get_dispute(
        &self,
        request: Request<pb::GetDisputeRequest>,
    ) -> Result<Response<pb::GetDisputeResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let dispute: Option<Uuid> = v.uuid("dispute_id", &r.dispute_id);
        v.finish()?;
        let (Some(district), Some(dispute)) = (district, dispute) else {
            return Err(incomplete());
        };
        ensure_read(&caller, &district)?;
        let dispute = grpc(
            self.app
                .get_dispute(&district, dispute, r.min_position)
                .await,
        )?;
        Ok(Response::new(pb::GetDisputeResponse {
            dispute: Some(dispute_of(dispute)),
        }))
    }
}
