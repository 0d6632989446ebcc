//! Read models of the property context, each in its own PostgreSQL schema
//! (SQLite file in `gongzhi dev`), applied with their checkpoint in one
//! transaction, rebuildable from the event store.

mod assemblies;
mod committees;
mod contracts;
mod disputes;
mod estates;
mod fund;

pub use assemblies::AssembliesProjection;
pub use committees::CommitteesProjection;
pub use contracts::ContractsProjection;
pub use disputes::DisputesProjection;
pub use estates::EstatesProjection;
pub use fund::FundProjection;

use gongzhi_eventstore::RecordedEvent;
use gongzhi_kernel::EventCodec;
use gongzhi_projections::ProjectionError;

/// Decodes a stored event of this context, or a permanent apply error.
pub(crate) fn decode<E: EventCodec>(
    projection: &str,
    event: &RecordedEvent,
) -> Result<E, ProjectionError> {
    E::decode(&event.event_type, &event.payload)
        .map_err(|e| ProjectionError::apply(projection, event.event_id, e))
}

/// The event's `$all` position as a column value.
pub(crate) fn position(projection: &str, event: &RecordedEvent) -> Result<i64, ProjectionError> {
    i64::try_from(event.position).map_err(|e| ProjectionError::apply(projection, event.event_id, e))
}

/// Money as a column value; fen beyond i64 is no real estate's.
pub(crate) fn fen(
    projection: &str,
    event: &RecordedEvent,
    amount: u64,
) -> Result<i64, ProjectionError> {
    i64::try_from(amount).map_err(|e| ProjectionError::apply(projection, event.event_id, e))
}
