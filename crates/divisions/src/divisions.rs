//! The division tables as one value: lookups by code, children of a code, and
//! the parsers that turn input into [`StreetCode`], [`CommunityCode`] and
//! [`GridCode`] only if the code exists.
//!
//! Districts cover the whole country; streets and communities only the
//! districts listed as covered (see `data/README.md`). A street or community
//! code in a district that is not covered is refused as
//! [`DivisionError::NotCovered`], never accepted on shape alone.

use crate::codes::{CommunityCode, GridCode, StreetCode};
use crate::error::{DivisionError, Level, TableError};
use crate::table::{Division, Table, is_code_of};
use gongzhi_kernel::DistrictCode;
use std::sync::OnceLock;

/// The texts of the six data files, in the format `data/generate.py` writes.
#[derive(Clone, Copy, Debug)]
pub struct DivisionTables {
    pub provinces: &'static str,
    pub cities: &'static str,
    pub districts: &'static str,
    pub streets: &'static str,
    pub communities: &'static str,
    /// One 6-digit district code per line.
    pub covered_districts: &'static str,
}

impl DivisionTables {
    pub const EMBEDDED: DivisionTables = DivisionTables {
        provinces: include_str!("../data/provinces.tsv"),
        cities: include_str!("../data/cities.tsv"),
        districts: include_str!("../data/districts.tsv"),
        streets: include_str!("../data/streets.tsv"),
        communities: include_str!("../data/communities.tsv"),
        covered_districts: include_str!("../data/covered_districts.txt"),
    };
}

#[derive(Debug)]
pub struct Divisions {
    provinces: Table,
    cities: Table,
    districts: Table,
    streets: Table,
    communities: Table,
    covered: Vec<&'static str>,
}

impl Divisions {
    /// The tables shipped in `data/`, parsed on first use.
    pub fn embedded() -> &'static Divisions {
        static EMBEDDED: OnceLock<Divisions> = OnceLock::new();
        EMBEDDED.get_or_init(|| {
            Divisions::parse(&DivisionTables::EMBEDDED)
                .expect("embedded division tables are constant and checked by the embedded_tables_parse test")
        })
    }

    pub fn parse(tables: &DivisionTables) -> Result<Self, TableError> {
        let divisions = Self {
            provinces: Table::parse(Level::Province, tables.provinces)?,
            cities: Table::parse(Level::City, tables.cities)?,
            districts: Table::parse(Level::District, tables.districts)?,
            streets: Table::parse(Level::Street, tables.streets)?,
            communities: Table::parse(Level::Community, tables.communities)?,
            covered: tables.covered_districts.lines().collect(),
        };
        divisions.check_consistency()?;
        Ok(divisions)
    }

    fn check_consistency(&self) -> Result<(), TableError> {
        check_parents(&self.cities, &self.provinces)?;
        check_parents(&self.districts, &self.cities)?;
        check_parents(&self.streets, &self.districts)?;
        check_parents(&self.communities, &self.streets)?;
        if let Some(district) = self.covered.iter().find(|d| self.district(d).is_none()) {
            return Err(TableError::UnknownCoveredDistrict {
                district: (*district).to_owned(),
            });
        }
        if let Some(street) = self.streets.rows().iter().find(|s| !self.covers(s.parent)) {
            return Err(TableError::NotCovered {
                table: Level::Street,
                code: street.code.to_owned(),
                district: street.parent.to_owned(),
            });
        }
        Ok(())
    }

    pub fn province(&self, code: &str) -> Option<&Division> {
        self.provinces.get(code)
    }

    pub fn city(&self, code: &str) -> Option<&Division> {
        self.cities.get(code)
    }

    pub fn district(&self, code: &str) -> Option<&Division> {
        self.districts.get(code)
    }

    pub fn street(&self, code: &str) -> Option<&Division> {
        self.streets.get(code)
    }

    pub fn community(&self, code: &str) -> Option<&Division> {
        self.communities.get(code)
    }

    /// Every district of the country, sorted by code.
    pub fn districts(&self) -> &[Division] {
        self.districts.rows()
    }

    /// Whether the streets and communities of `district` are shipped.
    pub fn covers(&self, district: &str) -> bool {
        self.covered.contains(&district)
    }

    pub fn covered_districts(&self) -> &[&'static str] {
        &self.covered
    }

    /// Streets of a 6-digit district, sorted; empty if unknown or not covered.
    pub fn streets_of(&self, district: &str) -> &[Division] {
        children(&self.streets, Level::District, district)
    }

    /// Communities of a 9-digit street, sorted; empty if unknown.
    pub fn communities_of(&self, street: &str) -> &[Division] {
        children(&self.communities, Level::Street, street)
    }

    /// A district that exists in the national table (covered or not).
    pub fn district_code(&self, raw: &str) -> Result<DistrictCode, DivisionError> {
        if !is_code_of(Level::District, raw) {
            return Err(DivisionError::malformed(Level::District, raw));
        }
        if self.district(raw).is_none() {
            return Err(unknown(Level::District, raw));
        }
        DistrictCode::parse(raw).map_err(|_| DivisionError::malformed(Level::District, raw))
    }

    pub fn street_code(&self, raw: &str) -> Result<StreetCode, DivisionError> {
        if !is_code_of(Level::Street, raw) {
            return Err(DivisionError::malformed(Level::Street, raw));
        }
        let district = self.covered_district(&raw[..6])?;
        if self.street(raw).is_none() {
            return Err(unknown(Level::Street, raw));
        }
        Ok(StreetCode::new(raw.to_owned(), district))
    }

    pub fn community_code(&self, raw: &str) -> Result<CommunityCode, DivisionError> {
        if !is_code_of(Level::Community, raw) {
            return Err(DivisionError::malformed(Level::Community, raw));
        }
        let street = self.street_code(&raw[..9])?;
        if self.community(raw).is_none() {
            return Err(unknown(Level::Community, raw));
        }
        Ok(CommunityCode::new(raw.to_owned(), street))
    }

    /// A 15-digit unit grid: an existing community and a sequence 001 to 999.
    pub fn unit_grid(&self, raw: &str) -> Result<GridCode, DivisionError> {
        if !is_code_of(Level::UnitGrid, raw) {
            return Err(DivisionError::malformed(Level::UnitGrid, raw));
        }
        let community = self.community_code(&raw[..12])?;
        let sequence = raw[12..]
            .parse::<u16>()
            .ok()
            .filter(|sequence| (1..=999).contains(sequence))
            .ok_or_else(|| DivisionError::BadGridSequence {
                raw: raw.to_owned(),
            })?;
        Ok(GridCode::new(raw.to_owned(), community, sequence))
    }

    /// Like [`Self::street_code`], and the street must be in `district`.
    pub fn street_code_in(
        &self,
        raw: &str,
        district: &DistrictCode,
    ) -> Result<StreetCode, DivisionError> {
        check_in_district(Level::Street, raw, district)?;
        self.street_code(raw)
    }

    /// Like [`Self::community_code`], and the community must be in `district`.
    pub fn community_code_in(
        &self,
        raw: &str,
        district: &DistrictCode,
    ) -> Result<CommunityCode, DivisionError> {
        check_in_district(Level::Community, raw, district)?;
        self.community_code(raw)
    }

    /// Like [`Self::unit_grid`], and the grid must be in `district`.
    pub fn unit_grid_in(
        &self,
        raw: &str,
        district: &DistrictCode,
    ) -> Result<GridCode, DivisionError> {
        check_in_district(Level::UnitGrid, raw, district)?;
        self.unit_grid(raw)
    }

    /// A district that exists and whose streets are shipped.
    fn covered_district(&self, code: &str) -> Result<DistrictCode, DivisionError> {
        let district = self.district_code(code)?;
        if !self.covers(code) {
            return Err(DivisionError::NotCovered {
                district: code.to_owned(),
            });
        }
        Ok(district)
    }
}

fn unknown(level: Level, code: &str) -> DivisionError {
    DivisionError::UnknownCode {
        level,
        code: code.to_owned(),
    }
}

/// Checked before existence, so another district's code is reported as such
/// even when that district is not covered.
fn check_in_district(
    level: Level,
    raw: &str,
    district: &DistrictCode,
) -> Result<(), DivisionError> {
    if !is_code_of(level, raw) {
        return Err(DivisionError::malformed(level, raw));
    }
    if !raw.starts_with(district.as_str()) {
        return Err(DivisionError::ParentMismatch {
            level,
            code: raw.to_owned(),
            parent_level: Level::District,
            expected_parent: district.as_str().to_owned(),
        });
    }
    Ok(())
}

fn children<'a>(table: &'a Table, parent_level: Level, parent: &str) -> &'a [Division] {
    if is_code_of(parent_level, parent) {
        table.under(parent)
    } else {
        &[]
    }
}

fn check_parents(table: &Table, parents: &Table) -> Result<(), TableError> {
    match table
        .rows()
        .iter()
        .find(|row| parents.get(row.parent).is_none())
    {
        None => Ok(()),
        Some(orphan) => Err(TableError::UnknownParent {
            table: table.level(),
            code: orphan.code.to_owned(),
            parent: orphan.parent.to_owned(),
        }),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a panic is how a test fails")]
#[path = "divisions_tests.rs"]
mod tests;
