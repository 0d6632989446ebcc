//! Shares of a whole ("at least two thirds", "more than half"), compared by
//! integer cross-multiplication so no fraction is ever rounded.

/// `numerator / denominator`, with `0 < numerator <= denominator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    numerator: u64,
    denominator: u64,
}

impl Share {
    pub const TWO_THIRDS: Share = Share::new_const(2, 3);
    pub const THREE_QUARTERS: Share = Share::new_const(3, 4);
    pub const HALF: Share = Share::new_const(1, 2);
    pub const FIFTH: Share = Share::new_const(1, 5);

    const fn new_const(numerator: u64, denominator: u64) -> Self {
        Self {
            numerator,
            denominator,
        }
    }

    pub fn numerator(self) -> u64 {
        self.numerator
    }

    pub fn denominator(self) -> u64 {
        self.denominator
    }

    /// `part / whole >= self` ("at least", the bound included). An empty
    /// whole reaches no share.
    pub fn reached_by(self, part: u64, whole: u64) -> bool {
        whole != 0
            && u128::from(part) * u128::from(self.denominator)
                >= u128::from(self.numerator) * u128::from(whole)
    }

    /// `part / whole > self` ("more than", the bound excluded).
    pub fn exceeded_by(self, part: u64, whole: u64) -> bool {
        whole != 0
            && u128::from(part) * u128::from(self.denominator)
                > u128::from(self.numerator) * u128::from(whole)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_least_includes_the_bound_more_than_excludes_it() {
        assert!(Share::TWO_THIRDS.reached_by(2, 3));
        assert!(!Share::TWO_THIRDS.reached_by(199, 300));
        assert!(!Share::HALF.exceeded_by(1, 2));
        assert!(Share::HALF.exceeded_by(51, 100));
        assert!(Share::THREE_QUARTERS.reached_by(3, 4));
        assert!(!Share::THREE_QUARTERS.reached_by(74, 100));
    }

    #[test]
    fn nothing_of_an_empty_whole() {
        assert!(!Share::HALF.reached_by(0, 0));
        assert!(!Share::HALF.exceeded_by(0, 0));
    }

    #[test]
    fn no_overflow_at_the_largest_values() {
        assert!(Share::TWO_THIRDS.reached_by(u64::MAX, u64::MAX));
        assert!(!Share::HALF.exceeded_by(u64::MAX / 2, u64::MAX));
    }
}
