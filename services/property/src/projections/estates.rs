//! `property_estates`: the estate register (estates, buildings, units with
//! their areas and current owners, the preparatory group).
//!
//! Contract: built from `estate` streams only; each event is one plain
//! write keyed by ids, so the runtime's at-most-once checkpoint is enough.

use super::decode;
use crate::domain::EstateEvent;
use gongzhi_eventstore::RecordedEvent;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use gongzhi_proto::gongzhi::property::v1 as pb;
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;

pub struct EstatesProjection;

const NAME: &str = "property_estates";

fn area_column(basis: i32) -> Option<&'static str> {
    match pb::AreaBasis::try_from(basis) {
        Ok(pb::AreaBasis::Register) => Some("register_area"),
        Ok(pb::AreaBasis::Surveyed) => Some("surveyed_area"),
        Ok(pb::AreaBasis::Contract) => Some("contract_area"),
        _ => None,
    }
}

#[async_trait::async_trait]
impl Projection for EstatesProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new(crate::CONTEXT, &[crate::app::ESTATE_CATEGORY])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/estates/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/estates/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        match decode::<EstateEvent>(NAME, event)? {
            EstateEvent::Registered(e) => {
                sqlx::query(
                    "INSERT INTO estates (estate_id, district, community, name, developer_id, registered_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (estate_id) DO NOTHING",
                )
                .bind(e.estate_id)
                .bind(e.district)
                .bind(e.community)
                .bind(e.name)
                .bind(e.developer_id)
                .bind(e.registered_at)
                .execute(&mut *connection)
                .await?;
            }
            EstateEvent::BuildingAdded(e) => {
                sqlx::query(
                    "INSERT INTO estate_buildings (estate_id, building_id, name) VALUES ($1, $2, $3) \
                     ON CONFLICT (estate_id, building_id) DO NOTHING",
                )
                .bind(e.estate_id)
                .bind(e.building_id)
                .bind(e.name)
                .execute(&mut *connection)
                .await?;
            }
            EstateEvent::UnitAdded(e) => {
                sqlx::query(
                    "INSERT INTO estate_units (estate_id, unit_id, building_id, number, register_area, surveyed_area, contract_area) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (estate_id, unit_id) DO NOTHING",
                )
                .bind(e.estate_id)
                .bind(e.unit_id)
                .bind(e.building_id)
                .bind(e.number)
                .bind(e.register_area)
                .bind(e.surveyed_area)
                .bind(e.contract_area)
                .execute(&mut *connection)
                .await?;
            }
            EstateEvent::AreaRecorded(e) => {
                let Some(column) = area_column(e.basis) else {
                    return Ok(());
                };
                sqlx::query(&format!(
                    "UPDATE estate_units SET {column} = $1 WHERE estate_id = $2 AND unit_id = $3"
                ))
                .bind(e.area)
                .bind(e.estate_id)
                .bind(e.unit_id)
                .execute(&mut *connection)
                .await?;
            }
            EstateEvent::Delivered(e) => {
                sqlx::query(
                    "UPDATE estate_units SET owner_id = $1, resident_id = $2, delivered_on = $3 \
                     WHERE estate_id = $4 AND unit_id = $5",
                )
                .bind(e.owner_id)
                .bind(e.resident_id)
                .bind(e.delivered_on)
                .bind(e.estate_id)
                .bind(e.unit_id)
                .execute(&mut *connection)
                .await?;
            }
            EstateEvent::Transferred(e) => {
                sqlx::query(
                    "UPDATE estate_units SET owner_id = $1, resident_id = $2 WHERE estate_id = $3 AND unit_id = $4",
                )
                .bind(e.to_owner_id)
                .bind(e.to_resident_id)
                .bind(e.estate_id)
                .bind(e.unit_id)
                .execute(&mut *connection)
                .await?;
            }
            EstateEvent::PreparatoryGroupFormed(e) => {
                sqlx::query(
                    "UPDATE estates SET preparatory_group_led_by = $1, preparatory_group_formed_on = $2 WHERE estate_id = $3",
                )
                .bind(e.led_by)
                .bind(e.formed_on)
                .bind(e.estate_id)
                .execute(&mut *connection)
                .await?;
            }
        }
        Ok(())
    }
}
