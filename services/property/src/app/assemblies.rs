//! Owners' assemblies through the application layer: convening reads the
//! estate's roll from its stream and freezes it; ballots and closing run on
//! the assembly's stream. Other aggregates rely on a decided matter through
//! [`PropertyApp::decision`], read from the assembly's own stream.

mod list;
mod view;

pub use list::{AssemblyCursor, AssemblyPage};
pub use view::{AssemblyView, MatterView, explanation};

use super::{ASSEMBLY_CATEGORY, AppError, PropertyApp, new_id};
use crate::domain::assembly::{
    Assembly, AssemblyCommand, AssemblyState, Choice, Decision, Head, MatterSpec,
};
use chrono::NaiveDate;
use gongzhi_commands::Receipt;
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::property::v1::BallotChannel;
use gongzhi_server::CommandContext;
use uuid::Uuid;

/// An assembly as asked for, validated by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Convene {
    pub estate_id: Uuid,
    pub first: bool,
    pub held_on: NaiveDate,
    pub matters: Vec<MatterSpec>,
}

/// A ballot as asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CastBallot {
    pub assembly_id: Uuid,
    pub matter_id: String,
    /// Owner id, or "developer".
    pub head: String,
    pub choice: Choice,
    pub channel: BallotChannel,
}

impl PropertyApp {
    pub async fn convene_assembly(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        convene: Convene,
    ) -> Result<(Uuid, Receipt), AppError> {
        let estate = self.estate_facts(district, convene.estate_id).await?;
        if convene.first && !estate.preparatory_group_formed {
            return Err(AppError::refused(
                "PREPARATORY_GROUP_MISSING",
                "the first assembly is convened by the estate's preparatory group, which is not formed yet",
            ));
        }
        let roll = estate
            .roll()
            .map_err(|e| AppError::refused("ESTATE_ROLL_INVALID", e.to_string()))?;
        let assembly_id = new_id(context, "assembly");
        let command = AssemblyCommand::Convene {
            assembly_id: assembly_id.to_string(),
            estate_id: convene.estate_id.to_string(),
            district: district.clone(),
            first: convene.first,
            convened_by: context.caller.subject.clone(),
            notice_given_on: self.today(),
            held_on: convene.held_on,
            matters: convene.matters,
            roll,
        };
        let receipt = self
            .run::<Assembly>(context, district, ASSEMBLY_CATEGORY, assembly_id, command)
            .await?;
        let assembly_id = Uuid::parse_str(receipt.stream.id()).unwrap_or(assembly_id);
        Ok((assembly_id, receipt))
    }

    pub async fn cast_ballot(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        ballot: CastBallot,
    ) -> Result<Receipt, AppError> {
        let command = AssemblyCommand::CastBallot {
            district: district.clone(),
            matter_id: ballot.matter_id,
            head: Head::from_key(&ballot.head),
            choice: ballot.choice,
            channel: ballot.channel,
            at: self.now(),
        };
        self.run::<Assembly>(
            context,
            district,
            ASSEMBLY_CATEGORY,
            ballot.assembly_id,
            command,
        )
        .await
    }

    pub async fn close_assembly(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        assembly_id: Uuid,
    ) -> Result<Receipt, AppError> {
        let command = AssemblyCommand::Close {
            district: district.clone(),
            at: self.now(),
        };
        self.run::<Assembly>(context, district, ASSEMBLY_CATEGORY, assembly_id, command)
            .await
    }

    /// The decided matter `matter_id` of the assembly, from its stream.
    pub async fn decision(
        &self,
        district: &DistrictCode,
        assembly_id: Uuid,
        matter_id: &str,
    ) -> Result<Decision, AppError> {
        let AssemblyState::Present(facts) = self
            .state::<Assembly>(ASSEMBLY_CATEGORY, assembly_id)
            .await?
        else {
            return Err(AppError::NotFound("assembly"));
        };
        if facts.district != district.as_str() {
            return Err(AppError::NotFound("assembly"));
        }
        if !facts.matters.contains_key(matter_id) {
            return Err(AppError::refused(
                "MATTER_NOT_FOUND",
                format!("assembly {assembly_id} has no matter {matter_id}"),
            ));
        }
        facts.decision(matter_id).ok_or_else(|| {
            AppError::refused(
                "DECISION_NOT_DECIDED",
                format!("matter {matter_id} is not decided yet: the assembly has not closed"),
            )
        })
    }
}
