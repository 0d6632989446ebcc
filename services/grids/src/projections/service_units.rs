//! `service_units`: the providers the district bought dispatchable services
//! from, learnt from the procurement context's events, so that grid cases
//! can be dispatched to them (item 5 of the procurement issue).
//!
//! Contract:
//! - Fed like every read model from the procurement context's `provider`
//!   and `purchase` streams (a JetStream durable consumer under `gongzhi
//!   serve`, in-process delivery in `gongzhi dev`); it acts on
//!   `ProviderRegistered` (the name) and on `ContractSigned` with
//!   `dispatchable` (the unit: provider, catalogue item, term). Everything
//!   else is skipped. Applying an event twice changes nothing.
//! - A provider's unit id is its provider id (a UUID), the subject of the
//!   provider's tokens, so the provider answers the case as the unit.
//! - A unit is active on a day its contract's term covers (starts_on to
//!   ends_on, both inclusive, dates in China Standard Time); [`unit_status`]
//!   tells a dispatch whether the provider may receive cases today.

use chrono::{DateTime, NaiveDate, Utc};
use gongzhi_eventstore::RecordedEvent;
use gongzhi_projections::{Backend, Projection, ProjectionError, ProjectionHandle, Source};
use gongzhi_proto::gongzhi::procurement::v1 as procurement;
use prost::Message;
use sqlx::migrate::Migrator;
use sqlx::{AnyConnection, Row};

pub const SERVICE_UNITS: &str = "service_units";

const PROVIDER_REGISTERED: &str = "gongzhi.procurement.v1.ProviderRegistered";
const CONTRACT_SIGNED: &str = "gongzhi.procurement.v1.ContractSigned";

pub struct ServiceUnitsProjection;

/// A provider under contract for a dispatchable service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceUnit {
    pub unit_id: String,
    pub name: String,
    pub item_code: String,
    pub purchase_id: String,
    pub contract_id: String,
    pub starts_on: String,
    pub ends_on: String,
    pub active: bool,
}

/// Whether a provider may receive a district's cases on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitStatus {
    Active,
    /// No dispatchable contract with the provider in the district.
    NeverContracted,
    /// Its contracts' terms do not cover the day; the latest end given.
    OutOfTerm {
        ends_on: String,
    },
}

/// The day `now` is in China (UTC+8), as `YYYY-MM-DD`.
pub fn china_day(now: DateTime<Utc>) -> String {
    // China Standard Time is UTC+8 all year (no daylight saving).
    (now + chrono::TimeDelta::hours(8)).date_naive().to_string()
}

fn apply_error(event: &RecordedEvent, error: impl std::fmt::Display) -> ProjectionError {
    ProjectionError::apply(SERVICE_UNITS, event.event_id, error.to_string())
}

#[async_trait::async_trait]
impl Projection for ServiceUnitsProjection {
    fn name(&self) -> &'static str {
        SERVICE_UNITS
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new("procurement", &["provider", "purchase"])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/service_units/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/service_units/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        match event.event_type.as_str() {
            PROVIDER_REGISTERED => {
                let e = procurement::ProviderRegistered::decode(event.payload.as_slice())
                    .map_err(|e| apply_error(event, e))?;
                sqlx::query(
                    "INSERT INTO service_providers (provider_id, district, name) VALUES ($1, $2, $3) \
                     ON CONFLICT (provider_id) DO UPDATE SET name = excluded.name",
                )
                .bind(e.provider_id)
                .bind(e.district)
                .bind(e.name)
                .execute(&mut *connection)
                .await?;
            }
            CONTRACT_SIGNED => {
                let e = procurement::ContractSigned::decode(event.payload.as_slice())
                    .map_err(|e| apply_error(event, e))?;
                if !e.dispatchable {
                    return Ok(());
                }
                // A term that does not parse would make the unit
                // undispatchable forever; the procurement decider never
                // writes one, so it is a corrupt event.
                for date in [&e.starts_on, &e.ends_on] {
                    NaiveDate::parse_from_str(date, "%Y-%m-%d")
                        .map_err(|error| apply_error(event, format!("{date}: {error}")))?;
                }
                sqlx::query(
                    "INSERT INTO service_units \
                     (district, contract_id, purchase_id, provider_id, item_code, starts_on, ends_on) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (district, purchase_id) DO NOTHING",
                )
                .bind(e.district)
                .bind(e.contract_id)
                .bind(e.purchase_id)
                .bind(e.provider_id)
                .bind(e.item_code)
                .bind(e.starts_on)
                .bind(e.ends_on)
                .execute(&mut *connection)
                .await?;
            }
            _ => {}
        }
        Ok(())
    }
}

/// The district's contracted units, by provider name and start; only
/// those active on `today` unless `include_inactive`.
pub async fn service_units(
    handle: &ProjectionHandle,
    district: &str,
    today: &str,
    include_inactive: bool,
) -> Result<Vec<ServiceUnit>, ProjectionError> {
    let mut tx = handle.read().await?;
    let rows = sqlx::query(
        "SELECT u.provider_id, COALESCE(p.name, '') AS name, u.item_code, u.purchase_id, \
         u.contract_id, u.starts_on, u.ends_on \
         FROM service_units u LEFT JOIN service_providers p ON p.provider_id = u.provider_id \
         WHERE u.district = $1 ORDER BY name, u.provider_id, u.starts_on, u.purchase_id",
    )
    .bind(district.to_owned())
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut units = Vec::with_capacity(rows.len());
    for row in rows {
        let starts_on: String = row.try_get("starts_on")?;
        let ends_on: String = row.try_get("ends_on")?;
        let active = starts_on.as_str() <= today && today <= ends_on.as_str();
        if active || include_inactive {
            units.push(ServiceUnit {
                unit_id: row.try_get("provider_id")?,
                name: row.try_get("name")?,
                item_code: row.try_get("item_code")?,
                purchase_id: row.try_get("purchase_id")?,
                contract_id: row.try_get("contract_id")?,
                starts_on,
                ends_on,
                active,
            });
        }
    }
    Ok(units)
}

/// Whether `provider_id` may receive the district's cases on `today`.
pub async fn unit_status(
    handle: &ProjectionHandle,
    district: &str,
    provider_id: &str,
    today: &str,
) -> Result<UnitStatus, ProjectionError> {
    let mut tx = handle.read().await?;
    let terms: Vec<(String, String)> = sqlx::query_as(
        "SELECT starts_on, ends_on FROM service_units WHERE district = $1 AND provider_id = $2",
    )
    .bind(district.to_owned())
    .bind(provider_id.to_owned())
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    if terms
        .iter()
        .any(|(starts, ends)| starts.as_str() <= today && today <= ends.as_str())
    {
        return Ok(UnitStatus::Active);
    }
    Ok(match terms.into_iter().map(|(_, ends)| ends).max() {
        Some(ends_on) => UnitStatus::OutOfTerm { ends_on },
        None => UnitStatus::NeverContracted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_day_is_the_day_in_china() {
        let late = Utc.with_ymd_and_hms(2027, 3, 31, 16, 30, 0).single();
        assert_eq!(late.map(china_day).as_deref(), Some("2027-04-01"));
        let early = Utc.with_ymd_and_hms(2027, 3, 31, 15, 59, 0).single();
        assert_eq!(early.map(china_day).as_deref(), Some("2027-03-31"));
    }
}
