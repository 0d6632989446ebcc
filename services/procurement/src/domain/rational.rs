//! Exact non-negative fractions for weighted scores: rules compare totals,
//! and a float could rank two equal totals apart.

use std::cmp::Ordering;

/// `numerator / denominator` in lowest terms, denominator above zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ratio {
    numerator: u128,
    denominator: u128,
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Ratio {
    /// `None` for a zero denominator.
    pub fn new(numerator: u128, denominator: u128) -> Option<Self> {
        if denominator == 0 {
            return None;
        }
        let divisor = gcd(numerator, denominator).max(1);
        Some(Self {
            numerator: numerator / divisor,
            denominator: denominator / divisor,
        })
    }

    pub fn whole(value: u128) -> Self {
        Self {
            numerator: value,
            denominator: 1,
        }
    }

    pub fn numerator(&self) -> u128 {
        self.numerator
    }

    pub fn denominator(&self) -> u128 {
        self.denominator
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Self) -> Ordering {
        // Scores stay below 2^64 in both parts, so the products fit in u128.
        (self.numerator * other.denominator).cmp(&(other.numerator * self.denominator))
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_are_reduced_and_compared_exactly() {
        assert_eq!(Ratio::new(2, 4), Ratio::new(1, 2));
        assert_eq!(Ratio::new(1, 0), None);
        assert_eq!(Ratio::new(0, 7).map(|r| r.denominator()), Some(1));
        let third = Ratio::new(1, 3).unwrap_or(Ratio::whole(0));
        let close = Ratio::new(333_333_333, 1_000_000_000).unwrap_or(Ratio::whole(1));
        assert!(close < third);
        assert_eq!(Ratio::whole(3).cmp(&Ratio::whole(3)), Ordering::Equal);
    }
}
