//! Per-district settings of the PPP context: whether residents must be
//! consulted before approval, the value-for-money pass mark, the fiscal caps
//! and the model rules.
//!
//! Contract: a district without its own entry gets the defaults: residents
//! are consulted (co-decision is the rule unless a district opts out), a
//! qualitative score of 60 passes, caps 10% / 5%, the model rules of
//! [`ModelRules::default`]. A file is JSON of the shape
//! `{"defaults": {...}, "districts": {"500108": {...}}}` with the fields
//! `consultation_required`, `qualitative_threshold`; missing fields come from
//! the defaults.

use crate::domain::model::ModelRules;
use crate::domain::portfolio::Caps;
use gongzhi_kernel::{DistrictSettings, PerDistrict, SettingsError};
use serde::Deserialize;

/// Environment variable naming the JSON configuration file.
pub const PPP_CONFIG_ENV: &str = "GONGZHI_PPP_CONFIG";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistrictRules {
    pub consultation_required: bool,
    pub qualitative_threshold: u32,
    pub caps: Caps,
    pub models: ModelRules,
}

impl Default for DistrictRules {
    fn default() -> Self {
        Self {
            consultation_required: true,
            qualitative_threshold: 60,
            caps: Caps::default(),
            models: ModelRules::default(),
        }
    }
}

/// Every district's rules, from [`PPP_CONFIG_ENV`].
pub type PppConfig = PerDistrict<DistrictRules>;

pub type ConfigError = SettingsError<InvalidRule>;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DistrictFile {
    consultation_required: Option<bool>,
    qualitative_threshold: Option<u32>,
}

#[derive(Debug, thiserror::Error)]
pub enum InvalidRule {
    #[error("qualitative threshold of {scope}: 0 to 100, not {value}")]
    BadThreshold { scope: String, value: u32 },
}

impl DistrictSettings for DistrictRules {
    type File = DistrictFile;
    type Invalid = InvalidRule;
    const ENV: &'static str = PPP_CONFIG_ENV;

    fn overlay(file: DistrictFile, scope: &str, base: &Self) -> Result<Self, InvalidRule> {
        let rules = Self {
            consultation_required: file
                .consultation_required
                .unwrap_or(base.consultation_required),
            qualitative_threshold: file
                .qualitative_threshold
                .unwrap_or(base.qualitative_threshold),
            ..base.clone()
        };
        if rules.qualitative_threshold > 100 {
            return Err(InvalidRule::BadThreshold {
                scope: scope.to_owned(),
                value: rules.qualitative_threshold,
            });
        }
        Ok(rules)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongzhi_kernel::DistrictCode;

    #[test]
    fn districts_opt_out_of_consultation_and_keep_other_defaults() {
        let config =
            PppConfig::from_json(r#"{"districts": {"500108": {"consultation_required": false}}}"#)
                .expect("valid");
        let here = DistrictCode::parse("500108").expect("district");
        let there = DistrictCode::parse("500103").expect("district");
        assert!(!config.district(&here).consultation_required);
        assert_eq!(config.district(&here).qualitative_threshold, 60);
        assert!(config.district(&there).consultation_required);
        assert!(PppConfig::from_json(r#"{"districts": {"nope": {}}}"#).is_err());
        assert!(PppConfig::from_json(r#"{"defaults": {"qualitative_threshold": 101}}"#).is_err());
    }
}
