//! The owners' committee (业主委员会): its size and the filing deadline.
//!
//! Contract: a committee has an odd number of members from 5 to 11. It is
//! filed (备案) with the district housing authority and the street office
//! within 30 days of its election: filing on day 30 is on time, day 31 is
//! late, and from day 31 an unfiled committee is flagged late.
//!
//! The [`Committee`] decider (stream `committee-<uuid>`) takes an election
//! only on a passed `ELECT_COMMITTEE` matter of an assembly of the same
//! estate, each decision electing once (the stream id derives from it), with
//! distinct members; it is filed once, and flagged late at most once.

use chrono::{Days, NaiveDate};

mod decide;

pub use decide::{Committee, CommitteeCommand, CommitteeError, CommitteeFacts, CommitteeState};

#[cfg(test)]
mod decide_tests;

pub const MIN_MEMBERS: usize = 5;
pub const MAX_MEMBERS: usize = 11;
pub const FILING_DAYS: u64 = 30;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommitteeSizeError {
    #[error("an owners' committee has 5 to 11 members, not {0}")]
    OutOfRange(usize),
    #[error("an owners' committee has an odd number of members, not {0}")]
    Even(usize),
}

pub fn check_size(members: usize) -> Result<(), CommitteeSizeError> {
    if !(MIN_MEMBERS..=MAX_MEMBERS).contains(&members) {
        return Err(CommitteeSizeError::OutOfRange(members));
    }
    if members.is_multiple_of(2) {
        return Err(CommitteeSizeError::Even(members));
    }
    Ok(())
}

/// The last day a committee elected on `elected_on` files on time.
pub fn filing_due(elected_on: NaiveDate) -> Option<NaiveDate> {
    elected_on.checked_add_days(Days::new(FILING_DAYS))
}

/// Whether filing on `filed_on` (or not filed by `today`) is late.
pub fn filing_late(elected_on: NaiveDate, filed_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    let Some(due) = filing_due(elected_on) else {
        return false;
    };
    filed_on.unwrap_or(today) > due
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn sizes_are_odd_from_five_to_eleven() {
        let allowed: Vec<usize> = (0..20).filter(|n| check_size(*n).is_ok()).collect();
        assert_eq!(allowed, vec![5, 7, 9, 11]);
        assert_eq!(check_size(6), Err(CommitteeSizeError::Even(6)));
        assert_eq!(check_size(13), Err(CommitteeSizeError::OutOfRange(13)));
        assert_eq!(check_size(3), Err(CommitteeSizeError::OutOfRange(3)));
    }

    #[test]
    fn day_thirty_is_on_time_day_thirty_one_is_late() {
        let elected = day(2026, 1, 31);
        assert_eq!(filing_due(elected), Some(day(2026, 3, 2)));
        assert!(!filing_late(
            elected,
            Some(day(2026, 3, 2)),
            day(2026, 6, 1)
        ));
        assert!(filing_late(elected, Some(day(2026, 3, 3)), day(2026, 6, 1)));
        assert!(!filing_late(elected, None, day(2026, 3, 2)));
        assert!(filing_late(elected, None, day(2026, 3, 3)));
    }
}
