//! Codes below the district that are known to exist in the division table.
//! Built only by [`Divisions`](crate::Divisions) (or the `parse` shortcuts
//! over the embedded table), so holding one means the code was real when
//! parsed.
//!
//! They serialise as their plain code but deliberately do not deserialise:
//! codes get retired between editions of the national table, and an event
//! recorded years ago must still decode. Stored data keeps plain strings and
//! re-validates only new input.

use crate::divisions::Divisions;
use crate::error::DivisionError;
use gongzhi_kernel::DistrictCode;
use serde::{Serialize, Serializer};
use std::fmt;

/// A 9-digit street or town (街道/镇) code: district + 3 digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StreetCode {
    code: String,
    district: DistrictCode,
}

/// A 12-digit community or village committee (社区/村委会) code: street + 3 digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommunityCode {
    code: String,
    street: StreetCode,
}

/// A 15-digit unit grid (单元网格) code: community + sequence 001 to 999.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GridCode {
    code: String,
    community: CommunityCode,
    sequence: u16,
}

impl StreetCode {
    pub(crate) fn new(code: String, district: DistrictCode) -> Self {
        Self { code, district }
    }

    /// Checks shape and existence against [`Divisions::embedded`].
    pub fn parse(raw: &str) -> Result<Self, DivisionError> {
        Divisions::embedded().street_code(raw)
    }

    /// As [`Self::parse`], and the street must lie in `district`.
    pub fn parse_in(raw: &str, district: &DistrictCode) -> Result<Self, DivisionError> {
        Divisions::embedded().street_code_in(raw, district)
    }

    pub fn district(&self) -> &DistrictCode {
        &self.district
    }

    pub fn as_str(&self) -> &str {
        &self.code
    }
}

impl CommunityCode {
    pub(crate) fn new(code: String, street: StreetCode) -> Self {
        Self { code, street }
    }

    /// Checks shape and existence against [`Divisions::embedded`].
    pub fn parse(raw: &str) -> Result<Self, DivisionError> {
        Divisions::embedded().community_code(raw)
    }

    /// As [`Self::parse`], and the community must lie in `district`.
    pub fn parse_in(raw: &str, district: &DistrictCode) -> Result<Self, DivisionError> {
        Divisions::embedded().community_code_in(raw, district)
    }

    pub fn street(&self) -> &StreetCode {
        &self.street
    }

    pub fn district(&self) -> &DistrictCode {
        self.street.district()
    }

    pub fn as_str(&self) -> &str {
        &self.code
    }
}

impl GridCode {
    pub(crate) fn new(code: String, community: CommunityCode, sequence: u16) -> Self {
        Self {
            code,
            community,
            sequence,
        }
    }

    /// Checks shape and existence of the community against [`Divisions::embedded`].
    pub fn parse(raw: &str) -> Result<Self, DivisionError> {
        Divisions::embedded().unit_grid(raw)
    }

    /// As [`Self::parse`], and the grid must lie in `district`.
    pub fn parse_in(raw: &str, district: &DistrictCode) -> Result<Self, DivisionError> {
        Divisions::embedded().unit_grid_in(raw, district)
    }

    pub fn community(&self) -> &CommunityCode {
        &self.community
    }

    pub fn district(&self) -> &DistrictCode {
        self.community.district()
    }

    /// 1 to 999.
    pub fn sequence(&self) -> u16 {
        self.sequence
    }

    pub fn as_str(&self) -> &str {
        &self.code
    }
}

macro_rules! display_and_serialize_as_code {
    ($($code_type:ty),*) => {$(
        impl fmt::Display for $code_type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $code_type {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    )*};
}

display_and_serialize_as_code!(StreetCode, CommunityCode, GridCode);
