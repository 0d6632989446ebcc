//! Per-district configuration of the grids context: working calendar, time
//! limits, category catalogue and the time summoned units have to respond.
//!
//! Contract: every district without its own entry gets the defaults (the
//! China 2026 calendar, the illustrative time limits and catalogue, 30
//! minutes to respond to a summons). A file is JSON of the shape
//! `{"defaults": {...}, "districts": {"500108": {...}}}`, every field
//! optional; it is validated whole on load, so a running service never
//! holds an invalid calendar or limit.

use crate::domain::calendar::{
    CalendarConfig, CalendarConfigError, CategoryCatalogue, TimeLimits, TimeLimitsConfig,
    TimeLimitsError, WorkingCalendar,
};
use chrono::TimeDelta;
use gongzhi_kernel::{DistrictSettings, PerDistrict, SettingsError};
use serde::Deserialize;

/// Environment variable naming the JSON configuration file.
pub const GRIDS_CONFIG_ENV: &str = "GONGZHI_GRIDS_CONFIG";

pub const DEFAULT_SUMMONS_RESPOND_MINUTES: u32 = 30;

/// One district's validated settings.
#[derive(Debug, Clone)]
pub struct DistrictConfig {
    pub calendar: WorkingCalendar,
    pub time_limits: TimeLimits,
    pub catalogue: CategoryCatalogue,
    pub summons_respond_within: TimeDelta,
}

impl Default for DistrictConfig {
    fn default() -> Self {
        Self {
            calendar: WorkingCalendar::china_2026(),
            time_limits: TimeLimits::default(),
            catalogue: CategoryCatalogue::default(),
            summons_respond_within: TimeDelta::minutes(i64::from(DEFAULT_SUMMONS_RESPOND_MINUTES)),
        }
    }
}

/// Every district's settings, from [`GRIDS_CONFIG_ENV`].
pub type GridsConfig = PerDistrict<DistrictConfig>;

pub type ConfigError = SettingsError<InvalidSetting>;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DistrictFile {
    calendar: Option<CalendarConfig>,
    time_limits: Option<TimeLimitsConfig>,
    catalogue: Option<CategoryCatalogue>,
    summons_respond_minutes: Option<u32>,
}

#[derive(Debug, thiserror::Error)]
pub enum InvalidSetting {
    #[error("calendar of {scope}: {source}")]
    Calendar {
        scope: String,
        source: CalendarConfigError,
    },
    #[error("time limits of {scope}: {source}")]
    TimeLimits {
        scope: String,
        source: TimeLimitsError,
    },
    #[error("summons response time of {scope} must be positive")]
    ZeroSummonsTime { scope: String },
}

impl DistrictSettings for DistrictConfig {
    type File = DistrictFile;
    type Invalid = InvalidSetting;
    const ENV: &'static str = GRIDS_CONFIG_ENV;

    fn overlay(file: DistrictFile, scope: &str, base: &Self) -> Result<Self, InvalidSetting> {
        file.validate(scope, base)
    }
}

impl DistrictFile {
    /// Fields left out are taken from `base`.
    fn validate(
        self,
        scope: &str,
        base: &DistrictConfig,
    ) -> Result<DistrictConfig, InvalidSetting> {
        let calendar = match self.calendar {
            Some(config) => WorkingCalendar::from_config(&config).map_err(|source| {
                InvalidSetting::Calendar {
                    scope: scope.to_owned(),
                    source,
                }
            })?,
            None => base.calendar.clone(),
        };
        let time_limits = match self.time_limits {
            Some(config) => {
                TimeLimits::from_config(&config).map_err(|source| InvalidSetting::TimeLimits {
                    scope: scope.to_owned(),
                    source,
                })?
            }
            None => base.time_limits.clone(),
        };
        let summons_respond_within = match self.summons_respond_minutes {
            Some(0) => {
                return Err(InvalidSetting::ZeroSummonsTime {
                    scope: scope.to_owned(),
                });
            }
            Some(minutes) => TimeDelta::minutes(i64::from(minutes)),
            None => base.summons_respond_within,
        };
        Ok(DistrictConfig {
            calendar,
            time_limits,
            catalogue: self.catalogue.unwrap_or_else(|| base.catalogue.clone()),
            summons_respond_within,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongzhi_kernel::DistrictCode;

    fn district(code: &str) -> DistrictCode {
        DistrictCode::parse(code).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn empty_file_gives_defaults_everywhere() -> Result<(), ConfigError> {
        let config = GridsConfig::from_json("{}")?;
        let settings = config.district(&district("500108"));
        assert_eq!(settings.summons_respond_within, TimeDelta::minutes(30));
        assert_eq!(settings.time_limits, TimeLimits::default());
        Ok(())
    }

    #[test]
    fn a_district_overrides_only_what_it_names() -> Result<(), ConfigError> {
        let config = GridsConfig::from_json(
            r#"{"defaults": {"summons_respond_minutes": 45},
                "districts": {"500108": {"summons_respond_minutes": 20}}}"#,
        )?;
        assert_eq!(
            config.district(&district("500108")).summons_respond_within,
            TimeDelta::minutes(20)
        );
        assert_eq!(
            config.district(&district("500103")).summons_respond_within,
            TimeDelta::minutes(45)
        );
        Ok(())
    }

    #[test]
    fn invalid_settings_are_typed_errors() {
        let invalid = |json: &str| match GridsConfig::from_json(json) {
            Err(SettingsError::Invalid(invalid)) => Some(invalid),
            _ => None,
        };
        assert!(matches!(
            invalid(r#"{"defaults": {"calendar": {"periods": []}}}"#),
            Some(InvalidSetting::Calendar { .. })
        ));
        assert!(matches!(
            invalid(r#"{"defaults": {"time_limits": {"default": {"handle_minutes": 0}}}}"#),
            Some(InvalidSetting::TimeLimits { .. })
        ));
        assert!(matches!(
            invalid(r#"{"districts": {"500108": {"summons_respond_minutes": 0}}}"#),
            Some(InvalidSetting::ZeroSummonsTime { scope }) if scope == "district 500108"
        ));
        assert!(matches!(
            GridsConfig::from_json(r#"{"defaults": {"unknown": 1}}"#),
            Err(SettingsError::Json(_))
        ));
    }
}
