//! Exclusive area (专有部分面积) of a unit, kept exact.
//!
//! Contract: areas are whole hundredths of a square metre (the precision of
//! a real-estate register), so sums never round and every ratio in the
//! assembly rules is compared exactly. The area that counts is the register
//! area if recorded, else the surveyed area, else the contract area
//! (the order of the Supreme People's Court's interpretation on building
//! division ownership, art. 8).

use std::fmt;
use std::iter::Sum;
use std::ops::Add;

/// Square metres in hundredths (0.01 m²).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Area(u64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AreaError {
    #[error("area {0:?} is not a number of square metres with at most two decimals")]
    Malformed(String),
    #[error("area {0:?} is too large")]
    TooLarge(String),
}

impl Area {
    pub const ZERO: Area = Area(0);

    pub const fn from_centiares(centiares: u64) -> Self {
        Self(centiares)
    }

    pub const fn centiares(self) -> u64 {
        self.0
    }

    /// Parses `"89.5"`, `"120"`, `"75.25"` (square metres, dot decimal).
    pub fn parse(raw: &str) -> Result<Self, AreaError> {
        let malformed = || AreaError::Malformed(raw.to_owned());
        let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || (raw.contains('.') && !digits(fraction)) || fraction.len() > 2 {
            return Err(malformed());
        }
        let whole: u64 = whole
            .parse()
            .map_err(|_| AreaError::TooLarge(raw.to_owned()))?;
        let hundredths: u64 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<u64>().map_err(|_| malformed())? * 10,
            _ => fraction.parse::<u64>().map_err(|_| malformed())?,
        };
        whole
            .checked_mul(100)
            .and_then(|c| c.checked_add(hundredths))
            .map(Self)
            .ok_or_else(|| AreaError::TooLarge(raw.to_owned()))
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }
}

impl Add for Area {
    type Output = Area;
    /// Saturates: a city's whole floor area is many orders below u64::MAX
    /// hundredths, so saturation only guards against corrupt input.
    fn add(self, other: Area) -> Area {
        Area(self.0.saturating_add(other.0))
    }
}

impl Sum for Area {
    fn sum<I: Iterator<Item = Area>>(iter: I) -> Area {
        iter.fold(Area::ZERO, Add::add)
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// Which measurement an effective area came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaBasis {
    Register,
    Surveyed,
    Contract,
}

/// The areas known for one unit; any may be missing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnitAreas {
    pub register: Option<Area>,
    pub surveyed: Option<Area>,
    pub contract: Option<Area>,
}

impl UnitAreas {
    /// The area that counts: register > surveyed > contract. `None` when no
    /// area is known (such a unit cannot be put on an assembly roll).
    pub fn effective(&self) -> Option<(Area, AreaBasis)> {
        self.register
            .map(|a| (a, AreaBasis::Register))
            .or(self.surveyed.map(|a| (a, AreaBasis::Surveyed)))
            .or(self.contract.map(|a| (a, AreaBasis::Contract)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_square_metres_exactly() {
        assert_eq!(Area::parse("89.5"), Ok(Area(8950)));
        assert_eq!(Area::parse("120"), Ok(Area(12000)));
        assert_eq!(Area::parse("75.25"), Ok(Area(7525)));
        assert_eq!(Area::parse("0.01"), Ok(Area(1)));
        assert_eq!(Area(7525).to_string(), "75.25");
    }

    #[test]
    fn refuses_what_is_not_an_area() {
        for raw in ["", "-1", "1.234", "1.", ".5", "1,5", "abc", "1e3", " 1"] {
            assert!(
                matches!(Area::parse(raw), Err(AreaError::Malformed(_))),
                "{raw:?}"
            );
        }
        assert!(matches!(
            Area::parse("999999999999999999999"),
            Err(AreaError::TooLarge(_))
        ));
    }

    #[test]
    fn register_beats_surveyed_beats_contract() {
        let all = UnitAreas {
            register: Some(Area(100)),
            surveyed: Some(Area(200)),
            contract: Some(Area(300)),
        };
        assert_eq!(all.effective(), Some((Area(100), AreaBasis::Register)));
        let no_register = UnitAreas {
            register: None,
            ..all
        };
        assert_eq!(
            no_register.effective(),
            Some((Area(200), AreaBasis::Surveyed))
        );
        let contract_only = UnitAreas {
            contract: Some(Area(300)),
            ..UnitAreas::default()
        };
        assert_eq!(
            contract_only.effective(),
            Some((Area(300), AreaBasis::Contract))
        );
        assert_eq!(UnitAreas::default().effective(), None);
    }
}
