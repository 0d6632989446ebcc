//! Per-district configuration of the residents context: who may convene a
//! meeting, the notice it needs, its quorum and its majority.
//!
//! Contract: every district without its own entry gets the defaults, which
//! are the Organic Law of Urban Residents' Committees' (see
//! [`crate::domain::participation::meetings::MeetingRules`]). A file is JSON
//! of the shape `{"defaults": {"meetings": {...}}, "districts": {"500108":
//! {"meetings": {...}}}}`, every field optional; a district's missing fields
//! come from `defaults`. It is validated whole on load, so a running service
//! never holds a rule that cannot be met (a quorum share of one whole can
//! never be exceeded) or a meeting nobody may convene.

use crate::domain::participation::meetings::{
    ConveningRules, InvalidShare, MeetingConvener, MeetingRules, QuorumRules, Share,
};
use chrono::TimeDelta;
use gongzhi_kernel::{DistrictSettings, PerDistrict, SettingsError};
use serde::Deserialize;

/// Environment variable naming the JSON configuration file.
pub const RESIDENTS_CONFIG_ENV: &str = "GONGZHI_RESIDENTS_CONFIG";

/// One district's validated settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DistrictConfig {
    pub meetings: MeetingRules,
}

/// Every district's settings, from [`RESIDENTS_CONFIG_ENV`].
pub type ResidentsConfig = PerDistrict<DistrictConfig>;

pub type ConfigError = SettingsError<InvalidSetting>;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DistrictFile {
    meetings: MeetingsFile,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct MeetingsFile {
    /// `residents_committee`, `street_office`, `residents_petition`.
    conveners: Option<Vec<String>>,
    /// "n/d": signatures a petition needs, as a share of the eligible (or more).
    petition_share: Option<String>,
    minimum_notice_hours: Option<u32>,
    /// "n/d": attendance must be strictly more than this share of the eligible.
    quorum_share: Option<String>,
    /// "n/d": votes for must be strictly more than this share of those present.
    passing_share: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum InvalidSetting {
    #[error("{field} of {scope}: {value:?} is not a share \"n/d\" with 0 < d and n <= d")]
    BadShare {
        scope: String,
        field: &'static str,
        value: String,
    },
    #[error(
        "{field} of {scope}: {value:?} is a whole or more, which no attendance or vote can strictly exceed"
    )]
    UnreachableShare {
        scope: String,
        field: &'static str,
        value: String,
    },
    #[error(
        "conveners of {scope}: {value:?} is not one of residents_committee, street_office, residents_petition"
    )]
    UnknownConvener { scope: String, value: String },
    #[error("conveners of {scope}: at least one convener is needed")]
    NoConveners { scope: String },
}

impl DistrictSettings for DistrictConfig {
    type File = DistrictFile;
    type Invalid = InvalidSetting;
    const ENV: &'static str = RESIDENTS_CONFIG_ENV;

    fn overlay(file: DistrictFile, scope: &str, base: &Self) -> Result<Self, InvalidSetting> {
        Ok(Self {
            meetings: file.meetings.validate(scope, &base.meetings)?,
        })
    }
}

impl MeetingsFile {
    fn validate(self, scope: &str, base: &MeetingRules) -> Result<MeetingRules, InvalidSetting> {
        let share = |field: &'static str, value: Option<String>, base: Share, strict: bool| {
            let Some(value) = value else {
                return Ok(base);
            };
            let share = parse_share(&value).map_err(|_| InvalidSetting::BadShare {
                scope: scope.to_owned(),
                field,
                value: value.clone(),
            })?;
            // "Strictly more than" a whole is never true: such a meeting could
            // never open, or no motion ever pass.
            if strict && share.numerator() == share.denominator() {
                return Err(InvalidSetting::UnreachableShare {
                    scope: scope.to_owned(),
                    field,
                    value,
                });
            }
            Ok(share)
        };
        let allowed_conveners = match self.conveners {
            Some(names) => conveners(scope, &names)?,
            None => base.convening.allowed_conveners.clone(),
        };
        Ok(MeetingRules {
            convening: ConveningRules {
                allowed_conveners,
                petition_share: share(
                    "petition_share",
                    self.petition_share,
                    base.convening.petition_share,
                    false,
                )?,
                minimum_notice: self
                    .minimum_notice_hours
                    .map_or(base.convening.minimum_notice, |hours| {
                        TimeDelta::hours(i64::from(hours))
                    }),
            },
            quorum: QuorumRules {
                quorum_share: share(
                    "quorum_share",
                    self.quorum_share,
                    base.quorum.quorum_share,
                    true,
                )?,
                passing_share: share(
                    "passing_share",
                    self.passing_share,
                    base.quorum.passing_share,
                    true,
                )?,
            },
        })
    }
}

fn parse_share(text: &str) -> Result<Share, InvalidShare> {
    let invalid = InvalidShare {
        numerator: 0,
        denominator: 0,
    };
    let (numerator, denominator) = text.trim().split_once('/').ok_or(invalid.clone())?;
    let numerator = numerator.trim().parse().map_err(|_| invalid.clone())?;
    let denominator = denominator.trim().parse().map_err(|_| invalid)?;
    Share::parse(numerator, denominator)
}

fn conveners(scope: &str, names: &[String]) -> Result<Vec<MeetingConvener>, InvalidSetting> {
    if names.is_empty() {
        return Err(InvalidSetting::NoConveners {
            scope: scope.to_owned(),
        });
    }
    let mut conveners = Vec::new();
    for name in names {
        let convener = match name.as_str() {
            "residents_committee" => MeetingConvener::ResidentsCommittee,
            "street_office" => MeetingConvener::StreetOffice,
            "residents_petition" => MeetingConvener::ResidentsPetition,
            _ => {
                return Err(InvalidSetting::UnknownConvener {
                    scope: scope.to_owned(),
                    value: name.clone(),
                });
            }
        };
        if !conveners.contains(&convener) {
            conveners.push(convener);
        }
    }
    Ok(conveners)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongzhi_kernel::DistrictCode;
    use std::path::Path;

    fn kind(error: &ConfigError) -> &'static str {
        match error {
            SettingsError::Read { .. } => "Read",
            SettingsError::Json(_) => "Json",
            SettingsError::BadDistrict(_) => "BadDistrict",
            SettingsError::Invalid(InvalidSetting::BadShare { .. }) => "BadShare",
            SettingsError::Invalid(InvalidSetting::UnreachableShare { .. }) => "UnreachableShare",
            SettingsError::Invalid(InvalidSetting::UnknownConvener { .. }) => "UnknownConvener",
            SettingsError::Invalid(InvalidSetting::NoConveners { .. }) => "NoConveners",
        }
    }

    fn district(code: &str) -> DistrictCode {
        DistrictCode::parse(code).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn empty_file_gives_the_organic_law_everywhere() -> Result<(), ConfigError> {
        let config = ResidentsConfig::from_json("{}")?;
        let rules = &config.district(&district("500108")).meetings;
        assert_eq!(rules, &MeetingRules::default());
        assert_eq!(rules.quorum.quorum_share, Share::HALF);
        assert_eq!(rules.quorum.passing_share, Share::HALF);
        assert_eq!(rules.convening.petition_share, Share::FIFTH);
        assert_eq!(rules.convening.minimum_notice, TimeDelta::days(7));
        Ok(())
    }

    #[test]
    fn a_district_overrides_only_what_it_names() -> Result<(), ConfigError> {
        let config = ResidentsConfig::from_json(
            r#"{"defaults": {"meetings": {"minimum_notice_hours": 72}},
                "districts": {"500108": {"meetings": {
                    "quorum_share": "2/3", "conveners": ["residents_committee"]}}}}"#,
        )?;
        let here = &config.district(&district("500108")).meetings;
        assert_eq!(
            here.quorum.quorum_share,
            Share::parse(2, 3).expect("a share")
        );
        assert_eq!(here.quorum.passing_share, Share::HALF);
        assert_eq!(here.convening.minimum_notice, TimeDelta::hours(72));
        assert_eq!(
            here.convening.allowed_conveners,
            vec![MeetingConvener::ResidentsCommittee]
        );
        let elsewhere = &config.district(&district("500103")).meetings;
        assert_eq!(elsewhere.quorum.quorum_share, Share::HALF);
        assert_eq!(elsewhere.convening.minimum_notice, TimeDelta::hours(72));
        assert_eq!(elsewhere.convening.allowed_conveners.len(), 3);
        Ok(())
    }

    #[test]
    fn a_petition_may_need_every_signature_but_a_quorum_cannot_be_a_whole()
    -> Result<(), ConfigError> {
        let config =
            ResidentsConfig::from_json(r#"{"defaults": {"meetings": {"petition_share": "1/1"}}}"#)?;
        assert_eq!(
            config.defaults().meetings.convening.petition_share,
            Share::parse(1, 1).expect("a share")
        );
        Ok(())
    }

    #[test]
    fn invalid_settings_are_typed_errors_naming_the_place() {
        let cases = [
            ("not json", "Json"),
            (r#"{"unknown": 1}"#, "Json"),
            (r#"{"defaults": {"meetings": {"quorum": "1/2"}}}"#, "Json"),
            (r#"{"districts": {"5001": {}}}"#, "BadDistrict"),
            (
                r#"{"defaults": {"meetings": {"quorum_share": "half"}}}"#,
                "BadShare",
            ),
            (
                r#"{"defaults": {"meetings": {"passing_share": "1/0"}}}"#,
                "BadShare",
            ),
            (
                r#"{"defaults": {"meetings": {"petition_share": "3/2"}}}"#,
                "BadShare",
            ),
            (
                r#"{"districts": {"500108": {"meetings": {"quorum_share": "2/2"}}}}"#,
                "UnreachableShare",
            ),
            (
                r#"{"defaults": {"meetings": {"conveners": ["mayor"]}}}"#,
                "UnknownConvener",
            ),
            (
                r#"{"defaults": {"meetings": {"conveners": []}}}"#,
                "NoConveners",
            ),
        ];
        for (json, expected) in cases {
            let error = ResidentsConfig::from_json(json).err();
            assert_eq!(error.as_ref().map(kind), Some(expected), "{json}");
        }
        let message = ResidentsConfig::from_json(
            r#"{"districts": {"500108": {"meetings": {"quorum_share": "2/2"}}}}"#,
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(
            message.contains("quorum_share of district 500108"),
            "{message}"
        );
    }

    #[test]
    fn missing_file_is_a_read_error() {
        let error = ResidentsConfig::from_file(Path::new("/nonexistent/residents.json")).err();
        assert_eq!(error.as_ref().map(kind), Some("Read"));
    }
}
