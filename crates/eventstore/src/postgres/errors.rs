//! PostgreSQL error codes mapped to store errors, once, at the boundary.

use crate::StoreError;

/// The unique constraints of `eventstore.events` an append can hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum UniqueViolation {
    /// The event id is stored already: maybe a retry, re-check idempotency.
    EventId,
    /// Another writer took the revision: a concurrency conflict.
    StreamRevision,
}

pub(super) const EVENT_ID_CONSTRAINT: &str = "events_event_id_unique";
pub(super) const STREAM_REVISION_CONSTRAINT: &str = "events_stream_revision_unique";

/// Which of our unique constraints `error` violates, if any.
pub(super) fn unique_violation(error: &sqlx::Error) -> Option<UniqueViolation> {
    let database_error = error.as_database_error()?;
    if database_error.code().as_deref() != Some("23505") {
        return None;
    }
    match database_error.constraint() {
        Some(EVENT_ID_CONSTRAINT) => Some(UniqueViolation::EventId),
        Some(STREAM_REVISION_CONSTRAINT) => Some(UniqueViolation::StreamRevision),
        _ => None,
    }
}

/// Connection-level failures (SQLSTATE class 08, server shutting down, too
/// many connections) are `Unavailable`, which callers may retry.
pub(crate) fn map_pg_error(error: sqlx::Error) -> StoreError {
    let unavailable = error
        .as_database_error()
        .and_then(|e| e.code())
        .is_some_and(|code| is_unavailable_code(&code));
    if unavailable {
        StoreError::Unavailable(error)
    } else {
        StoreError::from_sqlx(error)
    }
}

fn is_unavailable_code(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "53300")
}

#[cfg(test)]
mod tests {
    use super::is_unavailable_code;

    #[test]
    fn connection_codes_are_unavailable() {
        for code in ["08006", "08001", "57P01", "53300"] {
            assert!(is_unavailable_code(code), "{code}");
        }
        for code in ["23505", "40001", "42P01"] {
            assert!(!is_unavailable_code(code), "{code}");
        }
    }
}
