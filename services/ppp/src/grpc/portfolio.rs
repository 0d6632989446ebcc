//! `gongzhi.ppp.v1.PortfolioService`: the district's yearly budgets and
//! what its projects reserved against the caps.

use super::access::{ensure_read, ensure_write};
use super::convert::{portfolio, receipt};
use super::errors::app_error;
use super::validate::positive_fen;
use crate::app::PppApp;
use gongzhi_proto::gongzhi::ppp::v1 as pb;
use gongzhi_server::{ApiError, Caller, CommandContext, Violations};
use tonic::{Request, Response, Status};

pub struct PortfolioGrpc {
    app: PppApp,
}

impl PortfolioGrpc {
    pub fn new(app: PppApp) -> Self {
        Self { app }
    }
}

#[tonic::async_trait]
impl pb::portfolio_service_server::PortfolioService for PortfolioGrpc {
    async fn set_budget(
        &self,
        request: Request<pb::SetBudgetRequest>,
    ) -> Result<Response<pb::SetBudgetResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let expenditure = positive_fen(&mut v, "expenditure_fen", r.expenditure_fen);
        if !(2000..=2100).contains(&r.year) {
            v.add("year", "must be a calendar year 2000 to 2100");
        }
        v.finish()?;
        let (Some(district), Some(expenditure)) = (district, expenditure) else {
            return Err(ApiError::invalid_argument(Vec::new()).into());
        };
        ensure_write(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let written = self
            .app
            .set_budget(&context, &district, r.year, expenditure)
            .await
            .map_err(app_error)?;
        Ok(Response::new(pb::SetBudgetResponse {
            receipt: Some(receipt(&written)),
        }))
    }

    async fn get_portfolio(
        &self,
        request: Request<pb::GetPortfolioRequest>,
    ) -> Result<Response<pb::GetPortfolioResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        v.finish()?;
        let Some(district) = district else {
            return Err(ApiError::invalid_argument(Vec::new()).into());
        };
        ensure_read(&caller, &district)?;
        let view = self
            .app
            .portfolio(&district, r.min_position)
            .await
            .map_err(app_error)?;
        Ok(Response::new(portfolio(district.to_string(), view)))
    }
}
