//! A tenant is a district, named by its 6-digit GB/T 2260 administrative code.
//! Only the shape is checked here; the residents service checks the code
//! against the national table.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DistrictCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("district code must be 6 ASCII digits not starting with 0, got {0:?}")]
pub struct InvalidDistrictCode(pub String);

impl DistrictCode {
    pub fn parse(raw: &str) -> Result<Self, InvalidDistrictCode> {
        let well_formed =
            raw.len() == 6 && raw.bytes().all(|b| b.is_ascii_digit()) && !raw.starts_with('0');
        if well_formed {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidDistrictCode(raw.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DistrictCode {
    type Error = InvalidDistrictCode;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<DistrictCode> for String {
    fn from(value: DistrictCode) -> Self {
        value.0
    }
}

impl fmt::Display for DistrictCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_six_digits() {
        assert_eq!(
            DistrictCode::parse("500108").map(|d| d.to_string()),
            Ok("500108".into())
        );
    }

    #[test]
    fn rejects_other_shapes() {
        for bad in ["", "50010", "5001080", "50010a", "050108", "５００１０８"] {
            assert!(DistrictCode::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
