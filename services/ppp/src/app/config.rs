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
use gongzhi_kernel::DistrictCode;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

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

#[derive(Debug, Clone, Default)]
pub struct PppConfig {
    defaults: DistrictRules,
    districts: BTreeMap<String, DistrictRules>,
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
    consultation_required: Option<bool>,
    qualitative_threshold: Option<u32>,
}

impl DistrictFile {
    fn over(self, base: &DistrictRules) -> DistrictRules {
        DistrictRules {
            consultation_required: self
                .consultation_required
                .unwrap_or(base.consultation_required),
            qualitative_threshold: self
                .qualitative_threshold
                .unwrap_or(base.qualitative_threshold),
            ..base.clone()
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("not valid PPP configuration: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{0} is not a district code")]
    BadDistrict(String),
    #[error("a qualitative threshold is 0 to 100, not {0}")]
    BadThreshold(u32),
}

impl PppConfig {
    pub fn district(&self, district: &DistrictCode) -> &DistrictRules {
        self.districts
            .get(district.as_str())
            .unwrap_or(&self.defaults)
    }

    /// Same defaults everywhere, `district` configured as given.
    pub fn with_district(mut self, district: &DistrictCode, rules: DistrictRules) -> Self {
        self.districts.insert(district.as_str().to_owned(), rules);
        self
    }

    pub fn from_json(json: &str) -> Result<Self, ConfigError> {
        let file: FileConfig = serde_json::from_str(json)?;
        let defaults = file.defaults.over(&DistrictRules::default());
        check(&defaults)?;
        let mut districts = BTreeMap::new();
        for (code, district) in file.districts {
            DistrictCode::parse(&code).map_err(|_| ConfigError::BadDistrict(code.clone()))?;
            let rules = district.over(&defaults);
            check(&rules)?;
            districts.insert(code, rules);
        }
        Ok(Self {
            defaults,
            districts,
        })
    }

    /// The file named by [`PPP_CONFIG_ENV`], or the defaults when unset.
    pub fn from_env() -> Result<Self, ConfigError> {
        match std::env::var_os(PPP_CONFIG_ENV) {
            Some(path) if !path.is_empty() => {
                let path = Path::new(&path);
                let json = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.display().to_string(),
                    source,
                })?;
                Self::from_json(&json)
            }
            _ => Ok(Self::default()),
        }
    }
}

fn check(rules: &DistrictRules) -> Result<(), ConfigError> {
    if rules.qualitative_threshold > 100 {
        return Err(ConfigError::BadThreshold(rules.qualitative_threshold));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
