//! Estates through the application layer: registering gives a new estate
//! id derived from the request; every other change runs on the estate's
//! stream. The register query answers from the `property_estates` read
//! model and computes eligibility for a first assembly as of today, with
//! each owner's resident link as the residents context's events tell it.

use super::{AppError, ESTATE_CATEGORY, PropertyApp, new_id};
use crate::domain::area::{Area, AreaBasis, UnitAreas};
use crate::domain::dates::{parse_area, parse_date};
use crate::domain::estate::{Estate, EstateCommand, EstateFacts, EstateState};
use crate::domain::first_assembly::{Eligibility, eligibility};
use crate::domain::owner_link::ResidentStanding;
use crate::reactors::standings;
use gongzhi_commands::Receipt;
use gongzhi_kernel::DistrictCode;
use gongzhi_server::CommandContext;
use uuid::Uuid;

/// An estate as the register shows it.
type EstateRow = (String, String, String, String, String, String);
type UnitRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

/// A unit as the register shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitView {
    pub unit_id: String,
    pub building_id: String,
    pub number: String,
    /// The area that counts, and which basis it comes from.
    pub area: Area,
    pub area_basis: Option<AreaBasis>,
    /// Empty while the developer holds it.
    pub owner_id: String,
    pub resident_id: String,
    /// Where the linked resident stands now; `None` when none is linked.
    pub owner_resident_status: Option<ResidentStanding>,
    pub delivered_on: String,
}

/// An estate's register with its eligibility for a first assembly today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstateView {
    pub estate_id: String,
    pub district: String,
    pub community: String,
    pub name: String,
    pub developer_id: String,
    pub buildings: Vec<String>,
    pub units: Vec<UnitView>,
    pub total_area: Area,
    pub delivered_area: Area,
    pub first_delivery_on: Option<chrono::NaiveDate>,
    pub eligibility: Eligibility,
    pub preparatory_group_formed: bool,
    pub preparatory_group_led_by: String,
}

impl PropertyApp {
    pub async fn register_estate(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        community: String,
        name: String,
        developer_id: String,
    ) -> Result<(Uuid, Receipt), AppError> {
        let estate_id = new_id(context, "estate");
        let command = EstateCommand::Register {
            estate_id: estate_id.to_string(),
            district: district.clone(),
            community,
            name,
            developer_id,
            at: self.now(),
        };
        let receipt = self
            .run::<Estate>(context, district, ESTATE_CATEGORY, estate_id, command)
            .await?;
        // A replayed request answers the stream it wrote the first time.
        let estate_id = Uuid::parse_str(receipt.stream.id()).unwrap_or(estate_id);
        Ok((estate_id, receipt))
    }

    /// Any other estate command, on the estate's own stream. A delivery or
    /// transfer naming a resident is refused first unless this context
    /// knows the resident as registered in the district, once it has learnt
    /// of the residents context's events up to `resident_min_position`.
    pub async fn change_estate(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        estate_id: Uuid,
        command: EstateCommand,
        resident_min_position: u64,
    ) -> Result<Receipt, AppError> {
        let resident = match &command {
            EstateCommand::Deliver { resident_id, .. } => resident_id.as_deref(),
            EstateCommand::Transfer { to_resident_id, .. } => to_resident_id.as_deref(),
            _ => None,
        };
        if let Some(resident) = resident {
            self.check_owner_resident(district, resident, resident_min_position)
                .await?;
        }
        self.run::<Estate>(context, district, ESTATE_CATEGORY, estate_id, command)
            .await
    }

    /// The estate from its stream, in `district`; "not found" otherwise.
    pub async fn estate_facts(
        &self,
        district: &DistrictCode,
        estate_id: Uuid,
    ) -> Result<EstateFacts, AppError> {
        match self.state::<Estate>(ESTATE_CATEGORY, estate_id).await? {
            EstateState::Present(facts) if facts.district == district.as_str() => Ok(facts),
            // Another district's estate reads as a missing one.
            _ => Err(AppError::NotFound("estate")),
        }
    }

    pub async fn get_estate(
        &self,
        district: &DistrictCode,
        estate_id: Uuid,
        min_position: u64,
    ) -> Result<EstateView, AppError> {
        let mut tx = self
            .read_after(&self.read_models.estates, min_position)
            .await?;
        let id = estate_id.to_string();
        let row: Option<EstateRow> = sqlx::query_as(
            "SELECT district, community, name, developer_id, preparatory_group_led_by, preparatory_group_formed_on \
             FROM estates WHERE estate_id = $1",
        )
        .bind(&id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((row_district, community, name, developer_id, led_by, formed_on)) = row else {
            return Err(AppError::NotFound("estate"));
        };
        if row_district != district.as_str() {
            return Err(AppError::NotFound("estate"));
        }
        let buildings: Vec<(String,)> = sqlx::query_as(
            "SELECT building_id FROM estate_buildings WHERE estate_id = $1 ORDER BY building_id",
        )
        .bind(&id)
        .fetch_all(&mut *tx)
        .await?;
        let units: Vec<UnitRow> = sqlx::query_as(
            "SELECT unit_id, building_id, number, register_area, surveyed_area, contract_area, owner_id, resident_id, delivered_on \
             FROM estate_units WHERE estate_id = $1 ORDER BY unit_id",
        )
        .bind(&id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let linked: Vec<String> = units
            .iter()
            .map(|u| u.7.clone())
            .filter(|r| !r.is_empty())
            .collect();
        let statuses = if linked.is_empty() {
            Default::default()
        } else {
            let mut tx = self
                .read_after(&self.read_models.resident_links, min_position)
                .await?;
            let found = standings(&mut tx, district.as_str(), &linked).await?;
            tx.commit().await?;
            found
        };

        let mut total = Area::ZERO;
        let mut delivered = Area::ZERO;
        let mut first_delivery = None;
        let mut out = Vec::with_capacity(units.len());
        for (unit_id, building_id, number, register, surveyed, contract, owner, resident, on) in
            units
        {
            let areas = UnitAreas {
                register: parse_area(&register),
                surveyed: parse_area(&surveyed),
                contract: parse_area(&contract),
            };
            let (area, area_basis) = areas
                .effective()
                .map_or((Area::ZERO, None), |(a, b)| (a, Some(b)));
            total = total + area;
            if !owner.is_empty() {
                delivered = delivered + area;
            }
            if let Some(day) = parse_date(&on) {
                first_delivery =
                    Some(first_delivery.map_or(day, |f: chrono::NaiveDate| f.min(day)));
            }
            out.push(UnitView {
                unit_id,
                building_id,
                number,
                area,
                area_basis,
                owner_id: owner,
                owner_resident_status: (!resident.is_empty()).then(|| {
                    statuses
                        .get(&resident)
                        .copied()
                        .unwrap_or(ResidentStanding::NotKnown)
                }),
                resident_id: resident,
                delivered_on: on,
            });
        }
        Ok(EstateView {
            estate_id: id,
            district: row_district,
            community,
            name,
            developer_id,
            buildings: buildings.into_iter().map(|(b,)| b).collect(),
            units: out,
            total_area: total,
            delivered_area: delivered,
            first_delivery_on: first_delivery,
            eligibility: eligibility(total, delivered, first_delivery, self.today()),
            preparatory_group_formed: !formed_on.is_empty(),
            preparatory_group_led_by: led_by,
        })
    }
}
