//! The `Streams` service: thin adapters from the wire to [`crate::read`],
//! [`crate::subscribe`] and [`crate::append`]. Reads and subscriptions run
//! in a task per call that writes into the response stream; it ends when
//! the read is done, the client goes away, or the server shuts down.

use crate::append::stream_name;
use crate::filter::EventFilter;
use crate::mapping::IdForm;
use crate::read::{AllStart, Reader, Stop};
use crate::status::invalid;
use crate::subscribe::{self, Target};
use crate::wire::streams::read_req::options::{
    self as read_options, CountOption, StreamOption, all_options, stream_options, uuid_option,
};
use crate::wire::streams::{
    AppendReq, AppendResp, DeleteReq, DeleteResp, ReadReq, ReadResp, TombstoneReq, TombstoneResp,
    delete_resp, streams_server, tombstone_resp,
};
use crate::{EsdbConfig, deletion, read};
use gongzhi_eventstore::{Direction, ExpectedRevision, ReadFrom, SharedEventStore, StreamName};
use gongzhi_server::{Caller, CancellationToken};
use std::sync::Arc;
use tokio::sync::{Semaphore, mpsc};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

/// Responses buffered per call before the reader waits for the client.
const BUFFERED_RESPONSES: usize = 64;

/// Live subscriptions served at once by one process. On PostgreSQL each
/// holds a pooled connection for `LISTEN` while live; the cap keeps the
/// pool (16) for commands, queries and the relays.
pub const MAX_SUBSCRIPTIONS: usize = 8;

pub(crate) struct StreamsGrpc {
    store: SharedEventStore,
    config: Arc<EsdbConfig>,
    shutdown: CancellationToken,
    subscriptions: Arc<Semaphore>,
}

impl StreamsGrpc {
    pub(crate) fn new(
        store: SharedEventStore,
        config: Arc<EsdbConfig>,
        shutdown: CancellationToken,
    ) -> Self {
        Self {
            store,
            config,
            shutdown,
            subscriptions: Arc::new(Semaphore::new(MAX_SUBSCRIPTIONS)),
        }
    }
}

/// What a `Read` asks for, checked before anything runs.
enum Plan {
    ReadStream {
        stream: StreamName,
        direction: Direction,
        start: ReadFrom,
        count: u64,
    },
    ReadAll {
        direction: Direction,
        start: AllStart,
        filter: EventFilter,
        count: u64,
    },
    Subscribe(Target),
}

fn plan(options: crate::wire::streams::read_req::Options) -> Result<(Plan, IdForm), Status> {
    let form = match options.uuid_option.and_then(|o| o.content) {
        Some(uuid_option::Content::Structured(_)) => IdForm::Structured,
        Some(uuid_option::Content::String(_)) | None => IdForm::String,
    };
    let direction = match read_options::ReadDirection::try_from(options.read_direction) {
        Ok(read_options::ReadDirection::Forwards) => Direction::Forward,
        Ok(read_options::ReadDirection::Backwards) => Direction::Backward,
        Err(_) => return Err(invalid("unknown read direction")),
    };
    let count = match options.count_option {
        Some(CountOption::Count(count)) => Some(count),
        Some(CountOption::Subscription(_)) => None,
        None => return Err(invalid("a read needs a count or subscription option")),
    };
    let plan = match options.stream_option {
        Some(StreamOption::Stream(stream_options)) => {
            let stream = stream_name(stream_options.stream_identifier.as_ref())?;
            let start = match stream_options.revision_option {
                Some(stream_options::RevisionOption::Revision(revision)) => {
                    ReadFrom::Revision(revision)
                }
                Some(stream_options::RevisionOption::Start(_)) | None => ReadFrom::Start,
                Some(stream_options::RevisionOption::End(_)) => ReadFrom::End,
            };
            match count {
                Some(count) => Plan::ReadStream {
                    stream,
                    direction,
                    start,
                    count,
                },
                None => Plan::Subscribe(Target::Stream { stream, start }),
            }
        }
        Some(StreamOption::All(all)) => {
            let start = match all.all_option {
                Some(all_options::AllOption::Position(position)) => {
                    AllStart::Position(position.commit_position)
                }
                Some(all_options::AllOption::Start(_)) | None => AllStart::Start,
                Some(all_options::AllOption::End(_)) => AllStart::End,
            };
            let filter = EventFilter::from_wire(options.filter_option.as_ref())?;
            match count {
                Some(count) => Plan::ReadAll {
                    direction,
                    start,
                    filter,
                    count,
                },
                None => Plan::Subscribe(Target::All { start, filter }),
            }
        }
        None => return Err(invalid("a read names a stream or $all")),
    };
    if matches!(plan, Plan::Subscribe(_)) && direction == Direction::Backward {
        return Err(invalid("subscriptions read forwards"));
    }
    Ok((plan, form))
}

fn caller<T>(request: &Request<T>) -> Result<Caller, Status> {
    Caller::from_request(request).map_err(Status::from)
}

#[tonic::async_trait]
impl streams_server::Streams for StreamsGrpc {
    type ReadStream = ReceiverStream<Result<ReadResp, Status>>;

    async fn read(&self, request: Request<ReadReq>) -> Result<Response<Self::ReadStream>, Status> {
        let caller = caller(&request)?;
        let options = request
            .into_inner()
            .options
            .ok_or_else(|| invalid("a read needs options"))?;
        let (plan, form) = plan(options)?;
        let permit = match plan {
            Plan::Subscribe(_) => Some(self.subscriptions.clone().try_acquire_owned().map_err(
                |_| {
                    Status::resource_exhausted(format!(
                        "this server already serves {MAX_SUBSCRIPTIONS} subscriptions; retry later or use another replica"
                    ))
                },
            )?),
            _ => None,
        };
        let (tx, rx) = mpsc::channel(BUFFERED_RESPONSES);
        let reader = Reader {
            store: self.store.clone(),
            caller,
            form,
            tx,
        };
        let shutdown = self.shutdown.clone();
        // Ends with the read, when the client goes away (sends fail) or on
        // shutdown; an error becomes the call's final status.
        tokio::spawn(async move {
            let outcome = match plan {
                Plan::ReadStream {
                    stream,
                    direction,
                    start,
                    count,
                } => read::read_stream(&reader, &stream, direction, start, count).await,
                Plan::ReadAll {
                    direction,
                    start,
                    filter,
                    count,
                } => read::read_all(&reader, direction, start, &filter, count).await,
                Plan::Subscribe(target) => subscribe::subscribe(&reader, target, shutdown).await,
            };
            if let Err(Stop::Failed(status)) = outcome {
                // The client may be gone already; nothing left to tell then.
                let _ = reader.tx.send(Err(status)).await;
            }
            drop(permit);
        });
        Ok(Response::new(ReceiverStream::new(rx)))
    }

    async fn append(
        &self,
        request: Request<Streaming<AppendReq>>,
    ) -> Result<Response<AppendResp>, Status> {
        let caller = caller(&request)?;
        let answer =
            crate::append::append(&self.store, &self.config, &caller, request.into_inner()).await?;
        Ok(Response::new(answer))
    }

    async fn delete(&self, request: Request<DeleteReq>) -> Result<Response<DeleteResp>, Status> {
        use crate::wire::streams::delete_req::options::ExpectedStreamRevision as Wire;
        let caller = caller(&request)?;
        let options = request
            .into_inner()
            .options
            .ok_or_else(|| invalid("a delete needs options"))?;
        let stream = stream_name(options.stream_identifier.as_ref())?;
        let expected = match options.expected_stream_revision {
            Some(Wire::Revision(revision)) => ExpectedRevision::Exact(revision),
            Some(Wire::NoStream(_)) => ExpectedRevision::NoStream,
            Some(Wire::StreamExists(_)) => ExpectedRevision::StreamExists,
            Some(Wire::Any(_)) | None => ExpectedRevision::Any,
        };
        let position =
            deletion::delete(&self.store, &self.config, &caller, &stream, expected, false).await?;
        Ok(Response::new(DeleteResp {
            position_option: Some(delete_resp::PositionOption::Position(
                delete_resp::Position {
                    commit_position: position,
                    prepare_position: position,
                },
            )),
        }))
    }

    async fn tombstone(
        &self,
        request: Request<TombstoneReq>,
    ) -> Result<Response<TombstoneResp>, Status> {
        use crate::wire::streams::tombstone_req::options::ExpectedStreamRevision as Wire;
        let caller = caller(&request)?;
        let options = request
            .into_inner()
            .options
            .ok_or_else(|| invalid("a tombstone needs options"))?;
        let stream = stream_name(options.stream_identifier.as_ref())?;
        let expected = match options.expected_stream_revision {
            Some(Wire::Revision(revision)) => ExpectedRevision::Exact(revision),
            Some(Wire::NoStream(_)) => ExpectedRevision::NoStream,
            Some(Wire::StreamExists(_)) => ExpectedRevision::StreamExists,
            Some(Wire::Any(_)) | None => ExpectedRevision::Any,
        };
        let position =
            deletion::delete(&self.store, &self.config, &caller, &stream, expected, true).await?;
        Ok(Response::new(TombstoneResp {
            position_option: Some(tombstone_resp::PositionOption::Position(
                tombstone_resp::Position {
                    commit_position: position,
                    prepare_position: position,
                },
            )),
        }))
    }
}
