//! Catch-up subscriptions to one stream or to `$all`.
//!
//! Contract: a confirmation first; then every stored event after the
//! starting point that the caller may see and the filter keeps, in order;
//! then `caught_up`; then live events as they commit, without a gap (the
//! live part continues from the last position read, through the store's
//! own catch-up subscription). A stream subscription reads `$all` filtered
//! to the stream's category and name; an event of another district in it
//! ends the subscription with access-denied. The subscription ends when the
//! client goes away or the server shuts down (`UNAVAILABLE`, so clients
//! resubscribe elsewhere from their last position).

use crate::access::can_see;
use crate::deletion;
use crate::filter::EventFilter;
use crate::read::{AllStart, PAGE, Reader, Stop, stream_denied};
use crate::status::{from_store, stream_deleted};
use crate::wire::streams::read_resp;
use futures::StreamExt;
use gongzhi_eventstore::{Direction, ReadFrom, RecordedEvent, StoreError, StreamName};
use gongzhi_server::CancellationToken;
use tonic::Status;

pub(crate) enum Target {
    Stream {
        stream: StreamName,
        start: ReadFrom,
    },
    All {
        start: AllStart,
        filter: EventFilter,
    },
}

/// Which events of `$all` go out, and where the subscription stands.
struct Delivery {
    filter: EventFilter,
    /// The stream of a stream subscription.
    stream: Option<StreamName>,
    /// Stream subscriptions deliver revisions above this one only.
    after_revision: Option<u64>,
    last_revision: Option<u64>,
}

impl Delivery {
    /// `Ok(true)`: deliver; `Ok(false)`: skip; `Err`: end the subscription.
    fn judge(&self, reader: &Reader, event: &RecordedEvent) -> Result<bool, Status> {
        if !self.filter.matches(event) {
            return Ok(false);
        }
        if self
            .after_revision
            .is_some_and(|after| event.revision <= after)
        {
            return Ok(false);
        }
        if can_see(&reader.caller, event) {
            return Ok(true);
        }
        match &self.stream {
            Some(stream) => Err(stream_denied(stream)),
            None => Ok(false),
        }
    }

    async fn offer(&mut self, reader: &Reader, event: &RecordedEvent) -> Result<(), Stop> {
        if self.judge(reader, event)? {
            reader.send_event(event).await?;
            if self.stream.is_some() {
                self.last_revision = Some(event.revision);
            }
        }
        Ok(())
    }

    fn caught_up(&self, position: u64) -> read_resp::CaughtUp {
        let position = (self.stream.is_none() && position > 0).then_some(read_resp::Position {
            commit_position: position,
            prepare_position: position,
        });
        read_resp::CaughtUp {
            timestamp: Some(now()),
            stream_revision: self
                .last_revision
                .and_then(|revision| i64::try_from(revision).ok()),
            position,
        }
    }
}

fn now() -> prost_types::Timestamp {
    let now = chrono::Utc::now();
    prost_types::Timestamp {
        seconds: now.timestamp(),
        nanos: i32::try_from(now.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

pub(crate) async fn subscribe(
    reader: &Reader,
    target: Target,
    shutdown: CancellationToken,
) -> Result<(), Stop> {
    let (mut after, mut delivery) = starting_point(reader, target).await?;
    let confirmation = read_resp::SubscriptionConfirmation {
        subscription_id: uuid::Uuid::new_v4().to_string(),
    };
    reader
        .send(read_resp::Content::Confirmation(confirmation))
        .await?;

    loop {
        let page = reader
            .store
            .read_all(after, delivery.filter.store_filter(), PAGE)
            .await
            .map_err(|error| from_store(&error))?;
        for event in &page {
            after = event.position;
            delivery.offer(reader, event).await?;
        }
        if page.len() < PAGE {
            break;
        }
    }
    reader
        .send(read_resp::Content::CaughtUp(delivery.caught_up(after)))
        .await?;

    let mut live = reader
        .store
        .subscribe_all(after, delivery.filter.store_filter().clone());
    loop {
        let next = tokio::select! {
            () = shutdown.cancelled() => {
                return Err(Status::unavailable(
                    "the server is shutting down; resubscribe from the last event received",
                )
                .into());
            }
            () = reader.tx.closed() => return Err(Stop::Closed),
            next = live.next() => next,
        };
        match next {
            Some(Ok(event)) => delivery.offer(reader, &event).await?,
            Some(Err(error)) => return Err(from_store(&error).into()),
            None => return Err(Status::unavailable("the subscription ended; resubscribe").into()),
        }
    }
}

/// The `$all` position to catch up from, and what to deliver.
async fn starting_point(reader: &Reader, target: Target) -> Result<(u64, Delivery), Stop> {
    let head = || async {
        reader
            .store
            .head_position()
            .await
            .map_err(|error| Stop::from(from_store(&error)))
    };
    match target {
        Target::All { start, filter } => {
            let after = match start {
                AllStart::Start => 0,
                AllStart::Position(position) => position,
                AllStart::End => head().await?,
            };
            let delivery = Delivery {
                filter,
                stream: None,
                after_revision: None,
                last_revision: None,
            };
            Ok((after, delivery))
        }
        Target::Stream { stream, start } => {
            check_stream_visible(reader, &stream).await?;
            let marks = deletion::deletion(&reader.store, &stream).await?;
            if marks.tombstoned {
                return Err(stream_deleted(stream.as_str()).into());
            }
            let deleted_up_to = marks.truncate_before.checked_sub(1);
            let (after, after_revision) = match start {
                ReadFrom::Start => (0, deleted_up_to),
                ReadFrom::End => (head().await?, None),
                ReadFrom::Revision(revision) => {
                    let at = reader
                        .store
                        .read_stream(&stream, Direction::Forward, ReadFrom::Revision(revision), 1)
                        .await;
                    match at {
                        Ok(events) => match events.first() {
                            Some(event) if event.revision == revision => {
                                (event.position, Some(revision).max(deleted_up_to))
                            }
                            _ => (head().await?, Some(revision)),
                        },
                        Err(StoreError::StreamNotFound { .. }) => (head().await?, Some(revision)),
                        Err(error) => return Err(from_store(&error).into()),
                    }
                }
            };
            let delivery = Delivery {
                filter: EventFilter::stream(&stream),
                stream: Some(stream),
                after_revision,
                last_revision: None,
            };
            Ok((after, delivery))
        }
    }
}

/// Refuses a stream of another district up front, before the confirmation.
async fn check_stream_visible(reader: &Reader, stream: &StreamName) -> Result<(), Stop> {
    match reader
        .store
        .read_stream(stream, Direction::Forward, ReadFrom::Start, 1)
        .await
    {
        Ok(events) => match events.first() {
            Some(event) if !can_see(&reader.caller, event) => Err(stream_denied(stream).into()),
            _ => Ok(()),
        },
        Err(StoreError::StreamNotFound { .. }) => Ok(()),
        Err(error) => Err(from_store(&error).into()),
    }
}
