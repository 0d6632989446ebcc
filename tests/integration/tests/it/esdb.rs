//! The EventStoreDB surface of a served `gongzhi`, through its own gRPC
//! client: every refused write leaves the store's head where it was, and
//! discovery answers without a token. The real KurrentDB client's tests are
//! in `tests/kurrentdb` (another tonic line).

use crate::support::auth::{Bearer, issue};
use crate::support::nats::{shared_nats_url, unique_prefix};
use crate::support::pg::{TestDb, fresh_database};
use anyhow::Context;
use gongzhi_cli::args::ServiceName;
use gongzhi_cli::esdb::EsdbSettings;
use gongzhi_cli::runtime::{ServeConfig, Started, start_serve};
use gongzhi_esdb::wire::gossip::gossip_client::GossipClient;
use gongzhi_esdb::wire::server_features::server_features_client::ServerFeaturesClient;
use gongzhi_esdb::wire::streams::streams_client::StreamsClient;
use gongzhi_esdb::wire::streams::{
    AppendReq, AppendResp, DeleteReq, TombstoneReq, append_req, append_resp, delete_req,
    tombstone_req,
};
use gongzhi_esdb::wire::{Empty, StreamIdentifier, Uuid as WireUuid, uuid as wire_uuid};
use gongzhi_esdb::{WRITER_ROLE, Writes};
use std::collections::HashMap;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;

const SECRET: &[u8] = b"esdb-surface-test-secret";

struct Served {
    _db: TestDb,
    started: Started,
    shutdown: CancellationToken,
}

impl Served {
    async fn start(writes: Writes) -> anyhow::Result<Self> {
        let db = fresh_database().await?;
        let shutdown = CancellationToken::new();
        let prefix = unique_prefix();
        let started = start_serve(
            ServeConfig {
                services: vec![ServiceName::Platform],
                database_url: db.url.clone(),
                nats_url: shared_nats_url(),
                subject_prefix: prefix.clone(),
                listen: "127.0.0.1:0".parse()?,
                http_listen: "127.0.0.1:0".parse()?,
                jwt_secret: SECRET.to_vec(),
                master_key: None,
                max_wait: Duration::from_secs(2),
                drain_timeout: Duration::from_secs(5),
                consumer_prefix: prefix,
                stream_replicas: 1,
                esdb: Some(EsdbSettings {
                    listen: "127.0.0.1:0".parse()?,
                    writes,
                }),
            },
            shutdown.clone(),
        )
        .await?;
        Ok(Self {
            _db: db,
            started,
            shutdown,
        })
    }

    fn endpoint(&self) -> anyhow::Result<String> {
        let addr = self
            .started
            .esdb_addr
            .context("the surface is not served")?;
        Ok(format!("http://{addr}"))
    }

    async fn streams(&self) -> anyhow::Result<StreamsClient<Channel>> {
        Ok(StreamsClient::connect(self.endpoint()?).await?)
    }

    async fn head(&self) -> anyhow::Result<u64> {
        Ok(self.started.store.head_position().await?)
    }

    async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        self.started.task.await?
    }
}

fn identifier(stream: &str) -> Option<StreamIdentifier> {
    Some(StreamIdentifier {
        stream_name: stream.as_bytes().to_vec(),
    })
}

/// The messages of an append of one event with expected revision "any".
fn append_messages(stream: &str, event_type: &str, custom: &str) -> Vec<AppendReq> {
    let options = append_req::Options {
        stream_identifier: identifier(stream),
        expected_stream_revision: Some(append_req::options::ExpectedStreamRevision::Any(Empty {})),
    };
    let event = append_req::ProposedMessage {
        id: Some(WireUuid {
            value: Some(wire_uuid::Value::String(uuid::Uuid::new_v4().to_string())),
        }),
        metadata: HashMap::from([
            ("type".to_owned(), event_type.to_owned()),
            ("content-type".to_owned(), "application/json".to_owned()),
        ]),
        custom_metadata: custom.as_bytes().to_vec(),
        data: br#"{"n":1}"#.to_vec(),
    };
    vec![
        AppendReq {
            content: Some(append_req::Content::Options(options)),
        },
        AppendReq {
            content: Some(append_req::Content::ProposedMessage(event)),
        },
    ]
}

/// One append as the service answers it: only its own status, the token
/// checked by the caller.
async fn try_append(
    client: &mut StreamsClient<Channel>,
    bearer: &Bearer,
    messages: Vec<AppendReq>,
) -> Result<AppendResp, tonic::Status> {
    let answer = client
        .append(bearer.on(futures::stream::iter(messages)))
        .await?;
    Ok(answer.into_inner())
}

async fn append(
    client: &mut StreamsClient<Channel>,
    token: &str,
    messages: Vec<AppendReq>,
) -> anyhow::Result<append_resp::Result> {
    try_append(client, &Bearer::new(token)?, messages)
        .await?
        .result
        .context("append answered without a result")
}

fn stream(category: &str) -> String {
    format!("{category}-{}", uuid::Uuid::new_v4().simple())
}

fn assert_denied<T: std::fmt::Debug>(result: Result<T, tonic::Status>) -> anyhow::Result<()> {
    match result {
        Err(status) if status.code() == tonic::Code::PermissionDenied => {
            let exception = status.metadata().get("exception").map(|v| v.to_str());
            anyhow::ensure!(
                matches!(exception, Some(Ok("access-denied"))),
                "no access-denied exception on {status:?}"
            );
            Ok(())
        }
        other => anyhow::bail!("expected access-denied, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_writes_leave_the_store_unchanged() -> anyhow::Result<()> {
    let served = Served::start(Writes::External).await?;
    let mut client = served.streams().await?;
    let writer = issue(SECRET, "writer", &[WRITER_ROLE], &["500108"])?;
    let neighbour = issue(SECRET, "neighbour", &[WRITER_ROLE], &["500103"])?;
    let reader = issue(SECRET, "reader", &[], &["500108"])?;
    let order = stream("order");
    let written = append(
        &mut client,
        &writer,
        append_messages(&order, "OrderPlaced", ""),
    )
    .await?;
    anyhow::ensure!(matches!(written, append_resp::Result::Success(_)));
    let head = served.head().await?;

    let refusals = [
        (
            &writer,
            append_messages(&stream("resident"), "Registered", ""),
        ),
        (
            &writer,
            append_messages(&order, "gongzhi.platform.v1.NoticePublished", ""),
        ),
        (&reader, append_messages(&order, "OrderPaid", "")),
        (&neighbour, append_messages(&order, "OrderPaid", "")),
        (
            &writer,
            append_messages(&stream("order"), "OrderPlaced", r#"{"district":"500103"}"#),
        ),
    ];
    for (token, messages) in refusals {
        assert_denied(try_append(&mut client, &Bearer::new(token)?, messages).await)?;
        anyhow::ensure!(served.head().await? == head, "a refused append wrote");
    }

    let deletes = [
        (&writer, stream("resident")),
        (&reader, order.clone()),
        (&neighbour, order.clone()),
    ];
    for (token, target) in deletes {
        let delete = DeleteReq {
            options: Some(delete_req::Options {
                stream_identifier: identifier(&target),
                expected_stream_revision: Some(delete_req::options::ExpectedStreamRevision::Any(
                    Empty {},
                )),
            }),
        };
        let mut request = tonic::Request::new(delete);
        request
            .metadata_mut()
            .insert("authorization", format!("Bearer {token}").parse()?);
        assert_denied(client.delete(request).await)?;
        let tombstone = TombstoneReq {
            options: Some(tombstone_req::Options {
                stream_identifier: identifier(&target),
                expected_stream_revision: None,
            }),
        };
        let mut request = tonic::Request::new(tombstone);
        request
            .metadata_mut()
            .insert("authorization", format!("Bearer {token}").parse()?);
        assert_denied(client.tombstone(request).await)?;
    }
    anyhow::ensure!(served.head().await? == head, "a refused delete wrote");
    served.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_surface_refuses_every_append() -> anyhow::Result<()> {
    let served = Served::start(Writes::Off).await?;
    let mut client = served.streams().await?;
    let admin = issue(SECRET, "admin", &[WRITER_ROLE, "city_admin"], &["500108"])?;
    let refused = try_append(
        &mut client,
        &Bearer::new(&admin)?,
        append_messages(&stream("order"), "OrderPlaced", ""),
    )
    .await;
    assert_denied(refused)?;
    anyhow::ensure!(served.head().await? == 0, "the read-only surface wrote");
    served.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_answers_without_a_token() -> anyhow::Result<()> {
    let served = Served::start(Writes::Off).await?;
    let endpoint = served.endpoint()?;
    let features = ServerFeaturesClient::connect(endpoint.clone())
        .await?
        .get_supported_methods(Empty {})
        .await?
        .into_inner();
    let methods: Vec<(String, String)> = features
        .methods
        .iter()
        .map(|m| (m.service_name.clone(), m.method_name.clone()))
        .collect();
    let streams = "event_store.client.streams.streams".to_owned();
    anyhow::ensure!(methods.contains(&(streams.clone(), "read".to_owned())));
    anyhow::ensure!(methods.contains(&(streams.clone(), "append".to_owned())));
    anyhow::ensure!(!methods.contains(&(streams, "batchappend".to_owned())));
    let members = GossipClient::connect(endpoint)
        .await?
        .read(Empty {})
        .await?
        .into_inner()
        .members;
    anyhow::ensure!(members.len() == 1 && members[0].is_alive);
    let port = members[0].http_end_point.as_ref().map(|e| e.port);
    anyhow::ensure!(port == served.started.esdb_addr.map(|a| u32::from(a.port())));
    served.stop().await
}

/// `gongzhi dev` serves the surface over its SQLite store: an append, then
/// `$all` read backwards from the end finds it first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_mode_serves_the_surface_over_sqlite() -> anyhow::Result<()> {
    use futures::StreamExt;
    use gongzhi_cli::runtime::{DevConfig, start_dev};
    use gongzhi_esdb::wire::streams::read_req::{Options, options};
    use gongzhi_esdb::wire::streams::{ReadReq, read_resp};

    let dir = tempfile::tempdir()?;
    let shutdown = CancellationToken::new();
    let dev = start_dev(
        DevConfig {
            data_dir: dir.path().to_path_buf(),
            listen: "127.0.0.1:0".parse()?,
            http_listen: "127.0.0.1:0".parse()?,
            esdb: Some(EsdbSettings {
                listen: "127.0.0.1:0".parse()?,
                writes: Writes::External,
            }),
        },
        shutdown.clone(),
    )
    .await?;
    let addr = dev
        .started
        .esdb_addr
        .context("dev does not serve the surface")?;
    let mut client = StreamsClient::connect(format!("http://{addr}")).await?;
    let order = stream("order");
    let written = append(
        &mut client,
        &dev.token,
        append_messages(&order, "OrderPlaced", ""),
    )
    .await?;
    anyhow::ensure!(
        matches!(written, append_resp::Result::Success(_)),
        "{written:?}"
    );

    let read = ReadReq {
        options: Some(Options {
            stream_option: Some(options::StreamOption::All(options::AllOptions {
                all_option: Some(options::all_options::AllOption::End(Empty {})),
            })),
            read_direction: options::ReadDirection::Backwards as i32,
            resolve_links: false,
            count_option: Some(options::CountOption::Count(1)),
            filter_option: Some(options::FilterOption::NoFilter(Empty {})),
            uuid_option: None,
            control_option: None,
        }),
    };
    let mut request = tonic::Request::new(read);
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {}", dev.token).parse()?);
    let mut responses = client.read(request).await?.into_inner();
    let first = responses.next().await.context("no answer")??;
    let Some(read_resp::Content::Event(event)) = first.content else {
        anyhow::bail!("expected an event, got {first:?}");
    };
    let recorded = event.event.context("no recorded event")?;
    anyhow::ensure!(recorded.stream_identifier == identifier(&order));
    anyhow::ensure!(
        recorded.metadata.get("content-type").map(String::as_str) == Some("application/json")
    );
    anyhow::ensure!(
        responses.next().await.is_none(),
        "more than the one event asked for"
    );
    shutdown.cancel();
    dev.started.task.await?
}
