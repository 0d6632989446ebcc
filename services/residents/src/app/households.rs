//! Household commands and the household query. A member must be a resident
//! living in the same district: checked against the resident's own stream,
//! the source of truth, not a read model.

use super::{AppError, RESIDENT_CATEGORY, ResidentsApp, event_index};
use crate::domain::{
    Household, HouseholdCommand, HouseholdError, Relation, Resident, ResidentState,
};
use gongzhi_commands::{CommandError, Receipt, execute, load};
use gongzhi_divisions::CommunityCode;
use gongzhi_eventstore::{StoreError, StreamName};
use gongzhi_kernel::DistrictCode;
use gongzhi_projections::{ProjectionError, ProjectionHandle};
use gongzhi_server::CommandContext;
use uuid::Uuid;

pub const HOUSEHOLD_CATEGORY: &str = "household";

#[derive(Debug, Clone)]
pub enum HouseholdChange {
    AddMember {
        resident_id: Uuid,
        relation: Relation,
    },
    RemoveMember {
        resident_id: Uuid,
    },
    ChangeHead {
        new_head: Uuid,
        previous_head_relation: Relation,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum HouseholdAppError {
    #[error(transparent)]
    Command(#[from] CommandError<HouseholdError>),
    #[error("resident {0} does not live in this district")]
    ResidentNotHere(Uuid),
    #[error("household not found")]
    NotFound,
    #[error(transparent)]
    Resident(#[from] AppError),
    #[error(transparent)]
    Projection(#[from] ProjectionError),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdView {
    pub household_id: String,
    pub district: String,
    pub community: String,
    pub head_resident_id: String,
    /// (resident id, relation), in order of joining.
    pub members: Vec<(String, i32)>,
}

impl ResidentsApp {
    pub fn with_households(mut self, households: ProjectionHandle) -> Self {
        self.households = Some(households);
        self
    }

    pub async fn create_household(
        &self,
        context: &CommandContext,
        district: DistrictCode,
        community: CommunityCode,
        head: Uuid,
    ) -> Result<(Uuid, Receipt), HouseholdAppError> {
        self.ensure_lives_here(&district, head).await?;
        let household_id = Uuid::new_v5(&context.event_id(0), b"household");
        let command = HouseholdCommand::Create {
            household_id: household_id.to_string(),
            district: district.clone(),
            community: community.as_str().to_owned(),
            head_resident_id: head.to_string(),
        };
        let receipt = self
            .run_household(context, &district, household_id, command)
            .await?;
        let household_id = Uuid::parse_str(receipt.stream.id()).unwrap_or(household_id);
        Ok((household_id, receipt))
    }

    pub async fn change_household(
        &self,
        context: &CommandContext,
        district: DistrictCode,
        household_id: Uuid,
        change: HouseholdChange,
    ) -> Result<Receipt, HouseholdAppError> {
        let command = match change {
            HouseholdChange::AddMember {
                resident_id,
                relation,
            } => {
                self.ensure_lives_here(&district, resident_id).await?;
                HouseholdCommand::AddMember {
                    district: district.clone(),
                    resident_id: resident_id.to_string(),
                    relation,
                }
            }
            HouseholdChange::RemoveMember { resident_id } => HouseholdCommand::RemoveMember {
                district: district.clone(),
                resident_id: resident_id.to_string(),
            },
            HouseholdChange::ChangeHead {
                new_head,
                previous_head_relation,
            } => HouseholdCommand::ChangeHead {
                district: district.clone(),
                new_head_resident_id: new_head.to_string(),
                previous_head_relation,
            },
        };
        self.run_household(context, &district, household_id, command)
            .await
    }

    pub async fn get_household(
        &self,
        district: &DistrictCode,
        household_id: Uuid,
        min_position: u64,
    ) -> Result<HouseholdView, HouseholdAppError> {
        let households = self
            .households
            .as_ref()
            .ok_or(HouseholdAppError::NotFound)?;
        households.wait_for(min_position, self.max_wait).await?;
        let mut tx = households.read().await?;
        let found: Option<(String, String, String, String)> = sqlx::query_as(
            "SELECT household_id, district, community, head_resident_id FROM households WHERE household_id = $1 AND district = $2",
        )
        .bind(household_id.to_string())
        .bind(district.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(ProjectionError::from)?;
        let members: Vec<(String, i64)> = sqlx::query_as(
            "SELECT resident_id, relation FROM household_members WHERE household_id = $1 ORDER BY joined_position, resident_id",
        )
        .bind(household_id.to_string())
        .fetch_all(&mut *tx)
        .await
        .map_err(ProjectionError::from)?;
        tx.commit().await.map_err(ProjectionError::from)?;
        let (household_id, district, community, head_resident_id) =
            found.ok_or(HouseholdAppError::NotFound)?;
        Ok(HouseholdView {
            household_id,
            district,
            community,
            head_resident_id,
            members: members
                .into_iter()
                .map(|(id, relation)| (id, i32::try_from(relation).unwrap_or(0)))
                .collect(),
        })
    }

    async fn run_household(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        household_id: Uuid,
        command: HouseholdCommand,
    ) -> Result<Receipt, HouseholdAppError> {
        let stream = StreamName::new(HOUSEHOLD_CATEGORY, household_id)
            .map_err(|e| AppError::Store(StoreError::from(e)))?;
        let metadata = context.metadata(Some(district.clone()));
        Ok(execute::<Household>(
            self.store.as_ref(),
            &stream,
            command,
            |n| context.event_id(event_index(n)),
            &metadata,
        )
        .await?)
    }

    /// The resident exists in this district and has not moved out.
    async fn ensure_lives_here(
        &self,
        district: &DistrictCode,
        resident_id: Uuid,
    ) -> Result<(), HouseholdAppError> {
        let stream = StreamName::new(RESIDENT_CATEGORY, resident_id)
            .map_err(|e| AppError::Store(StoreError::from(e)))?;
        let (state, _) = load::<Resident>(self.store.as_ref(), &stream)
            .await
            .map_err(AppError::from)?;
        match state {
            ResidentState::Present {
                district: actual,
                moved_out: false,
                ..
            } if actual == district.as_str() => Ok(()),
            _ => Err(HouseholdAppError::ResidentNotHere(resident_id)),
        }
    }
}
