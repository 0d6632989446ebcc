//! Dates and times as events carry them: ISO 8601 calendar dates and
//! RFC 3339 UTC times.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

pub fn date(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()
}

pub fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn area(value: Option<crate::domain::area::Area>) -> String {
    value.map(|a| a.to_string()).unwrap_or_default()
}

/// An area as events carry it: empty is unknown, anything else must parse
/// (events are written by this code, so a bad one is a corrupt store).
pub fn parse_area(raw: &str) -> Option<crate::domain::area::Area> {
    if raw.is_empty() {
        None
    } else {
        crate::domain::area::Area::parse(raw).ok()
    }
}
