//! Formatting shared by the deciders: times as RFC 3339 in UTC, dates ISO 8601.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

pub(crate) fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(crate) fn date(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// Our own events hold times we wrote with [`time`]; `None` only if a stored
/// event was corrupted, which every rule then treats as "not set".
pub(crate) fn parse_time(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

pub(crate) fn blank(value: &str) -> bool {
    value.trim().is_empty()
}
