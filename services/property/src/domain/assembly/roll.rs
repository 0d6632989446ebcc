//! The electoral roll of an estate: who counts as a head and with how much
//! exclusive area.

use crate::domain::area::Area;
use std::collections::BTreeMap;

/// A head on the roll.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Head {
    /// An owner, by owner id: every unit this owner holds counts once.
    Owner(String),
    /// All unsold units of the developer together.
    UnsoldDeveloperUnits,
}

/// One exclusive unit as the roll sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollUnit {
    pub unit_id: String,
    /// The effective exclusive area (register > surveyed > contract).
    pub area: Area,
    /// `None` while the developer has not sold the unit.
    pub owner: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RollError {
    #[error("unit {0} appears twice")]
    DuplicateUnit(String),
    #[error("unit {0} has no exclusive area")]
    ZeroArea(String),
    #[error("unit {0} has an empty owner id")]
    EmptyOwner(String),
    #[error("the estate has no units")]
    Empty,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roll {
    heads: BTreeMap<Head, Area>,
    total_area: Area,
}

impl Head {
    /// The name a head has in events: the owner id, or "developer".
    pub fn key(&self) -> &str {
        match self {
            Head::Owner(owner) => owner,
            Head::UnsoldDeveloperUnits => crate::domain::estate::DEVELOPER_HEAD,
        }
    }

    pub fn from_key(key: &str) -> Self {
        if key == crate::domain::estate::DEVELOPER_HEAD {
            Head::UnsoldDeveloperUnits
        } else {
            Head::Owner(key.to_owned())
        }
    }
}

impl Roll {
    /// A roll from its heads as an event froze them.
    pub fn from_heads(heads: impl IntoIterator<Item = (Head, Area)>) -> Self {
        let mut roll = Roll::default();
        for (head, area) in heads {
            let held = roll.heads.entry(head).or_default();
            *held = *held + area;
            roll.total_area = roll.total_area + area;
        }
        roll
    }

    pub fn from_units<'a>(
        units: impl IntoIterator<Item = &'a RollUnit>,
    ) -> Result<Self, RollError> {
        let mut seen = std::collections::BTreeSet::new();
        let mut roll = Roll::default();
        for unit in units {
            if !seen.insert(unit.unit_id.as_str()) {
                return Err(RollError::DuplicateUnit(unit.unit_id.clone()));
            }
            if unit.area.is_zero() {
                return Err(RollError::ZeroArea(unit.unit_id.clone()));
            }
            let head = match &unit.owner {
                Some(owner) if owner.trim().is_empty() => {
                    return Err(RollError::EmptyOwner(unit.unit_id.clone()));
                }
                Some(owner) => Head::Owner(owner.clone()),
                None => Head::UnsoldDeveloperUnits,
            };
            let area = roll.heads.entry(head).or_default();
            *area = *area + unit.area;
            roll.total_area = roll.total_area + unit.area;
        }
        if roll.heads.is_empty() {
            return Err(RollError::Empty);
        }
        Ok(roll)
    }

    pub fn total_area(&self) -> Area {
        self.total_area
    }

    pub fn head_count(&self) -> u64 {
        // A roll has far fewer than u64::MAX heads.
        u64::try_from(self.heads.len()).unwrap_or(u64::MAX)
    }

    /// The area a head holds, `None` when it is not on the roll.
    pub fn area_of(&self, head: &Head) -> Option<Area> {
        self.heads.get(head).copied()
    }

    pub fn heads(&self) -> impl Iterator<Item = (&Head, Area)> {
        self.heads.iter().map(|(h, a)| (h, *a))
    }
}
