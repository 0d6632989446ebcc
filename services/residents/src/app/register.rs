use super::claim::claim_id_number;
use super::sealing::{DWELLING, ID_NUMBER, NAME, PHONE};
use super::{AppError, RESIDENT_CATEGORY, ResidentsApp, event_index};
use crate::domain::{Placement, Resident, ResidentCommand, Sealed};
use gongzhi_commands::{Receipt, execute};
use gongzhi_divisions::{CommunityCode, GridCode};
use gongzhi_eventstore::{StoreError, StreamName};
use gongzhi_kernel::{DistrictCode, PhoneNumber, ResidentIdNumber, Sex};
use gongzhi_privacy::Subject;
use gongzhi_proto::gongzhi::residents::v1 as pb;
use gongzhi_server::CommandContext;
use uuid::Uuid;

/// A registration whose every field is already valid.
#[derive(Debug, Clone)]
pub struct RegisterResident {
    pub district: DistrictCode,
    pub community: CommunityCode,
    pub grid: Option<GridCode>,
    pub residency: pb::Residency,
    pub name: String,
    pub id_number: ResidentIdNumber,
    pub phone: Option<PhoneNumber>,
    pub dwelling: String,
}

impl ResidentsApp {
    /// Registers a resident. The resident id derives from the request, so a
    /// retry answers with the same resident; the ID number is claimed by its
    /// keyed hash first, so the district holds it once.
    pub async fn register(
        &self,
        context: &CommandContext,
        command: RegisterResident,
    ) -> Result<(Uuid, Receipt), AppError> {
        let resident_id = Uuid::new_v5(&context.event_id(0), b"resident");
        let stream = StreamName::new(RESIDENT_CATEGORY, resident_id).map_err(StoreError::from)?;
        let district = command.district.clone();
        let metadata = context.metadata(Some(district.clone()));
        let id_number_hash = self
            .vault
            .keyed_hash_hex(&district, command.id_number.as_str());
        let claim = pb::IdNumberClaimed {
            id_number_hash: id_number_hash.clone(),
            resident_id: resident_id.to_string(),
            district: district.to_string(),
        };
        claim_id_number(
            self.store.as_ref(),
            Uuid::new_v5(&context.event_id(0), b"claim"),
            claim,
            metadata.clone(),
        )
        .await?;

        let subject = Subject::new(resident_id, district.clone());
        // One key lookup for the four fields.
        let sealer = self.vault.sealer(&subject).await?;
        let seal = |field: &str, value: &str| {
            sealer
                .seal(field, value.as_bytes())
                .map(|sealed| Sealed(sealed.into_bytes()))
        };
        let phone = command
            .phone
            .as_ref()
            .map(|phone| seal(PHONE, phone.as_str()))
            .transpose()?;
        let register = ResidentCommand::Register {
            resident_id: resident_id.to_string(),
            district,
            placement: Placement {
                community: command.community.as_str().to_owned(),
                grid: command.grid.as_ref().map(|g| g.as_str().to_owned()),
                dwelling: seal(DWELLING, &command.dwelling)?,
            },
            residency: command.residency,
            sex: match command.id_number.sex() {
                Sex::Male => pb::Sex::Male,
                Sex::Female => pb::Sex::Female,
            },
            birth_year: u32::try_from(chrono_year(&command.id_number)).unwrap_or(0),
            name: seal(NAME, &command.name)?,
            id_number: seal(ID_NUMBER, command.id_number.as_str())?,
            phone,
            id_number_hash,
        };
        let receipt = execute::<Resident>(
            self.store.as_ref(),
            &stream,
            register,
            |n| context.event_id(event_index(n)),
            &metadata,
        )
        .await?;
        Ok((resident_id, receipt))
    }
}

fn chrono_year(id_number: &ResidentIdNumber) -> i32 {
    use chrono::Datelike;
    id_number.birth_date().year()
}
