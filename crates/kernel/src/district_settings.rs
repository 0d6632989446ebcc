//! Per-district settings files, one shape for every context that has them.
//!
//! Contract: a file is JSON of the shape `{"defaults": {...}, "districts":
//! {"500108": {...}}}`, every field optional. A district's missing fields come
//! from the file's `defaults`, whose missing fields come from the context's
//! own defaults. The whole file is validated on load (district codes, and
//! every district's settings by the context's own rules), so a running
//! service never holds a setting it cannot use; a district without an entry
//! gets the defaults.

use crate::DistrictCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::path::Path;

/// One context's settings of one district, and how a file's entry overlays
/// them.
pub trait DistrictSettings: Clone + Default + Sized {
    /// One `defaults` or `districts` entry as written in the file.
    type File: DeserializeOwned + Default;
    /// Why an entry cannot be used.
    type Invalid: std::error::Error + 'static;
    /// The environment variable naming the file.
    const ENV: &'static str;

    /// The settings `file` gives over `base`; `scope` names the entry
    /// ("defaults", "district 500108") for the error.
    fn overlay(file: Self::File, scope: &str, base: &Self) -> Result<Self, Self::Invalid>;
}

/// Validated settings of every district.
#[derive(Debug, Clone, Default)]
pub struct PerDistrict<S> {
    defaults: S,
    districts: BTreeMap<String, S>,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError<E: std::error::Error + 'static> {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("not valid JSON of the settings' shape: {0}")]
    Json(#[from] serde_json::Error),
    #[error("district {0:?} is not a 6-digit district code")]
    BadDistrict(String),
    #[error(transparent)]
    Invalid(E),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, bound = "F: DeserializeOwned + Default")]
struct FileShape<F> {
    #[serde(default)]
    defaults: F,
    #[serde(default)]
    districts: BTreeMap<String, F>,
}

impl<S: DistrictSettings> PerDistrict<S> {
    /// The settings of `district`, or the defaults.
    pub fn district(&self, district: &DistrictCode) -> &S {
        self.districts
            .get(district.as_str())
            .unwrap_or(&self.defaults)
    }

    /// The settings of districts without their own.
    pub fn defaults(&self) -> &S {
        &self.defaults
    }

    /// Same defaults everywhere, `district` configured as given.
    pub fn with_district(mut self, district: &DistrictCode, settings: S) -> Self {
        self.districts
            .insert(district.as_str().to_owned(), settings);
        self
    }

    pub fn from_json(json: &str) -> Result<Self, SettingsError<S::Invalid>> {
        let file: FileShape<S::File> = serde_json::from_str(json)?;
        let defaults =
            S::overlay(file.defaults, "defaults", &S::default()).map_err(SettingsError::Invalid)?;
        let mut districts = BTreeMap::new();
        for (code, entry) in file.districts {
            if DistrictCode::parse(&code).is_err() {
                return Err(SettingsError::BadDistrict(code));
            }
            let settings = S::overlay(entry, &format!("district {code}"), &defaults)
                .map_err(SettingsError::Invalid)?;
            districts.insert(code, settings);
        }
        Ok(Self {
            defaults,
            districts,
        })
    }

    pub fn from_file(path: &Path) -> Result<Self, SettingsError<S::Invalid>> {
        let json = std::fs::read_to_string(path).map_err(|source| SettingsError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_json(&json)
    }

    /// The file named by [`DistrictSettings::ENV`], or the defaults when unset.
    pub fn from_env() -> Result<Self, SettingsError<S::Invalid>> {
        match std::env::var_os(S::ENV) {
            Some(path) if !path.is_empty() => Self::from_file(Path::new(&path)),
            _ => Ok(Self::default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Eq)]
    struct Limit(u32);

    impl Default for Limit {
        fn default() -> Self {
            Self(10)
        }
    }

    #[derive(Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct LimitFile {
        limit: Option<u32>,
    }

    #[derive(Debug, thiserror::Error)]
    #[error("limit of {0} must be positive")]
    struct ZeroLimit(String);

    impl DistrictSettings for Limit {
        type File = LimitFile;
        type Invalid = ZeroLimit;
        const ENV: &'static str = "GONGZHI_KERNEL_TEST_SETTINGS";

        fn overlay(file: LimitFile, scope: &str, base: &Self) -> Result<Self, ZeroLimit> {
            match file.limit {
                Some(0) => Err(ZeroLimit(scope.to_owned())),
                Some(limit) => Ok(Self(limit)),
                None => Ok(base.clone()),
            }
        }
    }

    fn district(code: &str) -> DistrictCode {
        DistrictCode::parse(code).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn districts_fall_back_to_the_files_defaults_then_the_contexts()
    -> Result<(), SettingsError<ZeroLimit>> {
        let empty = PerDistrict::<Limit>::from_json("{}")?;
        assert_eq!(empty.district(&district("500108")), &Limit(10));
        let file = PerDistrict::<Limit>::from_json(
            r#"{"defaults": {"limit": 20}, "districts": {"500108": {"limit": 5}, "500103": {}}}"#,
        )?;
        assert_eq!(file.district(&district("500108")), &Limit(5));
        assert_eq!(file.district(&district("500103")), &Limit(20));
        assert_eq!(file.district(&district("500112")), &Limit(20));
        Ok(())
    }

    #[test]
    fn every_kind_of_bad_file_is_its_own_error_naming_the_place() {
        let bad = |json: &str| PerDistrict::<Limit>::from_json(json).err();
        assert!(matches!(bad("not json"), Some(SettingsError::Json(_))));
        assert!(matches!(
            bad(r#"{"unknown": 1}"#),
            Some(SettingsError::Json(_))
        ));
        assert!(matches!(
            bad(r#"{"districts": {"5001": {}}}"#),
            Some(SettingsError::BadDistrict(code)) if code == "5001"
        ));
        let zero = bad(r#"{"districts": {"500108": {"limit": 0}}}"#);
        assert!(
            matches!(&zero, Some(SettingsError::Invalid(ZeroLimit(scope))) if scope == "district 500108"),
            "{zero:?}"
        );
        let missing = PerDistrict::<Limit>::from_file(Path::new("/nonexistent/settings.json"));
        assert!(matches!(missing, Err(SettingsError::Read { .. })));
    }
}
