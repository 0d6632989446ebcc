//! Read models of the PPP context.

mod portfolio;
mod projects;

pub use portfolio::PortfolioProjection;
pub use projects::ProjectsProjection;

use gongzhi_eventstore::RecordedEvent;
use gongzhi_projections::ProjectionError;

/// Fen and counts are u64 in events and BIGINT in the read models; nothing
/// real comes near i64's limit, so a larger value is a broken event.
pub(crate) fn column(
    name: &str,
    event: &RecordedEvent,
    value: u64,
) -> Result<i64, ProjectionError> {
    i64::try_from(value).map_err(|e| ProjectionError::apply(name, event.event_id, e))
}
