//! A retried request answers its first receipt. The command layer does this
//! too, but only once it runs; the participation areas ask first, so a
//! retry is never refused by a registry check that would pass no longer
//! (a voter who has since moved out).

use gongzhi_commands::Receipt;
use gongzhi_eventstore::{SharedEventStore, StoreError};
use gongzhi_server::CommandContext;

/// The receipt of `context`'s request if it was already carried out.
pub(crate) async fn earlier_receipt(
    store: &SharedEventStore,
    context: &CommandContext,
) -> Result<Option<Receipt>, StoreError> {
    let found = store.find_event(context.event_id(0)).await?;
    Ok(found.map(|event| Receipt {
        stream: event.stream,
        stream_revision: Some(event.revision),
        position: event.position,
        replayed: true,
    }))
}
