//! Serde configuration of a working calendar and its validation into a
//! [`WorkingCalendar`]. Times are `"HH:MM"` or `"HH:MM:SS"` local wall-clock
//! times; a period may end at `"24:00"`. The offset is `"+08:00"` style.

use super::china_2026::{china_2026_holidays, china_2026_working_days};
use super::working::{DailyPeriod, WorkingCalendar};
use chrono::{FixedOffset, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

const SECONDS_PER_DAY: u32 = 86_400;

/// One daily working period, `start` inclusive, `end` exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodConfig {
    pub start: String,
    pub end: String,
}

impl PeriodConfig {
    pub fn new(start: &str, end: &str) -> Self {
        Self {
            start: start.to_owned(),
            end: end.to_owned(),
        }
    }
}

/// A district's calendar as written in configuration. Every field has a
/// default, so `{}` is the standard Mon-Fri, 09:00-12:00 and 13:30-17:30,
/// UTC+8 calendar without holidays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CalendarConfig {
    pub utc_offset: String,
    pub working_weekdays: Vec<Weekday>,
    pub periods: Vec<PeriodConfig>,
    pub holidays: Vec<NaiveDate>,
    /// Weekend days worked in exchange for a holiday (调休).
    pub adjusted_working_days: Vec<NaiveDate>,
}

impl Default for CalendarConfig {
    fn default() -> Self {
        Self {
            utc_offset: "+08:00".to_owned(),
            working_weekdays: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            periods: vec![
                PeriodConfig::new("09:00", "12:00"),
                PeriodConfig::new("13:30", "17:30"),
            ],
            holidays: Vec::new(),
            adjusted_working_days: Vec::new(),
        }
    }
}

impl CalendarConfig {
    /// The default calendar with the State Council's 2026 holiday schedule.
    pub fn china_2026() -> Self {
        Self {
            holidays: china_2026_holidays(),
            adjusted_working_days: china_2026_working_days(),
            ..Self::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarConfigError {
    #[error("bad utc offset {0:?}, expected +HH:MM")]
    BadOffset(String),
    #[error("bad time {0:?}, expected HH:MM or HH:MM:SS")]
    BadTime(String),
    #[error("working period {start}-{end} does not end after it starts")]
    InvertedPeriod { start: String, end: String },
    #[error("working periods {first} and {second} overlap")]
    OverlappingPeriods { first: String, second: String },
    #[error("a calendar needs at least one working period")]
    NoPeriods,
    #[error("{0} is both a holiday and an adjusted working day")]
    HolidayAndWorkingDay(NaiveDate),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarConfigErrorKind {
    BadOffset,
    BadTime,
    InvertedPeriod,
    OverlappingPeriods,
    NoPeriods,
    HolidayAndWorkingDay,
}

impl CalendarConfigError {
    pub fn kind(&self) -> CalendarConfigErrorKind {
        match self {
            Self::BadOffset(_) => CalendarConfigErrorKind::BadOffset,
            Self::BadTime(_) => CalendarConfigErrorKind::BadTime,
            Self::InvertedPeriod { .. } => CalendarConfigErrorKind::InvertedPeriod,
            Self::OverlappingPeriods { .. } => CalendarConfigErrorKind::OverlappingPeriods,
            Self::NoPeriods => CalendarConfigErrorKind::NoPeriods,
            Self::HolidayAndWorkingDay(_) => CalendarConfigErrorKind::HolidayAndWorkingDay,
        }
    }
}

impl TryFrom<CalendarConfig> for WorkingCalendar {
    type Error = CalendarConfigError;

    fn try_from(config: CalendarConfig) -> Result<Self, Self::Error> {
        WorkingCalendar::from_config(&config)
    }
}

impl WorkingCalendar {
    pub fn from_config(config: &CalendarConfig) -> Result<Self, CalendarConfigError> {
        let offset: FixedOffset = config
            .utc_offset
            .parse()
            .map_err(|_| CalendarConfigError::BadOffset(config.utc_offset.clone()))?;
        let periods = parse_periods(&config.periods)?;
        let holidays: BTreeSet<NaiveDate> = config.holidays.iter().copied().collect();
        let adjusted: BTreeSet<NaiveDate> = config.adjusted_working_days.iter().copied().collect();
        if let Some(date) = holidays.intersection(&adjusted).next() {
            return Err(CalendarConfigError::HolidayAndWorkingDay(*date));
        }
        let mut weekdays = [false; 7];
        for weekday in &config.working_weekdays {
            weekdays[weekday.num_days_from_monday() as usize] = true;
        }
        Ok(Self::from_parts(
            offset, weekdays, periods, holidays, adjusted,
        ))
    }

    /// The standard calendar carrying the 2026 national holiday schedule.
    pub fn china_2026() -> Self {
        Self::from_config(&CalendarConfig::china_2026())
            .expect("the shipped 2026 schedule is a valid calendar, checked by config_tests")
    }
}

fn parse_periods(periods: &[PeriodConfig]) -> Result<Vec<DailyPeriod>, CalendarConfigError> {
    if periods.is_empty() {
        return Err(CalendarConfigError::NoPeriods);
    }
    let mut parsed = Vec::with_capacity(periods.len());
    for period in periods {
        let start = parse_time(&period.start)?;
        let end = parse_time(&period.end)?;
        if end <= start {
            return Err(CalendarConfigError::InvertedPeriod {
                start: period.start.clone(),
                end: period.end.clone(),
            });
        }
        parsed.push((DailyPeriod::new(start, end), period));
    }
    parsed.sort_by_key(|(period, _)| period.start_seconds());
    for pair in parsed.windows(2) {
        let (earlier, earlier_text) = &pair[0];
        let (later, later_text) = &pair[1];
        if later.start_seconds() < earlier.end_seconds() {
            return Err(CalendarConfigError::OverlappingPeriods {
                first: format!("{}-{}", earlier_text.start, earlier_text.end),
                second: format!("{}-{}", later_text.start, later_text.end),
            });
        }
    }
    Ok(parsed.into_iter().map(|(period, _)| period).collect())
}

/// Seconds after local midnight; `24:00` (and only that) may reach the end
/// of the day.
fn parse_time(raw: &str) -> Result<u32, CalendarConfigError> {
    let bad = || CalendarConfigError::BadTime(raw.to_owned());
    let parts: Vec<&str> = raw.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return Err(bad());
    }
    let mut fields = [0u32; 3];
    for (index, part) in parts.iter().enumerate() {
        if part.len() != 2 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        fields[index] = part.parse().map_err(|_| bad())?;
    }
    let [hours, minutes, seconds] = fields;
    if minutes > 59 || seconds > 59 || hours > 24 {
        return Err(bad());
    }
    let total = hours * 3600 + minutes * 60 + seconds;
    if total > SECONDS_PER_DAY {
        return Err(bad());
    }
    Ok(total)
}
