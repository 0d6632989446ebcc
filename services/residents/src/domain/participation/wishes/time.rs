//! Times travel in events as RFC 3339 strings in UTC. The decider never reads
//! a clock: every time comes in a command.

use chrono::{DateTime, SecondsFormat, Utc};

pub(super) fn stamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Only this decider writes these fields, so a value that does not parse is
/// one it never wrote; it reads as "not set" rather than failing the replay.
pub(super) fn parse(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .ok()
        .map(|time| time.with_timezone(&Utc))
}
