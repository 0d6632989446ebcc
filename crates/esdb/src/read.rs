//! Bounded reads of one stream or of `$all`, forwards or backwards, at most
//! `count` events, page by page so a large count never loads everything at
//! once. Events the caller may not see are left out of `$all`; a stream of
//! another district is access-denied, as EventStoreDB answers a stream its
//! ACL hides.

use crate::access::can_see;
use crate::deletion;
use crate::filter::EventFilter;
use crate::mapping::{IdForm, read_event, stream_identifier};
use crate::status::{access_denied, from_store, stream_deleted};
use crate::wire::streams::{ReadResp, read_resp};
use gongzhi_eventstore::{Direction, ReadFrom, SharedEventStore, StoreError, StreamName};
use gongzhi_server::Caller;
use tokio::sync::mpsc;
use tonic::Status;

/// Events fetched from the store per query.
pub(crate) const PAGE: usize = 500;

pub(crate) type Sender = mpsc::Sender<Result<ReadResp, Status>>;

/// Why a reader stopped before the end.
pub(crate) enum Stop {
    /// The client went away.
    Closed,
    /// Ends the call with this status.
    Failed(Status),
}

impl From<Status> for Stop {
    fn from(status: Status) -> Self {
        Self::Failed(status)
    }
}

/// Where a `$all` read or subscription starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AllStart {
    Start,
    End,
    Position(u64),
}

/// What every read and subscription writes through.
pub(crate) struct Reader {
    pub store: SharedEventStore,
    pub caller: Caller,
    pub form: IdForm,
    pub tx: Sender,
}

impl Reader {
    pub(crate) async fn send(&self, content: read_resp::Content) -> Result<(), Stop> {
        self.tx
            .send(Ok(ReadResp {
                content: Some(content),
            }))
            .await
            .map_err(|_| Stop::Closed)
    }

    pub(crate) async fn send_event(
        &self,
        event: &gongzhi_eventstore::RecordedEvent,
    ) -> Result<(), Stop> {
        self.send(read_resp::Content::Event(read_event(event, self.form)))
            .await
    }
}

pub(crate) fn stream_denied(stream: &StreamName) -> Status {
    access_denied(format!(
        "stream {stream} belongs to a district the caller may not read"
    ))
}

fn not_found(stream: &StreamName) -> read_resp::Content {
    read_resp::Content::StreamNotFound(read_resp::StreamNotFound {
        stream_identifier: Some(stream_identifier(stream.as_str())),
    })
}

pub(crate) async fn read_stream(
    reader: &Reader,
    stream: &StreamName,
    direction: Direction,
    start: ReadFrom,
    count: u64,
) -> Result<(), Stop> {
    let marks = deletion::deletion(&reader.store, stream).await?;
    if marks.tombstoned {
        return Err(stream_deleted(stream.as_str()).into());
    }
    let truncate_before = marks.truncate_before;
    if truncate_before > 0 {
        let last = deletion::ends(&reader.store, stream)
            .await?
            .map(|(_, last)| last);
        if marks.visible(last).is_none() {
            return reader.send(not_found(stream)).await;
        }
    }
    let mut remaining = count;
    let mut from = match (direction, start) {
        (Direction::Forward, ReadFrom::Start) if truncate_before > 0 => {
            ReadFrom::Revision(truncate_before)
        }
        (Direction::Forward, ReadFrom::Revision(revision)) => {
            ReadFrom::Revision(revision.max(truncate_before))
        }
        _ => start,
    };
    let mut first_page = true;
    while remaining > 0 {
        let page_size = usize::try_from(remaining).unwrap_or(PAGE).min(PAGE);
        let page = match reader
            .store
            .read_stream(stream, direction, from, page_size)
            .await
        {
            Ok(page) => page,
            Err(StoreError::StreamNotFound { .. }) if first_page => {
                return reader.send(not_found(stream)).await;
            }
            Err(error) => return Err(from_store(&error).into()),
        };
        first_page = false;
        for event in &page {
            if event.revision < truncate_before {
                // Backwards past a soft delete: the rest is deleted.
                return Ok(());
            }
            if !can_see(&reader.caller, event) {
                return Err(stream_denied(stream).into());
            }
            reader.send_event(event).await?;
        }
        remaining = remaining.saturating_sub(page.len() as u64);
        let Some(last) = page.last() else {
            return Ok(());
        };
        if page.len() < page_size {
            return Ok(());
        }
        from = match direction {
            Direction::Forward => ReadFrom::Revision(last.revision.saturating_add(1)),
            Direction::Backward => match last.revision.checked_sub(1) {
                Some(revision) => ReadFrom::Revision(revision),
                None => return Ok(()),
            },
        };
    }
    Ok(())
}

/// Reads `$all`. Forwards from a position includes the event at it;
/// backwards from a position starts just before it.
pub(crate) async fn read_all(
    reader: &Reader,
    direction: Direction,
    start: AllStart,
    filter: &EventFilter,
    count: u64,
) -> Result<(), Stop> {
    let mut bound = match (direction, start) {
        (Direction::Forward, AllStart::Start) => 0,
        (Direction::Forward, AllStart::Position(position)) => position.saturating_sub(1),
        (Direction::Backward, AllStart::End) => u64::MAX,
        (Direction::Backward, AllStart::Position(position)) => position,
        (Direction::Forward, AllStart::End) | (Direction::Backward, AllStart::Start) => {
            return Ok(());
        }
    };
    let mut remaining = count;
    while remaining > 0 {
        let page = match direction {
            Direction::Forward => {
                reader
                    .store
                    .read_all(bound, filter.store_filter(), PAGE)
                    .await
            }
            Direction::Backward => {
                reader
                    .store
                    .read_all_backward(bound, filter.store_filter(), PAGE)
                    .await
            }
        }
        .map_err(|error| from_store(&error))?;
        for event in &page {
            bound = event.position;
            if remaining > 0 && filter.matches(event) && can_see(&reader.caller, event) {
                reader.send_event(event).await?;
                remaining -= 1;
            }
        }
        if page.len() < PAGE {
            break;
        }
    }
    Ok(())
}
