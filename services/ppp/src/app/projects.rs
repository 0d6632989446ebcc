//! Project commands. Most steps are one decider command on the project's
//! stream; identification takes its rules from the district's config, and
//! confirming affordability reserves the outlays in the district portfolio
//! first (see [`PppApp::confirm_affordability`]).

use super::portfolio::portfolio_stream;
use super::{AppError, PppApp, stream};
use crate::domain::model::{OperationModel, PaymentMechanism};
use crate::domain::money::Fen;
use crate::domain::portfolio::{Portfolio, PortfolioCommand, PortfolioError, Reservation};
use crate::domain::project::{
    Identification, Project, ProjectCommand, ProjectFacts, ProjectStage, ProjectState,
};
use gongzhi_commands::{CommandError, Receipt, load};
use gongzhi_eventstore::StreamName;
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_server::CommandContext;
use std::collections::BTreeMap;
use uuid::Uuid;

pub const PROJECT_CATEGORY: &str = "pppproject";

/// A new project as asked for, validated by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentifyProject {
    pub project_id: Uuid,
    pub community: String,
    pub name: String,
    pub facility: String,
    pub model: OperationModel,
    pub mechanism: PaymentMechanism,
    pub term_years: u32,
    pub first_year: i32,
    pub construction_cost: Fen,
    pub government_outlays: BTreeMap<i32, Fen>,
    /// `None`: the district's minimum.
    pub performance_linked_percent: Option<u32>,
    pub grid: String,
}

pub(crate) fn project_stream(project_id: Uuid) -> Result<StreamName, AppError> {
    stream(PROJECT_CATEGORY, project_id)
}

impl PppApp {
    pub async fn identify(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        project: IdentifyProject,
    ) -> Result<Receipt, AppError> {
        let rules = self.config.district(district);
        let command = ProjectCommand::Identify {
            district: district.clone(),
            identification: Identification {
                project_id: project.project_id.to_string(),
                community: project.community,
                name: project.name,
                facility: project.facility,
                model: project.model,
                mechanism: project.mechanism,
                term_years: project.term_years,
                first_year: project.first_year,
                construction_cost: project.construction_cost,
                government_outlays: project.government_outlays,
                performance_linked_percent: project
                    .performance_linked_percent
                    .unwrap_or(rules.models.performance_linked_percent_min),
                consultation_required: rules.consultation_required,
                rules: rules.models.clone(),
                grid: project.grid,
            },
            at: self.now(),
        };
        self.step(context, district, project.project_id, command)
            .await
    }

    /// The value-for-money evaluation against the district's pass mark.
    pub async fn evaluate_vfm(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        project_id: Uuid,
        qualitative_score: u32,
        ppp_present_value: Fen,
        psc_present_value: Fen,
    ) -> Result<Receipt, AppError> {
        let command = ProjectCommand::EvaluateVfm {
            district: district.clone(),
            qualitative_score,
            qualitative_threshold: self.config.district(district).qualitative_threshold,
            ppp_present_value,
            psc_present_value,
        };
        self.step(context, district, project_id, command).await
    }

    /// Any one-stream step of the project's life.
    pub async fn step(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        project_id: Uuid,
        command: ProjectCommand,
    ) -> Result<Receipt, AppError> {
        let stream = project_stream(project_id)?;
        Ok(self
            .run::<Project>(context, &stream, district, command, 0)
            .await?)
    }

    /// Reserves the project's yearly outlays on the district's portfolio
    /// stream, then confirms affordability on the project with the
    /// portfolio revision of the reservation.
    ///
    /// The portfolio stream is the consistency boundary of the cap: the
    /// reservation is decided against the portfolio as read and appended
    /// with that revision expected, so of two projects reserving at once one
    /// append conflicts, is decided again against the portfolio that now
    /// holds the other, and is refused if together they break the cap. The
    /// project's own rules are checked before anything is written, so a
    /// refused confirmation writes nothing; a retried request finds its
    /// reservation (event 0) and finishes the confirmation (event 1).
    pub async fn confirm_affordability(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        project_id: Uuid,
    ) -> Result<Receipt, AppError> {
        let facts = self.facts(district, project_id).await?;
        let reserved_before = self.store.find_event(context.event_id(0)).await?.is_some();
        if !reserved_before {
            let dry_run = ProjectCommand::ConfirmAffordability {
                district: district.clone(),
                portfolio_revision: 0,
            };
            Project::decide(&ProjectState::Present(Box::new(facts.clone())), dry_run)
                .map_err(|e| AppError::Project(CommandError::Domain(e)))?;
        }
        let reserves = facts.government_outlays.values().any(|fen| fen.0 > 0);
        let revision = if !reserves {
            // Nothing for the government to pay: nothing to reserve.
            0
        } else {
            let reserve = PortfolioCommand::Reserve {
                district: district.clone(),
                reservation: Reservation {
                    project_id: facts.project_id.clone(),
                    government_pays: facts.mechanism == PaymentMechanism::GovernmentPays,
                    outlays: facts.government_outlays.clone(),
                },
                caps: self.config.district(district).caps,
            };
            let receipt = self
                .run::<Portfolio>(context, &portfolio_stream(district)?, district, reserve, 0)
                .await?;
            receipt.stream_revision.unwrap_or(0)
        };
        let confirm = ProjectCommand::ConfirmAffordability {
            district: district.clone(),
            portfolio_revision: revision,
        };
        let confirmed = self
            .run::<Project>(context, &project_stream(project_id)?, district, confirm, 1)
            .await;
        if reserves && matches!(&confirmed, Err(CommandError::Domain(_))) {
            self.release_if_withdrawn(context, district, project_id)
                .await?;
        }
        Ok(confirmed?)
    }

    /// A withdrawal that lands between this request's reservation and its
    /// confirmation found nothing to release yet; the reservation would hold
    /// the cap forever. Free it here (event 2 of the request).
    async fn release_if_withdrawn(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        project_id: Uuid,
    ) -> Result<(), AppError> {
        let facts = self.facts(district, project_id).await?;
        if facts.stage != ProjectStage::Withdrawn {
            return Ok(());
        }
        let release = PortfolioCommand::Release {
            district: district.clone(),
            project_id: facts.project_id.clone(),
            reason: "withdrawn while its affordability was being confirmed".to_owned(),
        };
        match self
            .run::<Portfolio>(context, &portfolio_stream(district)?, district, release, 2)
            .await
        {
            Ok(_) | Err(CommandError::Domain(PortfolioError::NotReserved(_))) => Ok(()),
            Err(other) => Err(other.into()),
        }
    }

    /// The project's facts from its stream; another district's project is
    /// not found.
    pub(crate) async fn facts(
        &self,
        district: &DistrictCode,
        project_id: Uuid,
    ) -> Result<ProjectFacts, AppError> {
        let (state, _) = load::<Project>(self.store.as_ref(), &project_stream(project_id)?).await?;
        match state {
            ProjectState::Present(facts) if facts.district == district.as_str() => Ok(*facts),
            _ => Err(AppError::NotFound),
        }
    }
}
