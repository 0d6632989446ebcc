//! Grid cases dispatched to providers, from the grids context's public
//! contract (the proto messages of stream `case`), so a contract for a
//! dispatchable service shows the grid's work done under it.
//!
//! Contract: only dispatches to unit ids that are UUIDs are kept (providers'
//! ids are; the grid's own departments are named otherwise). Which contract a
//! case counts for is decided when reading (same district, the awarded
//! provider, dispatched within the contract term), so the order in which
//! the two contexts' events arrive does not matter.

use gongzhi_eventstore::RecordedEvent;
use gongzhi_proto::gongzhi::grids::v1 as grids;
use prost::Message;
use sqlx::AnyConnection;

pub const CASE_CATEGORY: &str = "case";

#[derive(Debug, thiserror::Error)]
pub enum GridCaseError {
    #[error(transparent)]
    Decode(#[from] prost::DecodeError),
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
}

fn is_provider_id(unit_id: &str) -> bool {
    uuid::Uuid::parse_str(unit_id).is_ok()
}

pub async fn apply(
    connection: &mut AnyConnection,
    event: &RecordedEvent,
) -> Result<(), GridCaseError> {
    let payload = event.payload.as_slice();
    match event.event_type.as_str() {
        "gongzhi.grids.v1.CaseDispatched" => {
            let e = grids::CaseDispatched::decode(payload)?;
            if !is_provider_id(&e.unit_id) {
                return Ok(());
            }
            let dispatched_on: String = e.dispatched_at.chars().take(10).collect();
            // A case dispatched to the same unit again counts once, as open.
            sqlx::query(
                "INSERT INTO unit_cases (case_id, unit_id, district, dispatched_on, returned, closed) \
                 VALUES ($1, $2, $3, $4, 0, 0) \
                 ON CONFLICT (case_id, unit_id) DO UPDATE SET returned = 0",
            )
            .bind(e.case_id)
            .bind(e.unit_id)
            .bind(e.district)
            .bind(dispatched_on)
            .execute(connection)
            .await?;
        }
        "gongzhi.grids.v1.CaseReturned" => {
            let e = grids::CaseReturned::decode(payload)?;
            sqlx::query("UPDATE unit_cases SET returned = 1 WHERE case_id = $1 AND unit_id = $2")
                .bind(e.case_id)
                .bind(e.unit_id)
                .execute(connection)
                .await?;
        }
        "gongzhi.grids.v1.CaseClosed" => {
            let e = grids::CaseClosed::decode(payload)?;
            sqlx::query("UPDATE unit_cases SET closed = 1 WHERE case_id = $1 AND returned = 0")
                .bind(e.case_id)
                .execute(connection)
                .await?;
        }
        _ => {}
    }
    Ok(())
}
