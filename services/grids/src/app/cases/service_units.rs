//! Dispatch to providers: a unit id that is a UUID names a procurement
//! provider (its provider id), which may receive the district's cases only
//! while a contract for a dispatchable service covers today. Other unit ids
//! are departments and are taken as given, as before.

use super::{CaseAppError, CasesApp};
use crate::projections::{UnitStatus, china_day, service_units, unit_status};
use chrono::{DateTime, Utc};
use gongzhi_kernel::DistrictCode;
use gongzhi_server::CommandContext;
use uuid::Uuid;

pub use crate::projections::ServiceUnit;

/// Whether `unit_id` names a provider rather than a department.
pub fn is_provider_unit(unit_id: &str) -> bool {
    Uuid::parse_str(unit_id).is_ok()
}

impl CasesApp {
    /// Refuses a dispatch to a provider without a contract in force today.
    /// A retry of a dispatch already written is not checked again, so it
    /// replays even after the contract ended.
    pub(super) async fn ensure_dispatchable(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        unit_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), CaseAppError> {
        if !is_provider_unit(unit_id) || self.store.find_event(context.event_id(0)).await?.is_some()
        {
            return Ok(());
        }
        let today = china_day(now);
        let status = match &self.service_units {
            Some(handle) => unit_status(handle, district.as_str(), unit_id, &today).await?,
            None => UnitStatus::NeverContracted,
        };
        let why = match status {
            UnitStatus::Active => return Ok(()),
            UnitStatus::NeverContracted => format!(
                "no contract for a dispatchable service with it in district {district} is known (yet)"
            ),
            UnitStatus::OutOfTerm { ends_on } => {
                format!("its contracts do not cover {today} (the latest ends on {ends_on})")
            }
        };
        Err(CaseAppError::NotContracted {
            unit_id: unit_id.to_owned(),
            why,
        })
    }

    /// The district's contracted providers, once the read model holds
    /// every event up to `min_position`.
    pub async fn dispatch_units(
        &self,
        district: &DistrictCode,
        include_inactive: bool,
        min_position: u64,
    ) -> Result<Vec<ServiceUnit>, CaseAppError> {
        let Some(handle) = &self.service_units else {
            return Ok(Vec::new());
        };
        handle.wait_for(min_position, self.max_wait).await?;
        let today = china_day(self.clock.now());
        Ok(service_units(handle, district.as_str(), &today, include_inactive).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_providers_and_names_are_departments() {
        assert!(is_provider_unit("3f1c2d4e-5a6b-5c7d-8e9f-0a1b2c3d4e5f"));
        assert!(!is_provider_unit("unit-water-affairs"));
        assert!(!is_provider_unit("city-management-bureau"));
    }
}
