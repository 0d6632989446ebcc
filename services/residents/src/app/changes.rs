//! Changes to a registered resident: moves, dwelling, contact details,
//! needs tags, and erasure of personal data.

use super::sealing::{DWELLING, NEEDS_TAGS, PHONE, encode_tags, seal};
use super::{AppError, RESIDENT_CATEGORY, ResidentsApp, event_index};
use crate::domain::{Placement, Resident, ResidentCommand};
use gongzhi_commands::{Receipt, execute};
use gongzhi_divisions::{CommunityCode, GridCode};
use gongzhi_eventstore::{StoreError, StreamName};
use gongzhi_kernel::{DistrictCode, PhoneNumber};
use gongzhi_privacy::Subject;
use gongzhi_proto::gongzhi::residents::v1 as pb;
use gongzhi_server::CommandContext;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct ResidentChange {
    pub district: DistrictCode,
    pub resident_id: Uuid,
    pub kind: ResidentChangeKind,
}

#[derive(Debug, Clone)]
pub enum ResidentChangeKind {
    MoveOut {
        reason: String,
    },
    MoveIn {
        community: CommunityCode,
        grid: Option<GridCode>,
        dwelling: String,
    },
    ChangeDwelling {
        community: CommunityCode,
        grid: Option<GridCode>,
        dwelling: String,
    },
    UpdateContactDetails {
        phone: PhoneNumber,
    },
    SetNeedsTags {
        tags: Vec<pb::NeedsTag>,
    },
    EraseData,
}

impl ResidentsApp {
    pub async fn change(
        &self,
        context: &CommandContext,
        change: ResidentChange,
    ) -> Result<Receipt, AppError> {
        let stream =
            StreamName::new(RESIDENT_CATEGORY, change.resident_id).map_err(StoreError::from)?;
        let subject = Subject::new(change.resident_id, change.district.clone());
        let district = change.district.clone();
        let erasing = matches!(change.kind, ResidentChangeKind::EraseData);
        let command = match change.kind {
            ResidentChangeKind::MoveOut { reason } => ResidentCommand::MoveOut { district, reason },
            ResidentChangeKind::MoveIn {
                community,
                grid,
                dwelling,
            } => ResidentCommand::MoveIn {
                placement: self
                    .placement(&subject, &community, grid.as_ref(), &dwelling)
                    .await?,
                district,
            },
            ResidentChangeKind::ChangeDwelling {
                community,
                grid,
                dwelling,
            } => ResidentCommand::ChangeDwelling {
                placement: self
                    .placement(&subject, &community, grid.as_ref(), &dwelling)
                    .await?,
                district,
            },
            ResidentChangeKind::UpdateContactDetails { phone } => {
                ResidentCommand::UpdateContactDetails {
                    phone: seal(&self.vault, &subject, PHONE, phone.as_str()).await?,
                    district,
                }
            }
            ResidentChangeKind::SetNeedsTags { tags } => ResidentCommand::SetNeedsTags {
                tags: seal(&self.vault, &subject, NEEDS_TAGS, &encode_tags(&tags)).await?,
                district,
            },
            ResidentChangeKind::EraseData => ResidentCommand::EraseData {
                district,
                by: context.caller.subject.clone(),
            },
        };
        let metadata = context.metadata(Some(change.district.clone()));
        let receipt = execute::<Resident>(
            self.store.as_ref(),
            &stream,
            command,
            |n| context.event_id(event_index(n)),
            &metadata,
        )
        .await?;
        if erasing {
            // After the event, so an unknown or foreign resident is refused by
            // the decider first; on a retry both steps are idempotent.
            self.vault.erase(&subject).await?;
        }
        Ok(receipt)
    }

    async fn placement(
        &self,
        subject: &Subject,
        community: &CommunityCode,
        grid: Option<&GridCode>,
        dwelling: &str,
    ) -> Result<Placement, AppError> {
        Ok(Placement {
            community: community.as_str().to_owned(),
            grid: grid.map(|g| g.as_str().to_owned()),
            dwelling: seal(&self.vault, subject, DWELLING, dwelling).await?,
        })
    }
}
