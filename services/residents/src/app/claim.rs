//! One ID number per district: a registration first claims the keyed hash of
//! the number in stream `residentid-<hash>`, expecting no stream. The store's
//! optimistic concurrency makes the second claim fail, even when two
//! registrations race; the number itself is never stored.

use super::AppError;
use gongzhi_eventstore::{
    Direction, EventData, EventStore, ExpectedRevision, ReadFrom, StoreError, StoreErrorKind,
    StreamName,
};
use gongzhi_kernel::EventMetadata;
use gongzhi_proto::gongzhi::residents::v1 as pb;
use prost::Message;
use uuid::Uuid;

pub const CLAIM_CATEGORY: &str = "residentid";
pub const ID_NUMBER_CLAIMED: &str = "gongzhi.residents.v1.IdNumberClaimed";

pub async fn claim_id_number(
    store: &dyn EventStore,
    event_id: Uuid,
    claim: pb::IdNumberClaimed,
    metadata: EventMetadata,
) -> Result<(), AppError> {
    let stream =
        StreamName::new(CLAIM_CATEGORY, &claim.id_number_hash).map_err(StoreError::from)?;
    let resident_id = claim.resident_id.clone();
    let data = EventData {
        event_id,
        event_type: ID_NUMBER_CLAIMED.to_owned(),
        payload: claim.encode_to_vec(),
        metadata,
    };
    match store
        .append(&stream, ExpectedRevision::NoStream, vec![data])
        .await
    {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == StoreErrorKind::WrongExpectedRevision => {
            let holder = store
                .read_stream(&stream, Direction::Forward, ReadFrom::Start, 1)
                .await?;
            let held_by = holder
                .first()
                .and_then(|event| pb::IdNumberClaimed::decode(event.payload.as_slice()).ok())
                .map(|claimed| claimed.resident_id);
            if held_by.as_deref() == Some(resident_id.as_str()) {
                Ok(())
            } else {
                Err(AppError::IdNumberAlreadyRegistered)
            }
        }
        Err(error) => Err(error.into()),
    }
}
