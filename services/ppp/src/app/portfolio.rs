//! The district portfolio's own command: setting a year's budget.

use super::{AppError, PppApp, stream};
use crate::domain::money::Fen;
use crate::domain::portfolio::{Portfolio, PortfolioCommand};
use gongzhi_commands::Receipt;
use gongzhi_eventstore::StreamName;
use gongzhi_kernel::DistrictCode;
use gongzhi_server::CommandContext;

pub const PORTFOLIO_CATEGORY: &str = "pppportfolio";

pub(crate) fn portfolio_stream(district: &DistrictCode) -> Result<StreamName, AppError> {
    stream(PORTFOLIO_CATEGORY, district)
}

impl PppApp {
    pub async fn set_budget(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        year: i32,
        expenditure: Fen,
    ) -> Result<Receipt, AppError> {
        let command = PortfolioCommand::SetBudget {
            district: district.clone(),
            year,
            expenditure,
        };
        Ok(self
            .run::<Portfolio>(context, &portfolio_stream(district)?, district, command, 0)
            .await?)
    }
}
