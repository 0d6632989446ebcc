//! Working calendar and case time limits, all in local working time.
//!
//! Contract:
//! - A [`WorkingCalendar`] is valid by construction (built from a validated
//!   [`CalendarConfig`]): at least one daily period, periods sorted and
//!   disjoint, no date both a holiday and an adjusted working day (调休).
//! - A day is a working day when it is an adjusted working day, or when it is a
//!   working weekday and not a holiday. Local time is a fixed UTC offset
//!   (default UTC+8, China Standard Time has no daylight saving).
//! - [`WorkingCalendar::add_working_hours`] and
//!   [`WorkingCalendar::working_time_between`] are exact to the nanosecond,
//!   pure, and always terminate: the deadline search gives up with
//!   [`WorkingTimeErrorKind::BeyondHorizon`] after ten years.
//! - [`TimeLimits`] maps a case category and urgency to the working time
//!   allowed for each [`Stage`]; [`CategoryCatalogue`] lists the categories
//!   a district accepts. [`Urgency`] and [`Stage`] map to and from the proto
//!   enums stored in case events (`from_proto`/`to_proto`).

mod catalogue;
mod category;
mod china_2026;
mod config;
mod proto_enums;
mod time_limits;
mod working;

#[cfg(test)]
mod category_tests;
#[cfg(test)]
mod config_tests;
#[cfg(test)]
mod time_limits_tests;
#[cfg(test)]
mod working_proptests;
#[cfg(test)]
mod working_tests;

pub use catalogue::{
    CatalogueError, CatalogueErrorKind, CategoryCatalogue, MajorClass, MinorClass,
};
pub use category::{CaseCategory, CategoryError, CategoryErrorKind, CategoryKind, Urgency};
pub use china_2026::{china_2026_holidays, china_2026_working_days};
pub use config::{CalendarConfig, CalendarConfigError, CalendarConfigErrorKind, PeriodConfig};
pub use time_limits::{
    CategoryScope, Stage, StageLimits, TimeLimitRule, TimeLimits, TimeLimitsConfig,
    TimeLimitsError, TimeLimitsErrorKind,
};
pub use working::{
    DEADLINE_HORIZON_DAYS, DailyPeriod, WorkingCalendar, WorkingTimeError, WorkingTimeErrorKind,
};
