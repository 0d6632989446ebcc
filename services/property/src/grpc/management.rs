//! `gongzhi.property.v1.ManagementService`: contracts, fees, the
//! maintenance fund and company ratings.

use super::access::{ensure_read, ensure_write};
use super::errors::grpc;
use super::receipt::receipt;
use super::validate::{ID_MAX_CHARS, NAME_MAX_CHARS, PropertyFields, TEXT_MAX_CHARS, incomplete};
use super::views::{contract_of, fund_of, rating_of};
use crate::app::PropertyApp;
use crate::app::fund::{Approve, Spend};
use crate::app::management::{Fee, Sign};
use crate::domain::fees::valid_period;
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::property::v1 as pb;
use gongzhi_server::{Caller, CommandContext, Violations};
use tonic::{Request, Response, Status};
use uuid::Uuid;

pub struct ManagementGrpc {
    app: PropertyApp,
}

impl ManagementGrpc {
    pub fn new(app: PropertyApp) -> Self {
        Self { app }
    }
}

/// Checks the request id, district and estate of a command and that the
/// caller may write there; answers the context to run it with.
fn command_base(
    caller: Caller,
    v: Violations,
    request_id: &str,
    district: &str,
    estate_id: &str,
) -> Result<(CommandContext, DistrictCode, Uuid), Status> {
    let mut v = v;
    v.request_id(request_id);
    let district = v.district(district);
    let estate = v.uuid("estate_id", estate_id);
    v.finish()?;
    let (Some(district), Some(estate)) = (district, estate) else {
        return Err(incomplete());
    };
    ensure_write(&caller, &district)?;
    Ok((CommandContext::new(caller, request_id)?, district, estate))
}

fn read_base(
    caller: &Caller,
    district: &str,
    estate_id: &str,
) -> Result<(DistrictCode, Uuid), Status> {
    let mut v = Violations::default();
    let district = v.district(district);
    let estate = v.uuid("estate_id", estate_id);
    v.finish()?;
    let (Some(district), Some(estate)) = (district, estate) else {
        return Err(incomplete());
    };
    ensure_read(caller, &district)?;
    Ok((district, estate))
}

#[tonic::async_trait]
impl pb::management_service_server::ManagementService for ManagementGrpc {
    async fn sign_preliminary_contract(
        &self,
        request: Request<pb::SignPreliminaryContractRequest>,
    ) -> Result<Response<pb::SignPreliminaryContractResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let company = v.social_credit_code("company_id", &r.company_id);
        let terms = v.terms("terms", r.terms.as_ref());
        let signed_on = v.optional_date("signed_on", &r.signed_on);
        let (context, district, estate_id) =
            command_base(caller, v, &r.request_id, &r.district, &r.estate_id)?;
        let (Some(company_id), Some(terms), Some(signed_on)) = (company, terms, signed_on) else {
            return Err(incomplete());
        };
        let sign = Sign {
            estate_id,
            company_id,
            terms,
            signed_on,
        };
        let (contract_id, written) =
            grpc(self.app.sign_preliminary(&context, &district, sign).await)?;
        Ok(Response::new(pb::SignPreliminaryContractResponse {
            contract_id: contract_id.to_string(),
            receipt: receipt(&written),
        }))
    }

    async fn hire_company(
        &self,
        request: Request<pb::HireCompanyRequest>,
    ) -> Result<Response<pb::HireCompanyResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let company = v.social_credit_code("company_id", &r.company_id);
        let terms = v.terms("terms", r.terms.as_ref());
        let vote = v.vote("vote", r.vote.as_ref());
        let signed_on = v.optional_date("signed_on", &r.signed_on);
        let (context, district, estate_id) =
            command_base(caller, v, &r.request_id, &r.district, &r.estate_id)?;
        let (Some(company_id), Some(terms), Some(vote), Some(signed_on)) =
            (company, terms, vote, signed_on)
        else {
            return Err(incomplete());
        };
        let sign = Sign {
            estate_id,
            company_id,
            terms,
            signed_on,
        };
        let (contract_id, written) =
            grpc(self.app.hire_company(&context, &district, sign, vote).await)?;
        Ok(Response::new(pb::HireCompanyResponse {
            contract_id: contract_id.to_string(),
            receipt: receipt(&written),
        }))
    }

    async fn dismiss_company(
        &self,
        request: Request<pb::DismissCompanyRequest>,
    ) -> Result<Response<pb::DismissCompanyResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let vote = v.vote("vote", r.vote.as_ref());
        let on = v.optional_date("dismissed_on", &r.dismissed_on);
        let (context, district, estate_id) =
            command_base(caller, v, &r.request_id, &r.district, &r.estate_id)?;
        let (Some(vote), Some(on)) = (vote, on) else {
            return Err(incomplete());
        };
        let written = grpc(
            self.app
                .dismiss_company(&context, &district, estate_id, vote, on)
                .await,
        )?;
        Ok(Response::new(pb::DismissCompanyResponse {
            receipt: receipt(&written),
        }))
    }

    async fn record_fee(
        &self,
        request: Request<pb::RecordFeeRequest>,
    ) -> Result<Response<pb::RecordFeeResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let unit_id = v.id("unit_id", &r.unit_id);
        if !valid_period(&r.period) {
            v.add("period", "must be a month like 2026-11");
        }
        let amount = v.amount("amount_fen", r.amount_fen);
        let on = v.optional_date("collected_on", &r.collected_on);
        let (context, district, estate_id) =
            command_base(caller, v, &r.request_id, &r.district, &r.estate_id)?;
        let (Some(unit_id), Some(amount_fen), Some(collected_on)) = (unit_id, amount, on) else {
            return Err(incomplete());
        };
        let fee = Fee {
            estate_id,
            unit_id,
            period: r.period,
            amount_fen,
            collected_on,
        };
        let (fee_id, written) = grpc(self.app.record_fee(&context, &district, fee).await)?;
        Ok(Response::new(pb::RecordFeeResponse {
            fee_id: fee_id.to_string(),
            receipt: receipt(&written),
        }))
    }

    async fn list_contracts(
        &self,
        request: Request<pb::ListContractsRequest>,
    ) -> Result<Response<pb::ListContractsResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let (district, estate_id) = read_base(&caller, &r.district, &r.estate_id)?;
        let contracts = grpc(
            self.app
                .list_contracts(&district, estate_id, r.min_position)
                .await,
        )?;
        Ok(Response::new(pb::ListContractsResponse {
            contracts: contracts.into_iter().map(contract_of).collect(),
        }))
    }

    async fn deposit_to_fund(
        &self,
        request: Request<pb::DepositToFundRequest>,
    ) -> Result<Response<pb::DepositToFundResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let unit_id = v.optional_text("unit_id", &r.unit_id, ID_MAX_CHARS);
        let amount = v.amount("amount_fen", r.amount_fen);
        let on = v.optional_date("deposited_on", &r.deposited_on);
        let (context, district, estate_id) =
            command_base(caller, v, &r.request_id, &r.district, &r.estate_id)?;
        let (Some(unit_id), Some(amount_fen), Some(on)) = (unit_id, amount, on) else {
            return Err(incomplete());
        };
        let (deposit_id, written) = grpc(
            self.app
                .deposit(&context, &district, estate_id, unit_id, amount_fen, on)
                .await,
        )?;
        Ok(Response::new(pb::DepositToFundResponse {
            deposit_id: deposit_id.to_string(),
            receipt: receipt(&written),
        }))
    }

    async fn approve_fund_use(
        &self,
        request: Request<pb::ApproveFundUseRequest>,
    ) -> Result<Response<pb::ApproveFundUseResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let vote = v.vote("vote", r.vote.as_ref());
        let amount = v.amount("amount_fen", r.amount_fen);
        let purpose = v.text("purpose", &r.purpose, TEXT_MAX_CHARS);
        let on = v.optional_date("approved_on", &r.approved_on);
        let (context, district, estate_id) =
            command_base(caller, v, &r.request_id, &r.district, &r.estate_id)?;
        let (Some(vote), Some(amount_fen), Some(purpose), Some(on)) = (vote, amount, purpose, on)
        else {
            return Err(incomplete());
        };
        let approve = Approve {
            estate_id,
            vote,
            amount_fen,
            purpose,
            on,
        };
        let (approval_id, written) = grpc(
            self.app
                .approve_fund_use(&context, &district, approve)
                .await,
        )?;
        Ok(Response::new(pb::ApproveFundUseResponse {
            approval_id: approval_id.to_string(),
            receipt: receipt(&written),
        }))
    }

    async fn spend_from_fund(
        &self,
        request: Request<pb::SpendFromFundRequest>,
    ) -> Result<Response<pb::SpendFromFundResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let approval = v.id("approval_id", &r.approval_id);
        let amount = v.amount("amount_fen", r.amount_fen);
        let payee = v.text("payee", &r.payee, NAME_MAX_CHARS);
        let on = v.optional_date("spent_on", &r.spent_on);
        let (context, district, estate_id) =
            command_base(caller, v, &r.request_id, &r.district, &r.estate_id)?;
        let (Some(approval_id), Some(amount_fen), Some(payee), Some(on)) =
            (approval, amount, payee, on)
        else {
            return Err(incomplete());
        };
        let spend = Spend {
            estate_id,
            approval_id,
            amount_fen,
            payee,
            on,
        };
        let (spending_id, written) = grpc(self.app.spend(&context, &district, spend).await)?;
        Ok(Response::new(pb::SpendFromFundResponse {
            spending_id: spending_id.to_string(),
            receipt: receipt(&written),
        }))
    }

    async fn get_fund(
        &self,
        request: Request<pb::GetFundRequest>,
    ) -> Result<Response<pb::GetFundResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let (district, estate_id) = read_base(&caller, &r.district, &r.estate_id)?;
        let fund = grpc(
            self.app
                .get_fund(&district, estate_id, r.min_position)
                .await,
        )?;
        Ok(Response::new(pb::GetFundResponse {
            fund: Some(fund_of(fund)),
        }))
    }

    async fn get_company_rating(
        &self,
        request: Request<pb::GetCompanyRatingRequest>,
    ) -> Result<Response<pb::GetCompanyRatingResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let company = v.social_credit_code("company_id", &r.company_id);
        v.finish()?;
        let (Some(district), Some(company_id)) = (district, company) else {
            return Err(incomplete());
        };
        ensure_read(&caller, &district)?;
        let rating = grpc(
            self.app
                .company_rating(&district, &company_id, r.min_position)
                .await,
        )?;
        Ok(Response::new(pb::GetCompanyRatingResponse {
            rating: Some(rating_of(rating)),
        }))
    }
}
