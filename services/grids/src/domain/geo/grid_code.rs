//! A unit grid code: 15 ASCII digits whose prefixes name where the grid sits
//! (6 district, 9 street, 12 community). Only the shape is checked here, not
//! that the community exists.

use gongzhi_kernel::DistrictCode;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GridCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("grid code must be 15 ascii digits starting with a district code, got {0:?}")]
pub struct InvalidGridCode(pub String);

impl GridCode {
    pub fn parse(raw: &str) -> Result<Self, InvalidGridCode> {
        let well_formed = raw.len() == 15
            && raw.bytes().all(|b| b.is_ascii_digit())
            && DistrictCode::parse(&raw[..6]).is_ok();
        if well_formed {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidGridCode(raw.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 6 digits.
    pub fn district(&self) -> &str {
        &self.0[..6]
    }

    /// The first 9 digits (街道/乡镇).
    pub fn street(&self) -> &str {
        &self.0[..9]
    }

    /// The first 12 digits (社区/村).
    pub fn community(&self) -> &str {
        &self.0[..12]
    }
}

impl TryFrom<String> for GridCode {
    type Error = InvalidGridCode;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<GridCode> for String {
    fn from(value: GridCode) -> Self {
        value.0
    }
}

impl fmt::Display for GridCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_names_its_district_street_and_community() {
        let code = GridCode::parse("500108001001003").expect("valid test code");
        assert_eq!(code.district(), "500108");
        assert_eq!(code.street(), "500108001");
        assert_eq!(code.community(), "500108001001");
        assert_eq!(code.to_string(), "500108001001003");
    }

    #[test]
    fn other_shapes_are_refused() {
        for bad in [
            "",
            "50010800100100",
            "5001080010010031",
            "50010800100100a",
            "050108001001003",
            "５００１０８００１００１００３",
        ] {
            assert!(GridCode::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
