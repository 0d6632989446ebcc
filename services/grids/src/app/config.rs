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
use gongzhi_kernel::DistrictCode;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

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

#[derive(Debug, Clone, Default)]
pub struct GridsConfig {
    defaults: DistrictConfig,
    districts: BTreeMap<String, DistrictConfig>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct FileConfig {
    defaults: DistrictFile,
    districts: BTreeMap<String, DistrictFile>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct DistrictFile {
    calendar: Option<CalendarConfig>,
    time_limits: Option<TimeLimitsConfig>,
    catalogue: Option<CategoryCatalogue>,
    summons_respond_minutes: Option<u32>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read grids config {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("grids config is not valid json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("district {0:?} in grids config is not a 6-digit district code")]
    BadDistrict(String),
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigErrorKind {
    Read,
    Json,
    BadDistrict,
    Calendar,
    TimeLimits,
    ZeroSummonsTime,
}

impl ConfigError {
    pub fn kind(&self) -> ConfigErrorKind {
        match self {
            Self::Read { .. } => ConfigErrorKind::Read,
            Self::Json(_) => ConfigErrorKind::Json,
            Self::BadDistrict(_) => ConfigErrorKind::BadDistrict,
            Self::Calendar { .. } => ConfigErrorKind::Calendar,
            Self::TimeLimits { .. } => ConfigErrorKind::TimeLimits,
            Self::ZeroSummonsTime { .. } => ConfigErrorKind::ZeroSummonsTime,
        }
    }
}

impl GridsConfig {
    /// The settings of `district`, or the defaults.
    pub fn district(&self, district: &DistrictCode) -> &DistrictConfig {
        self.districts
            .get(district.as_str())
            .unwrap_or(&self.defaults)
    }

    /// The settings of districts without their own.
    pub fn defaults(&self) -> &DistrictConfig {
        &self.defaults
    }

    /// Same defaults everywhere, `district` configured as given.
    pub fn with_district(mut self, district: &DistrictCode, config: DistrictConfig) -> Self {
        self.districts.insert(district.as_str().to_owned(), config);
        self
    }

    pub fn from_json(json: &str) -> Result<Self, ConfigError> {
        let file: FileConfig = serde_json::from_str(json)?;
        let defaults = file
            .defaults
            .validate("defaults", &DistrictConfig::default())?;
        let mut districts = BTreeMap::new();
        for (code, district) in file.districts {
            DistrictCode::parse(&code).map_err(|_| ConfigError::BadDistrict(code.clone()))?;
            let validated = district.validate(&format!("district {code}"), &defaults)?;
            districts.insert(code, validated);
        }
        Ok(Self {
            defaults,
            districts,
        })
    }

    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let json = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_json(&json)
    }

    /// The file named by [`GRIDS_CONFIG_ENV`], or the defaults when unset.
    pub fn from_env() -> Result<Self, ConfigError> {
        match std::env::var_os(GRIDS_CONFIG_ENV) {
            Some(path) if !path.is_empty() => Self::from_file(Path::new(&path)),
            _ => Ok(Self::default()),
        }
    }
}

impl DistrictFile {
    /// Fields left out are taken from `base`.
    fn validate(self, scope: &str, base: &DistrictConfig) -> Result<DistrictConfig, ConfigError> {
        let calendar = match self.calendar {
            Some(config) => {
                WorkingCalendar::from_config(&config).map_err(|source| ConfigError::Calendar {
                    scope: scope.to_owned(),
                    source,
                })?
            }
            None => base.calendar.clone(),
        };
        let time_limits = match self.time_limits {
            Some(config) => {
                TimeLimits::from_config(&config).map_err(|source| ConfigError::TimeLimits {
                    scope: scope.to_owned(),
                    source,
                })?
            }
            None => base.time_limits.clone(),
        };
        let summons_respond_within = match self.summons_respond_minutes {
            Some(0) => {
                return Err(ConfigError::ZeroSummonsTime {
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
        let cases = [
            ("not json", ConfigErrorKind::Json),
            (
                r#"{"districts": {"5001": {}}}"#,
                ConfigErrorKind::BadDistrict,
            ),
            (
                r#"{"defaults": {"calendar": {"periods": []}}}"#,
                ConfigErrorKind::Calendar,
            ),
            (
                r#"{"defaults": {"time_limits": {"default": {"handle_minutes": 0}}}}"#,
                ConfigErrorKind::TimeLimits,
            ),
            (
                r#"{"defaults": {"summons_respond_minutes": 0}}"#,
                ConfigErrorKind::ZeroSummonsTime,
            ),
            (r#"{"unknown": 1}"#, ConfigErrorKind::Json),
        ];
        for (json, kind) in cases {
            let error = GridsConfig::from_json(json).err();
            assert_eq!(error.map(|e| e.kind()), Some(kind), "{json}");
        }
    }

    #[test]
    fn missing_file_is_a_read_error() {
        let error = GridsConfig::from_file(Path::new("/nonexistent/grids.json")).err();
        assert_eq!(error.map(|e| e.kind()), Some(ConfigErrorKind::Read));
    }
}
