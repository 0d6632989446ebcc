//! An exact fraction printed as a percentage with integer-only rounding.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

/// Decimals beyond this are clamped so the integer arithmetic cannot
/// overflow `u128` for any `u64` numerator.
pub const MAX_DECIMALS: u32 = 12;

/// `numerator / denominator`, undefined when the denominator is zero.
/// Equality is of the pair (6/8 != 3/4); compare values with
/// [`Rate::compare_value`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rate {
    pub numerator: u64,
    pub denominator: u64,
}

impl Rate {
    pub const fn new(numerator: u64, denominator: u64) -> Self {
        Self {
            numerator,
            denominator,
        }
    }

    pub const fn is_defined(&self) -> bool {
        self.denominator != 0
    }

    /// The percentage rounded half up to `decimals` places (at most
    /// [`MAX_DECIMALS`]) with a `%` sign, e.g. `"93.72%"`; `None` when the
    /// denominator is zero.
    pub fn percent_rounded(&self, decimals: u32) -> Option<String> {
        if !self.is_defined() {
            return None;
        }
        let decimals = decimals.min(MAX_DECIMALS);
        let scale = 10u128.pow(decimals);
        let scaled = u128::from(self.numerator) * 100 * scale;
        let denominator = u128::from(self.denominator);
        // floor(x + 1/2) on integers: (2 * scaled + den) / (2 * den).
        let rounded = (2 * scaled + denominator) / (2 * denominator);
        let whole = rounded / scale;
        if decimals == 0 {
            return Some(format!("{whole}%"));
        }
        let fraction = rounded % scale;
        Some(format!(
            "{whole}.{fraction:0width$}%",
            width = decimals as usize
        ))
    }

    /// [`Rate::percent_rounded`], or `"n/a"` when undefined.
    pub fn percent_or_na(&self, decimals: u32) -> String {
        self.percent_rounded(decimals)
            .unwrap_or_else(|| "n/a".to_owned())
    }

    /// Orders by value, exactly; `None` if either rate is undefined.
    pub fn compare_value(&self, other: &Rate) -> Option<Ordering> {
        if !self.is_defined() || !other.is_defined() {
            return None;
        }
        let left = u128::from(self.numerator) * u128::from(other.denominator);
        let right = u128::from(other.numerator) * u128::from(self.denominator);
        Some(left.cmp(&right))
    }
}

/// Two decimals, the way the published figures are quoted.
impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.percent_or_na(2))
    }
}
