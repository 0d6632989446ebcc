//! When an estate may hold its first owners' assembly, and the preparatory
//! group that convenes it.
//!
//! Contract: an estate is eligible once at least half of its total exclusive
//! area has been delivered to buyers, or once two years have passed since
//! the first delivery with at least one fifth delivered ("at least" includes
//! the bound; two years is the same calendar date two years later, 29
//! February falling back to 28 February). The preparatory group (筹备组)
//! has 5 to 9 members and is led by the street office; the assembly is
//! announced at least 15 days ahead.

use super::area::Area;
use super::share::Share;
use chrono::{Months, NaiveDate};

pub const NOTICE_DAYS: i64 = 15;
pub const PREPARATORY_GROUP_MIN: usize = 5;
pub const PREPARATORY_GROUP_MAX: usize = 9;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eligibility {
    /// At least half of the area delivered.
    HalfDelivered,
    /// Two years since the first delivery, at least a fifth delivered.
    TwoYearsWithAFifth,
    NotYet {
        /// The date the two-year rule starts to apply, if anything was
        /// delivered at all.
        two_years_from: Option<NaiveDate>,
    },
}

impl Eligibility {
    pub fn is_eligible(self) -> bool {
        !matches!(self, Eligibility::NotYet { .. })
    }
}

pub fn eligibility(
    total_area: Area,
    delivered_area: Area,
    first_delivery: Option<NaiveDate>,
    today: NaiveDate,
) -> Eligibility {
    let (delivered, total) = (delivered_area.centiares(), total_area.centiares());
    if Share::HALF.reached_by(delivered, total) {
        return Eligibility::HalfDelivered;
    }
    let two_years_from = first_delivery.and_then(|d| d.checked_add_months(Months::new(24)));
    match two_years_from {
        Some(date) if today >= date && Share::FIFTH.reached_by(delivered, total) => {
            Eligibility::TwoYearsWithAFifth
        }
        _ => Eligibility::NotYet { two_years_from },
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreparatoryGroupError {
    #[error("a preparatory group has 5 to 9 members, not {0}")]
    Size(usize),
    #[error("the preparatory group is led by the street office")]
    NotLedByStreetOffice,
}

/// Checks a preparatory group: its size and that the street office leads it.
pub fn check_preparatory_group(
    members: usize,
    led_by_street_office: bool,
) -> Result<(), PreparatoryGroupError> {
    if !(PREPARATORY_GROUP_MIN..=PREPARATORY_GROUP_MAX).contains(&members) {
        return Err(PreparatoryGroupError::Size(members));
    }
    if !led_by_street_office {
        return Err(PreparatoryGroupError::NotLedByStreetOffice);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    const TOTAL: Area = Area::from_centiares(1_000_000);

    #[test]
    fn exactly_half_delivered_is_eligible() {
        let half = Area::from_centiares(500_000);
        assert_eq!(
            eligibility(TOTAL, half, Some(day(2026, 1, 1)), day(2026, 1, 2)),
            Eligibility::HalfDelivered
        );
        let just_below = Area::from_centiares(499_999);
        assert!(
            !eligibility(TOTAL, just_below, Some(day(2026, 1, 1)), day(2026, 1, 2)).is_eligible()
        );
    }

    #[test]
    fn two_years_on_with_exactly_a_fifth_is_eligible_a_day_earlier_is_not() {
        let fifth = Area::from_centiares(200_000);
        let first = day(2024, 3, 1);
        assert_eq!(
            eligibility(TOTAL, fifth, Some(first), day(2026, 3, 1)),
            Eligibility::TwoYearsWithAFifth
        );
        assert_eq!(
            eligibility(TOTAL, fifth, Some(first), day(2026, 2, 28)),
            Eligibility::NotYet {
                two_years_from: Some(day(2026, 3, 1))
            }
        );
        let below_fifth = Area::from_centiares(199_999);
        assert!(!eligibility(TOTAL, below_fifth, Some(first), day(2030, 1, 1)).is_eligible());
    }

    #[test]
    fn a_leap_day_delivery_counts_two_years_to_the_28th_of_february() {
        let fifth = Area::from_centiares(200_000);
        assert_eq!(
            eligibility(TOTAL, fifth, Some(day(2024, 2, 29)), day(2026, 2, 28)),
            Eligibility::TwoYearsWithAFifth
        );
    }

    #[test]
    fn nothing_delivered_is_never_eligible() {
        assert_eq!(
            eligibility(TOTAL, Area::ZERO, None, day(2040, 1, 1)),
            Eligibility::NotYet {
                two_years_from: None
            }
        );
        assert!(!eligibility(Area::ZERO, Area::ZERO, None, day(2040, 1, 1)).is_eligible());
    }

    #[test]
    fn preparatory_groups_have_five_to_nine_members_under_the_street_office() {
        assert_eq!(
            check_preparatory_group(4, true),
            Err(PreparatoryGroupError::Size(4))
        );
        assert_eq!(
            check_preparatory_group(10, true),
            Err(PreparatoryGroupError::Size(10))
        );
        assert_eq!(
            check_preparatory_group(7, false),
            Err(PreparatoryGroupError::NotLedByStreetOffice)
        );
        for n in 5..=9 {
            assert_eq!(check_preparatory_group(n, true), Ok(()));
        }
    }
}
