//! Withdrawing a project before signing, which frees its share of the
//! district's fiscal cap.

use super::portfolio::portfolio_stream;
use super::projects::project_stream;
use super::{AppError, PppApp};
use crate::domain::portfolio::{Portfolio, PortfolioCommand, PortfolioError};
use crate::domain::project::{Project, ProjectCommand};
use gongzhi_commands::{CommandError, Receipt};
use gongzhi_kernel::DistrictCode;
use gongzhi_server::CommandContext;
use uuid::Uuid;

impl PppApp {
    /// Withdraws the project (event 0 of the request, on its stream), then
    /// releases its reservation on the district portfolio (event 1) with
    /// the same reason.
    ///
    /// A refused withdrawal writes nothing: the project's rules are decided
    /// before the portfolio is touched. A retried request finds its
    /// withdrawal and finishes the release if it was not written. A project
    /// without government outlays never reserved, so there is nothing to
    /// release; one whose reservation is gone (never confirmed) is left as
    /// it is. The receipt names the project stream, with the position of
    /// the last event written so a portfolio query reads the release too,
    /// and is replayed only when neither step wrote anything.
    pub async fn withdraw_project(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        project_id: Uuid,
        reason: String,
    ) -> Result<Receipt, AppError> {
        let facts = self.facts(district, project_id).await?;
        let withdraw = ProjectCommand::Withdraw {
            district: district.clone(),
            reason: reason.clone(),
            at: self.now(),
        };
        let withdrawn = self
            .run::<Project>(context, &project_stream(project_id)?, district, withdraw, 0)
            .await?;
        if facts.government_outlays.values().all(|fen| fen.0 == 0) {
            return Ok(withdrawn);
        }
        let release = PortfolioCommand::Release {
            district: district.clone(),
            project_id: facts.project_id.clone(),
            reason,
        };
        let released = match self
            .run::<Portfolio>(context, &portfolio_stream(district)?, district, release, 1)
            .await
        {
            Ok(released) => released,
            Err(CommandError::Domain(PortfolioError::NotReserved(_))) => return Ok(withdrawn),
            Err(other) => return Err(other.into()),
        };
        Ok(Receipt {
            position: withdrawn.position.max(released.position),
            replayed: withdrawn.replayed && released.replayed,
            ..withdrawn
        })
    }
}
