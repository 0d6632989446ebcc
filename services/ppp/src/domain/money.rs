//! Money in whole fen (0.01 yuan), never floats.

use std::fmt;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fen(pub u64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    pub fn saturating_sub(self, other: Fen) -> Fen {
        Fen(self.0.saturating_sub(other.0))
    }

    /// `self * numerator / denominator`, rounded down; `None` for a zero
    /// denominator or a result beyond u64.
    pub fn times(self, numerator: u64, denominator: u64) -> Option<Fen> {
        if denominator == 0 {
            return None;
        }
        let exact = u128::from(self.0) * u128::from(numerator) / u128::from(denominator);
        u64::try_from(exact).ok().map(Fen)
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// Sums fen without overflow; `None` past u64.
pub fn total<'a>(amounts: impl IntoIterator<Item = &'a Fen>) -> Option<Fen> {
    amounts
        .into_iter()
        .try_fold(Fen::ZERO, |sum, amount| sum.checked_add(*amount))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_rounds_down_exactly() {
        assert_eq!(Fen(1_000).times(3, 10), Some(Fen(300)));
        assert_eq!(Fen(999).times(1, 2), Some(Fen(499)));
        assert_eq!(Fen(u64::MAX).times(2, 1), None);
        assert_eq!(Fen(1).times(1, 0), None);
        assert_eq!(Fen(123_456).to_string(), "1234.56");
    }
}
