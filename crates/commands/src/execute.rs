use gongzhi_eventstore::{
    Direction, EventData, EventMetadata, EventStore, ExpectedRevision, ReadFrom, StoreError,
    StoreErrorKind, StreamName,
};
use gongzhi_kernel::{Decider, DecodeError, EventCodec};
use uuid::Uuid;

pub const MAX_ATTEMPTS: usize = 5;

/// Streams longer than this are read in pages of this size.
const READ_PAGE: usize = 1_000;

/// Where a command's events landed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub stream: StreamName,
    /// Revision of the stream's last event; `None` if the stream is still empty.
    pub stream_revision: Option<u64>,
    /// `$all` position of the last event written; 0 if nothing was written.
    pub position: u64,
    pub replayed: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum CommandError<E> {
    #[error("command refused: {0}")]
    Domain(E),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("stored event does not decode: {0}")]
    Decode(#[from] DecodeError),
}

/// Runs `command` against the aggregate in `stream`.
///
/// `event_id(n)` names the n-th event the command produces; it must be
/// deterministic in the request so that a retry finds its own events.
pub async fn execute<D>(
    store: &dyn EventStore,
    stream: &StreamName,
    command: D::Command,
    event_id: impl Fn(usize) -> Uuid,
    metadata: &EventMetadata,
) -> Result<Receipt, CommandError<D::Error>>
where
    D: Decider,
    D::Command: Clone,
    D::Event: EventCodec,
{
    if let Some(previous) = store.find_event(event_id(0)).await? {
        return Ok(Receipt {
            stream: previous.stream,
            stream_revision: Some(previous.revision),
            position: previous.position,
            replayed: true,
        });
    }
    let mut attempt = 0;
    loop {
        attempt += 1;
        let (state, revision) = load::<D>(store, stream).await?;
        let events = D::decide(&state, command.clone()).map_err(CommandError::Domain)?;
        if events.is_empty() {
            return Ok(Receipt {
                stream: stream.clone(),
                stream_revision: revision,
                position: 0,
                replayed: false,
            });
        }
        let expected = revision.map_or(ExpectedRevision::NoStream, ExpectedRevision::Exact);
        let data = events
            .iter()
            .enumerate()
            .map(|(n, event)| EventData {
                event_id: event_id(n),
                event_type: event.event_type().to_owned(),
                payload: event.encode(),
                metadata: metadata.clone(),
            })
            .collect();
        let started = std::time::Instant::now();
        let appended = store.append(stream, expected, data).await;
        let metrics = gongzhi_telemetry::Metrics::new();
        metrics.record_append_latency(started.elapsed(), store.backend_name());
        if matches!(&appended, Err(e) if e.kind() == StoreErrorKind::WrongExpectedRevision) {
            metrics.add_append_conflict(store.backend_name());
        }
        match appended {
            Ok(result) => {
                return Ok(Receipt {
                    stream: stream.clone(),
                    stream_revision: Some(result.next_expected_revision),
                    position: result.position,
                    replayed: false,
                });
            }
            Err(error)
                if error.kind() == StoreErrorKind::WrongExpectedRevision
                    && attempt < MAX_ATTEMPTS =>
            {
                tracing::debug!(%stream, attempt, "concurrent write, deciding again");
            }
            Err(error) => return Err(error.into()),
        }
    }
}

/// Folds a stream into state; returns the revision of its last event.
pub async fn load<D>(
    store: &dyn EventStore,
    stream: &StreamName,
) -> Result<(D::State, Option<u64>), CommandError<D::Error>>
where
    D: Decider,
    D::Event: EventCodec,
{
    let mut state = D::State::default();
    let mut revision = None;
    loop {
        let from = revision.map_or(ReadFrom::Start, |r: u64| ReadFrom::Revision(r + 1));
        let page = match store
            .read_stream(stream, Direction::Forward, from, READ_PAGE)
            .await
        {
            Ok(page) => page,
            Err(error) if error.kind() == StoreErrorKind::StreamNotFound => break,
            Err(error) => return Err(error.into()),
        };
        let full_page = page.len() == READ_PAGE;
        for recorded in &page {
            let event = D::Event::decode(&recorded.event_type, &recorded.payload)?;
            state = D::evolve(state, &event);
            revision = Some(recorded.revision);
        }
        if !full_page {
            break;
        }
    }
    Ok((state, revision))
}
