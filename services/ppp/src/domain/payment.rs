//! The payment schedule and what a period pays.
//!
//! Contract: the schedule gives each period a fixed (availability) part and
//! a performance-linked part; the linked parts together are at least the
//! configured share (default 30%) of the construction cost. A period pays
//! its fixed part plus its linked part scaled by the period's score
//! (rounded down to the fen), less deductions per performance failure; the
//! deductions come off the linked part only and never below zero.

use super::money::{Fen, total};
use super::performance::FULL;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchedulePeriod {
    pub fixed: Fen,
    pub performance_linked: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("the schedule has no periods")]
    Empty,
    #[error("the schedule does not add up in fen")]
    Overflow,
    #[error(
        "{linked_fen} fen of the schedule is tied to performance, less than {percent}% of the {cost_fen} fen construction cost"
    )]
    TooLittleLinked {
        linked_fen: u64,
        cost_fen: u64,
        percent: u32,
    },
}

impl ScheduleError {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Empty => "SCHEDULE_EMPTY",
            Self::Overflow => "SCHEDULE_OVERFLOW",
            Self::TooLittleLinked { .. } => "PERFORMANCE_LINKED_SHARE_TOO_LOW",
        }
    }
}

pub fn check_schedule(
    schedule: &BTreeMap<i32, SchedulePeriod>,
    construction_cost: Fen,
    linked_percent_min: u32,
) -> Result<(), ScheduleError> {
    if schedule.is_empty() {
        return Err(ScheduleError::Empty);
    }
    let linked: Vec<Fen> = schedule.values().map(|p| p.performance_linked).collect();
    let linked = total(&linked).ok_or(ScheduleError::Overflow)?;
    let needed = construction_cost
        .times(u64::from(linked_percent_min), 100)
        .ok_or(ScheduleError::Overflow)?;
    // Compare exactly: linked * 100 >= cost * percent (the rounded `needed`
    // only serves the message).
    let enough = u128::from(linked.0) * 100
        >= u128::from(construction_cost.0) * u128::from(linked_percent_min);
    if !enough {
        return Err(ScheduleError::TooLittleLinked {
            linked_fen: linked.0,
            cost_fen: construction_cost.0.max(needed.0),
            percent: linked_percent_min,
        });
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodPayment {
    pub performance_paid: Fen,
    pub deductions: Fen,
    pub payment: Fen,
}

pub fn period_payment(
    period: SchedulePeriod,
    score: u32,
    failures: u32,
    deduction_per_failure: Fen,
) -> PeriodPayment {
    let score = u64::from(score.min(FULL));
    let earned = period
        .performance_linked
        .times(score, u64::from(FULL))
        .unwrap_or(Fen::ZERO);
    let wanted = Fen(deduction_per_failure.0.saturating_mul(u64::from(failures)));
    let deductions = wanted.min(earned);
    let performance_paid = earned.saturating_sub(deductions);
    PeriodPayment {
        performance_paid,
        deductions,
        payment: Fen(period.fixed.0.saturating_add(performance_paid.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(linked: u64) -> BTreeMap<i32, SchedulePeriod> {
        (2027..2030)
            .map(|y| {
                (
                    y,
                    SchedulePeriod {
                        fixed: Fen(1_000),
                        performance_linked: Fen(linked),
                    },
                )
            })
            .collect()
    }

    #[test]
    fn at_least_thirty_percent_of_construction_is_linked() {
        // 3 x 1000 = 3000 of 10000: exactly 30%.
        assert_eq!(check_schedule(&schedule(1_000), Fen(10_000), 30), Ok(()));
        assert!(matches!(
            check_schedule(&schedule(999), Fen(10_000), 30),
            Err(ScheduleError::TooLittleLinked { .. })
        ));
        assert_eq!(
            check_schedule(&BTreeMap::new(), Fen(1), 30),
            Err(ScheduleError::Empty)
        );
    }

    #[test]
    fn the_score_scales_the_linked_part_and_failures_deduct_from_it() {
        let period = SchedulePeriod {
            fixed: Fen(100_000),
            performance_linked: Fen(50_000),
        };
        assert_eq!(
            period_payment(period, FULL, 0, Fen(5_000)).payment,
            Fen(150_000)
        );
        let bad = period_payment(period, 8_125, 1, Fen(5_000));
        assert_eq!(bad.performance_paid, Fen(35_625));
        assert_eq!(bad.deductions, Fen(5_000));
        assert_eq!(bad.payment, Fen(135_625));
        // Deductions never eat into the fixed part.
        let worst = period_payment(period, 1_000, 9, Fen(5_000));
        assert_eq!(worst.payment, Fen(100_000));
    }
}
