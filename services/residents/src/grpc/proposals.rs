//! `ProposalService`: roles and tenancy, validation and error mapping over
//! [`ProposalsApp`].
//!
//! Who may do what: a resident raises and supports only as themselves,
//! district staff also on a resident's behalf ([`ensure_acts_for`]); staff
//! assign and close ([`ensure_write`]); any caller of the district may try
//! to answer, and the application lets through the owner (subject = owner
//! id) or an administrator (district_admin, street_officer, city_admin)
//! answering in the owner's place; residents and staff of the district
//! read ([`ensure_participant_read`]), and only staff and the raiser see who
//! raised an item.

mod validate;

use super::access::{
    CITY_READER, COMMUNITY_WORKER, DISTRICT_ADMIN, STREET_OFFICER, ensure_acts_for,
    ensure_participant_read, ensure_write,
};
use super::errors::participation_error;
use super::receipt::receipt;
use super::validate::Violations;
use crate::app::proposals::{Answerer, ProposalView, ProposalsApp};
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::residents::v1 as pb;
use gongzhi_proto::gongzhi::residents::v1::proposal_service_server::{
    ProposalService, ProposalServiceServer,
};
use gongzhi_server::{ApiError, CITY_ADMIN_ROLE, Caller, CommandContext};
use tonic::{Request, Response, Status};
use uuid::Uuid;
use validate::missing;

pub struct ProposalGrpc {
    app: ProposalsApp,
}

impl ProposalGrpc {
    pub fn new(app: ProposalsApp) -> Self {
        Self { app }
    }

    pub fn into_server(self) -> ProposalServiceServer<Self> {
        ProposalServiceServer::new(self)
    }
}

fn both<A, B>(pair: (Option<A>, Option<B>)) -> Result<(A, B), ApiError> {
    match pair {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(missing()),
    }
}

/// May answer in the owner's place: an administrator of the district.
fn administrator(caller: &Caller, district: &DistrictCode) -> bool {
    caller.has_role(CITY_ADMIN_ROLE)
        || ((caller.has_role(DISTRICT_ADMIN) || caller.has_role(STREET_OFFICER))
            && caller.districts.contains(district))
}

/// Staff of the district and city-wide roles see who raised an item.
fn sees_raisers(caller: &Caller, district: &DistrictCode) -> bool {
    let staff = [COMMUNITY_WORKER, STREET_OFFICER, DISTRICT_ADMIN]
        .iter()
        .any(|role| caller.has_role(role));
    caller.has_role(CITY_ADMIN_ROLE)
        || caller.has_role(CITY_READER)
        || (staff && caller.districts.contains(district))
}

fn shown(caller: &Caller, district: &DistrictCode, view: ProposalView) -> pb::Proposal {
    let show = sees_raisers(caller, district) || view.raised_by == caller.subject;
    validate::proposal(view, show)
}

#[tonic::async_trait]
impl ProposalService for ProposalGrpc {
    async fn raise_proposal(
        &self,
        request: Request<pb::RaiseProposalRequest>,
    ) -> Result<Response<pb::RaiseProposalResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let raise = validate::raise(request.get_ref())?;
        ensure_acts_for(&caller, &raise.district, &raise.resident_id)?;
        let context = CommandContext::new(caller, &request.get_ref().request_id)?;
        let (proposal_id, written) = self
            .app
            .raise(&context, raise)
            .await
            .map_err(|e| participation_error(e, "proposal"))?;
        Ok(Response::new(pb::RaiseProposalResponse {
            proposal_id: proposal_id.to_string(),
            receipt: Some(receipt(&written)),
        }))
    }

    async fn assign_proposal(
        &self,
        request: Request<pb::AssignProposalRequest>,
    ) -> Result<Response<pb::AssignProposalResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let target = v.target(&r.request_id, &r.district, "proposal_id", &r.proposal_id);
        let owner = validate::owner(&mut v, r.owner.as_ref());
        let deadline = validate::deadline(&mut v, &r.deadline);
        v.finish()?;
        let (district, proposal_id) = both(target)?;
        let (owner, deadline) = both((owner, deadline))?;
        ensure_write(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let written = self
            .app
            .assign(&context, &district, proposal_id, owner, deadline)
            .await
            .map_err(|e| participation_error(e, "proposal"))?;
        Ok(Response::new(pb::AssignProposalResponse {
            receipt: Some(receipt(&written)),
        }))
    }

    async fn support_proposal(
        &self,
        request: Request<pb::SupportProposalRequest>,
    ) -> Result<Response<pb::SupportProposalResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let target = v.target(&r.request_id, &r.district, "proposal_id", &r.proposal_id);
        let resident_id = v.resident_id(&r.resident_id);
        v.finish()?;
        let (district, proposal_id) = both(target)?;
        let resident_id = resident_id.ok_or_else(missing)?;
        ensure_acts_for(&caller, &district, &resident_id)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let written = self
            .app
            .support(&context, &district, proposal_id, resident_id)
            .await
            .map_err(|e| participation_error(e, "proposal"))?;
        Ok(Response::new(pb::SupportProposalResponse {
            receipt: Some(receipt(&written)),
        }))
    }

    async fn answer_proposal(
        &self,
        request: Request<pb::AnswerProposalRequest>,
    ) -> Result<Response<pb::AnswerProposalResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let target = v.target(&r.request_id, &r.district, "proposal_id", &r.proposal_id);
        let answer = validate::long_text(&mut v, "answer", &r.answer, validate::MAX_TEXT_CHARS);
        v.finish()?;
        let (district, proposal_id) = both(target)?;
        let answer = answer.ok_or_else(missing)?;
        caller.ensure_district(&district)?;
        let answerer = Answerer {
            subject: caller.subject.clone(),
            administrator: administrator(&caller, &district),
        };
        let context = CommandContext::new(caller, &r.request_id)?;
        let written = self
            .app
            .answer(&context, &district, proposal_id, answerer, answer)
            .await
            .map_err(|e| participation_error(e, "proposal"))?;
        Ok(Response::new(pb::AnswerProposalResponse {
            receipt: Some(receipt(&written)),
        }))
    }

    async fn close_proposal(
        &self,
        request: Request<pb::CloseProposalRequest>,
    ) -> Result<Response<pb::CloseProposalResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let target = v.target(&r.request_id, &r.district, "proposal_id", &r.proposal_id);
        v.finish()?;
        let (district, proposal_id) = both(target)?;
        ensure_write(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let written = self
            .app
            .close(&context, &district, proposal_id)
            .await
            .map_err(|e| participation_error(e, "proposal"))?;
        Ok(Response::new(pb::CloseProposalResponse {
            receipt: Some(receipt(&written)),
        }))
    }

    async fn get_proposal(
        &self,
        request: Request<pb::GetProposalRequest>,
    ) -> Result<Response<pb::GetProposalResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let proposal_id = v.uuid("proposal_id", &r.proposal_id);
        v.finish()?;
        let (district, proposal_id) = both((district, proposal_id))?;
        ensure_participant_read(&caller, &district)?;
        let view = self
            .app
            .get(&district, &proposal_id.to_string(), r.min_position)
            .await
            .map_err(|e| participation_error(e, "proposal"))?;
        Ok(Response::new(pb::GetProposalResponse {
            proposal: Some(shown(&caller, &district, view)),
        }))
    }

    async fn list_proposals(
        &self,
        request: Request<pb::ListProposalsRequest>,
    ) -> Result<Response<pb::ListProposalsResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let filter = validate::filter(&mut v, &r, district.as_ref());
        let after = if r.page_token.is_empty() {
            Some(None)
        } else {
            v.check(
                "page_token",
                Uuid::parse_str(&r.page_token).map_err(|_| "not a page token from this service"),
            )
            .map(|id| Some(id.to_string()))
        };
        v.finish()?;
        let (district, filter) = both((district, filter))?;
        let after = after.ok_or_else(missing)?;
        ensure_participant_read(&caller, &district)?;
        let page = self
            .app
            .list(
                &district,
                &filter,
                r.page_size,
                after.as_deref(),
                r.min_position,
            )
            .await
            .map_err(|e| participation_error(e, "proposal"))?;
        Ok(Response::new(pb::ListProposalsResponse {
            proposals: page
                .proposals
                .into_iter()
                .map(|view| shown(&caller, &district, view))
                .collect(),
            next_page_token: page.next_page_token,
        }))
    }
}
