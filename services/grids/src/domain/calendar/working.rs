//! Working-time arithmetic on a validated calendar.
//!
//! Instants are UTC; days, holidays and periods are local to the calendar's
//! fixed offset. Instants within two days of chrono's representable range
//! are clamped (working time) or refused (deadlines) so no input panics.

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc,
};
use std::collections::BTreeSet;

/// Ten years of days: a deadline further away than this is refused, which
/// also bounds the search when the calendar has no working day at all.
pub const DEADLINE_HORIZON_DAYS: u32 = 3653;

const CHINA_STANDARD_TIME_SECONDS: i32 = 8 * 3600;

/// A daily working period in seconds after local midnight, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyPeriod {
    start: u32,
    end: u32,
}

impl DailyPeriod {
    pub(super) fn new(start: u32, end: u32) -> Self {
        Self { start, end }
    }

    pub fn start_seconds(&self) -> u32 {
        self.start
    }

    pub fn end_seconds(&self) -> u32 {
        self.end
    }

    fn length_seconds(&self) -> i64 {
        i64::from(self.end - self.start)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingCalendar {
    offset: FixedOffset,
    /// Indexed by `Weekday::num_days_from_monday`.
    weekdays: [bool; 7],
    periods: Vec<DailyPeriod>,
    holidays: BTreeSet<NaiveDate>,
    adjusted_working_days: BTreeSet<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WorkingTimeError {
    #[error("working duration must not be negative")]
    NegativeDuration,
    #[error("deadline is more than {DEADLINE_HORIZON_DAYS} days away or out of range")]
    BeyondHorizon,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkingTimeErrorKind {
    NegativeDuration,
    BeyondHorizon,
}

impl WorkingTimeError {
    pub fn kind(&self) -> WorkingTimeErrorKind {
        match self {
            Self::NegativeDuration => WorkingTimeErrorKind::NegativeDuration,
            Self::BeyondHorizon => WorkingTimeErrorKind::BeyondHorizon,
        }
    }
}

/// Mon-Fri, 09:00-12:00 and 13:30-17:30, UTC+8, no holidays.
impl Default for WorkingCalendar {
    fn default() -> Self {
        let offset = FixedOffset::east_opt(CHINA_STANDARD_TIME_SECONDS)
            .expect("eight hours is within the one-day bound of FixedOffset");
        Self::from_parts(
            offset,
            [true, true, true, true, true, false, false],
            vec![
                DailyPeriod::new(9 * 3600, 12 * 3600),
                DailyPeriod::new(13 * 3600 + 1800, 17 * 3600 + 1800),
            ],
            BTreeSet::new(),
            BTreeSet::new(),
        )
    }
}

impl WorkingCalendar {
    /// Callers (the config module) guarantee sorted, disjoint, non-empty
    /// periods and disjoint date sets.
    pub(super) fn from_parts(
        offset: FixedOffset,
        weekdays: [bool; 7],
        periods: Vec<DailyPeriod>,
        holidays: BTreeSet<NaiveDate>,
        adjusted_working_days: BTreeSet<NaiveDate>,
    ) -> Self {
        Self {
            offset,
            weekdays,
            periods,
            holidays,
            adjusted_working_days,
        }
    }

    pub fn offset(&self) -> FixedOffset {
        self.offset
    }

    pub fn periods(&self) -> &[DailyPeriod] {
        &self.periods
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.adjusted_working_days.contains(&date) {
            return true;
        }
        self.is_working_weekday(date) && !self.holidays.contains(&date)
    }

    pub fn is_working_time(&self, at: DateTime<Utc>) -> bool {
        let Some(local) = self.to_local(at) else {
            return false;
        };
        if !self.is_working_day(local.date()) {
            return false;
        }
        let second = local.time().num_seconds_from_midnight();
        self.periods
            .iter()
            .any(|period| period.start <= second && second < period.end)
    }

    /// The instant at which `duration` of working time has elapsed since
    /// `start`. Counting begins at `start` if it is working time, else at the
    /// next working period; a deadline falling on the end of a period is that
    /// end, not the start of the next one. A zero duration returns `start`.
    pub fn add_working_hours(
        &self,
        start: DateTime<Utc>,
        duration: Duration,
    ) -> Result<DateTime<Utc>, WorkingTimeError> {
        if duration < Duration::zero() {
            return Err(WorkingTimeError::NegativeDuration);
        }
        if duration.is_zero() {
            return Ok(start);
        }
        if clamp(start) != start {
            return Err(WorkingTimeError::BeyondHorizon);
        }
        let local_start = self
            .to_local(start)
            .ok_or(WorkingTimeError::BeyondHorizon)?;
        let mut remaining = duration;
        let mut date = local_start.date();
        for _ in 0..=DEADLINE_HORIZON_DAYS {
            // The last representable day has no representable end.
            if date == NaiveDate::MAX {
                return Err(WorkingTimeError::BeyondHorizon);
            }
            if self.is_working_day(date) {
                for (period_start, period_end) in self.period_bounds(date) {
                    let from = period_start.max(local_start);
                    if from >= period_end {
                        continue;
                    }
                    let available = period_end - from;
                    if remaining <= available {
                        return self
                            .to_utc(from + remaining)
                            .ok_or(WorkingTimeError::BeyondHorizon);
                    }
                    remaining -= available;
                }
            }
            date = date.succ_opt().ok_or(WorkingTimeError::BeyondHorizon)?;
        }
        Err(WorkingTimeError::BeyondHorizon)
    }

    /// Working time in `[from, to)`; zero when `to <= from`. Runs in time
    /// proportional to the holidays in range, not to the number of days.
    pub fn working_time_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        if to <= from {
            return Duration::zero();
        }
        let (Some(local_from), Some(local_to)) =
            (self.to_local(clamp(from)), self.to_local(clamp(to)))
        else {
            return Duration::zero();
        };
        let first_date = local_from.date();
        let last_date = local_to.date();
        if first_date == last_date {
            return self.overlap_on(first_date, local_from, local_to);
        }
        let head = self.overlap_on(first_date, local_from, end_of(first_date));
        let tail = self.overlap_on(last_date, last_date.and_time(NaiveTime::MIN), local_to);
        let full_days = match (first_date.succ_opt(), last_date.pred_opt()) {
            (Some(first_full), Some(last_full)) => self.count_working_days(first_full, last_full),
            _ => 0,
        };
        head + tail + Duration::seconds(full_days * self.seconds_per_working_day())
    }

    fn is_working_weekday(&self, date: NaiveDate) -> bool {
        self.weekdays[date.weekday().num_days_from_monday() as usize]
    }

    fn seconds_per_working_day(&self) -> i64 {
        self.periods.iter().map(DailyPeriod::length_seconds).sum()
    }

    /// Local start and end instants of each period on `date`.
    fn period_bounds(
        &self,
        date: NaiveDate,
    ) -> impl Iterator<Item = (NaiveDateTime, NaiveDateTime)> + '_ {
        let midnight = date.and_time(NaiveTime::MIN);
        self.periods.iter().map(move |period| {
            (
                midnight + Duration::seconds(i64::from(period.start)),
                midnight + Duration::seconds(i64::from(period.end)),
            )
        })
    }

    fn overlap_on(&self, date: NaiveDate, from: NaiveDateTime, to: NaiveDateTime) -> Duration {
        if !self.is_working_day(date) {
            return Duration::zero();
        }
        self.period_bounds(date)
            .map(|(start, end)| {
                let overlap = end.min(to) - start.max(from);
                overlap.max(Duration::zero())
            })
            .fold(Duration::zero(), |total, overlap| total + overlap)
    }

    /// Working days in `[first, last]`, inclusive; zero when `last < first`.
    fn count_working_days(&self, first: NaiveDate, last: NaiveDate) -> i64 {
        if last < first {
            return 0;
        }
        let days = (last - first).num_days() + 1;
        let per_week = self.weekdays.iter().filter(|working| **working).count() as i64;
        let first_weekday = first.weekday().num_days_from_monday() as i64;
        let remainder = (0..days % 7)
            .filter(|offset| self.weekdays[((first_weekday + offset) % 7) as usize])
            .count() as i64;
        let lost_to_holidays = self
            .holidays
            .range(first..=last)
            .filter(|date| self.is_working_weekday(**date))
            .count() as i64;
        let gained_by_adjustment = self
            .adjusted_working_days
            .range(first..=last)
            .filter(|date| !self.is_working_weekday(**date))
            .count() as i64;
        (days / 7) * per_week + remainder - lost_to_holidays + gained_by_adjustment
    }

    fn to_local(&self, at: DateTime<Utc>) -> Option<NaiveDateTime> {
        at.naive_utc()
            .checked_add_signed(Duration::seconds(i64::from(self.offset.local_minus_utc())))
    }

    fn to_utc(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        local
            .checked_sub_signed(Duration::seconds(i64::from(self.offset.local_minus_utc())))
            .map(|naive| naive.and_utc())
    }
}

fn end_of(date: NaiveDate) -> NaiveDateTime {
    date.and_time(NaiveTime::MIN) + Duration::days(1)
}

/// Keeps instants two days inside chrono's range so local dates and their
/// period bounds are always representable.
fn clamp(at: DateTime<Utc>) -> DateTime<Utc> {
    let margin = Duration::days(2);
    at.clamp(
        DateTime::<Utc>::MIN_UTC + margin,
        DateTime::<Utc>::MAX_UTC - margin,
    )
}
