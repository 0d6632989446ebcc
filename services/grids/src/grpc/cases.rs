//! `gongzhi.grids.v1.CaseService`: roles and tenancy, requests validated
//! with every field violation at once, application errors mapped once.

mod convert;
mod validate;

use super::access::{CaseDuty, acting_unit, ensure_case_read, ensure_case_write};
use crate::app::cases::{CaseChange, CasesApp};
use convert::{case, case_error, dispatch_unit, receipt};
use gongzhi_proto::gongzhi::grids::v1 as pb;
use gongzhi_server::{Caller, CommandContext};
use tonic::{Request, Response, Status};
use validate::{
    MAX_DESCRIPTION_CHARS, MAX_ID_CHARS, MAX_REASON_CHARS, Target, Violations, some,
    target_and_text, target_and_unit, target_only,
};

pub struct CaseGrpc {
    app: CasesApp,
}

/// `pb::<Rpc>Response { receipt }` from a receipt.
macro_rules! with_receipt {
    ($response:ident, $receipt:expr) => {
        Ok(Response::new(pb::$response {
            receipt: Some($receipt),
        }))
    };
}

impl CaseGrpc {
    pub fn new(app: CasesApp) -> Self {
        Self { app }
    }

    pub fn into_server(self) -> pb::case_service_server::CaseServiceServer<Self> {
        pb::case_service_server::CaseServiceServer::new(self)
    }

    async fn change(
        &self,
        caller: Caller,
        request_id: &str,
        target: Target,
        duty: CaseDuty,
        change: CaseChange,
    ) -> Result<pb::CommandReceipt, Status> {
        let (district, case_id) = target;
        ensure_case_write(&caller, &district, duty)?;
        let context = CommandContext::new(caller, request_id)?;
        let written = self
            .app
            .change(&context, &district, case_id, change)
            .await
            .map_err(case_error)?;
        Ok(receipt(&written))
    }

    /// Commands of the responsible unit: the unit is the caller's own unless
    /// an administrator names one.
    async fn unit_change(
        &self,
        caller: Caller,
        request_id: &str,
        target: Target,
        unit_id: &str,
        change: impl FnOnce(String) -> CaseChange,
    ) -> Result<pb::CommandReceipt, Status> {
        ensure_case_write(&caller, &target.0, CaseDuty::Unit)?;
        let unit = acting_unit(&caller, unit_id)?;
        self.change(caller, request_id, target, CaseDuty::Unit, change(unit))
            .await
    }
}

#[tonic::async_trait]
impl pb::case_service_server::CaseService for CaseGrpc {
    async fn report_case(
        &self,
        request: Request<pb::ReportCaseRequest>,
    ) -> Result<Response<pb::ReportCaseResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let report = validate::report(request.get_ref(), &self.app.config, &caller.subject)?;
        ensure_case_write(&caller, &report.district, CaseDuty::Report)?;
        let context = CommandContext::new(caller, &request.get_ref().request_id)?;
        let (case_id, written) = self
            .app
            .report(&context, report)
            .await
            .map_err(case_error)?;
        Ok(Response::new(pb::ReportCaseResponse {
            case_id: case_id.to_string(),
            receipt: Some(receipt(&written)),
        }))
    }

    async fn register_case(
        &self,
        request: Request<pb::RegisterCaseRequest>,
    ) -> Result<Response<pb::RegisterCaseResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let target = target_only(&r.request_id, &r.district, &r.case_id)?;
        let written = self
            .change(
                caller,
                &r.request_id,
                target,
                CaseDuty::Command,
                CaseChange::Register,
            )
            .await?;
        with_receipt!(RegisterCaseResponse, written)
    }

    async fn reject_case(
        &self,
        request: Request<pb::RejectCaseRequest>,
    ) -> Result<Response<pb::RejectCaseResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let (target, reason) = target_and_text(
            &r.request_id,
            &r.district,
            &r.case_id,
            ("reason", &r.reason, MAX_REASON_CHARS),
        )?;
        let change = CaseChange::Reject { reason };
        let written = self
            .change(caller, &r.request_id, target, CaseDuty::Command, change)
            .await?;
        with_receipt!(RejectCaseResponse, written)
    }

    async fn merge_duplicate_case(
        &self,
        request: Request<pb::MergeDuplicateCaseRequest>,
    ) -> Result<Response<pb::MergeDuplicateCaseResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let target = v.target(&r.request_id, &r.district, &r.case_id);
        let into = v.uuid("into_case_id", &r.into_case_id);
        v.finish()?;
        let ((district, duplicate), into) = (some(target)?, some(into)?);
        ensure_case_write(&caller, &district, CaseDuty::Command)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let written = self
            .app
            .merge(&context, &district, duplicate, into)
            .await
            .map_err(case_error)?;
        with_receipt!(MergeDuplicateCaseResponse, receipt(&written))
    }

    async fn dispatch_case(
        &self,
        request: Request<pb::DispatchCaseRequest>,
    ) -> Result<Response<pb::DispatchCaseResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let (target, unit_id) = target_and_text(
            &r.request_id,
            &r.district,
            &r.case_id,
            ("unit_id", &r.unit_id, MAX_ID_CHARS),
        )?;
        let change = CaseChange::Dispatch { unit_id };
        let written = self
            .change(caller, &r.request_id, target, CaseDuty::Command, change)
            .await?;
        with_receipt!(DispatchCaseResponse, written)
    }

    async fn return_case(
        &self,
        request: Request<pb::ReturnCaseRequest>,
    ) -> Result<Response<pb::ReturnCaseResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let (target, reason) = target_and_unit(
            &r.request_id,
            &r.district,
            &r.case_id,
            &r.unit_id,
            Some(("reason", &r.reason, MAX_REASON_CHARS)),
        )?;
        let written = self
            .unit_change(caller, &r.request_id, target, &r.unit_id, |unit_id| {
                CaseChange::Return { unit_id, reason }
            })
            .await?;
        with_receipt!(ReturnCaseResponse, written)
    }

    async fn give_feedback(
        &self,
        request: Request<pb::GiveFeedbackRequest>,
    ) -> Result<Response<pb::GiveFeedbackResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let (target, result) = target_and_unit(
            &r.request_id,
            &r.district,
            &r.case_id,
            &r.unit_id,
            Some(("result", &r.result, MAX_DESCRIPTION_CHARS)),
        )?;
        let written = self
            .unit_change(caller, &r.request_id, target, &r.unit_id, |unit_id| {
                CaseChange::Feedback { unit_id, result }
            })
            .await?;
        with_receipt!(GiveFeedbackResponse, written)
    }

    async fn verify_case(
        &self,
        request: Request<pb::VerifyCaseRequest>,
    ) -> Result<Response<pb::VerifyCaseResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let target = v.target(&r.request_id, &r.district, &r.case_id);
        let note = if r.passed {
            v.optional_text("note", &r.note, MAX_REASON_CHARS)
        } else {
            v.text("note", &r.note, MAX_REASON_CHARS)
        };
        v.finish()?;
        let change = CaseChange::Verify {
            passed: r.passed,
            note: some(note)?,
        };
        let written = self
            .change(
                caller,
                &r.request_id,
                some(target)?,
                CaseDuty::Command,
                change,
            )
            .await?;
        with_receipt!(VerifyCaseResponse, written)
    }

    async fn close_case(
        &self,
        request: Request<pb::CloseCaseRequest>,
    ) -> Result<Response<pb::CloseCaseResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let target = target_only(&r.request_id, &r.district, &r.case_id)?;
        let written = self
            .change(
                caller,
                &r.request_id,
                target,
                CaseDuty::Command,
                CaseChange::Close,
            )
            .await?;
        with_receipt!(CloseCaseResponse, written)
    }

    async fn evaluate_case(
        &self,
        request: Request<pb::EvaluateCaseRequest>,
    ) -> Result<Response<pb::EvaluateCaseResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let target = v.target(&r.request_id, &r.district, &r.case_id);
        if !(1..=5).contains(&r.rating) {
            v.add("rating", "must be from 1 to 5");
        }
        let comment = v.optional_text("comment", &r.comment, MAX_REASON_CHARS);
        v.finish()?;
        let change = CaseChange::Evaluate {
            rating: r.rating,
            comment: some(comment)?,
        };
        let written = self
            .change(
                caller,
                &r.request_id,
                some(target)?,
                CaseDuty::Evaluate,
                change,
            )
            .await?;
        with_receipt!(EvaluateCaseResponse, written)
    }

    async fn defer_case(
        &self,
        request: Request<pb::DeferCaseRequest>,
    ) -> Result<Response<pb::DeferCaseResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let (target, reason) = target_and_text(
            &r.request_id,
            &r.district,
            &r.case_id,
            ("reason", &r.reason, MAX_REASON_CHARS),
        )?;
        let change = CaseChange::Defer { reason };
        let written = self
            .change(caller, &r.request_id, target, CaseDuty::Command, change)
            .await?;
        with_receipt!(DeferCaseResponse, written)
    }

    async fn resume_case(
        &self,
        request: Request<pb::ResumeCaseRequest>,
    ) -> Result<Response<pb::ResumeCaseResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let target = target_only(&r.request_id, &r.district, &r.case_id)?;
        let written = self
            .change(
                caller,
                &r.request_id,
                target,
                CaseDuty::Command,
                CaseChange::Resume,
            )
            .await?;
        with_receipt!(ResumeCaseResponse, written)
    }

    async fn summon_units(
        &self,
        request: Request<pb::SummonUnitsRequest>,
    ) -> Result<Response<pb::SummonUnitsResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let target = v.target(&r.request_id, &r.district, &r.case_id);
        if r.unit_ids.is_empty() || r.unit_ids.len() > validate::MAX_UNITS_PER_SUMMONS {
            v.add(
                "unit_ids",
                format!("from 1 to {} units", validate::MAX_UNITS_PER_SUMMONS),
            );
        }
        let mut unit_ids = Vec::new();
        for (index, unit) in r.unit_ids.iter().enumerate() {
            if let Some(unit) = v.text(&format!("unit_ids[{index}]"), unit, MAX_ID_CHARS) {
                unit_ids.push(unit);
            }
        }
        let summoned_by = v.summoner(&r.summoned_by, target.as_ref().map(|t| &t.0));
        v.finish()?;
        let change = CaseChange::Summon {
            unit_ids,
            summoned_by: some(summoned_by)?,
        };
        let context = CommandContext::new(caller.clone(), &r.request_id)?;
        let summon_id = crate::app::cases::summon_id_of(&context);
        let written = self
            .change(
                caller,
                &r.request_id,
                some(target)?,
                CaseDuty::Summon,
                change,
            )
            .await?;
        Ok(Response::new(pb::SummonUnitsResponse {
            summon_id: summon_id.to_string(),
            receipt: Some(written),
        }))
    }

    async fn acknowledge_summons(
        &self,
        request: Request<pb::AcknowledgeSummonsRequest>,
    ) -> Result<Response<pb::AcknowledgeSummonsResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let (target, _) =
            target_and_unit(&r.request_id, &r.district, &r.case_id, &r.unit_id, None)?;
        let written = self
            .unit_change(caller, &r.request_id, target, &r.unit_id, |unit_id| {
                CaseChange::Acknowledge { unit_id }
            })
            .await?;
        with_receipt!(AcknowledgeSummonsResponse, written)
    }

    async fn arrive_on_site(
        &self,
        request: Request<pb::ArriveOnSiteRequest>,
    ) -> Result<Response<pb::ArriveOnSiteResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let (target, _) =
            target_and_unit(&r.request_id, &r.district, &r.case_id, &r.unit_id, None)?;
        let written = self
            .unit_change(caller, &r.request_id, target, &r.unit_id, |unit_id| {
                CaseChange::Arrive { unit_id }
            })
            .await?;
        with_receipt!(ArriveOnSiteResponse, written)
    }

    async fn get_case(
        &self,
        request: Request<pb::GetCaseRequest>,
    ) -> Result<Response<pb::GetCaseResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let case_id = v.uuid("case_id", &r.case_id);
        v.finish()?;
        let (district, case_id) = (some(district)?, some(case_id)?);
        ensure_case_read(&caller, &district)?;
        let found = self
            .app
            .get(&district, &case_id.to_string(), r.min_position)
            .await
            .map_err(case_error)?;
        Ok(Response::new(pb::GetCaseResponse {
            case: Some(case(found)),
        }))
    }

    async fn list_cases(
        &self,
        request: Request<pb::ListCasesRequest>,
    ) -> Result<Response<pb::ListCasesResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let filter = validate::filter(&mut v, &r, district.as_ref());
        v.finish()?;
        let (district, filter) = (some(district)?, some(filter)?);
        ensure_case_read(&caller, &district)?;
        let page = self
            .app
            .list(
                &district,
                &filter,
                r.page_size,
                &r.page_token,
                r.min_position,
            )
            .await
            .map_err(case_error)?;
        Ok(Response::new(pb::ListCasesResponse {
            cases: page.cases.into_iter().map(case).collect(),
            next_page_token: page.next_page_token,
        }))
    }

    async fn list_dispatch_units(
        &self,
        request: Request<pb::ListDispatchUnitsRequest>,
    ) -> Result<Response<pb::ListDispatchUnitsResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        v.finish()?;
        let district = some(district)?;
        ensure_case_read(&caller, &district)?;
        let units = self
            .app
            .dispatch_units(&district, r.include_inactive, r.min_position)
            .await
            .map_err(case_error)?;
        Ok(Response::new(pb::ListDispatchUnitsResponse {
            units: units.into_iter().map(dispatch_unit).collect(),
        }))
    }
}
