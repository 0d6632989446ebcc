//! The bus permissions of deploy/k8s/base/nats/auth.conf, on a real server
//! running that very file: Gongzhi's processes work with their credentials
//! from the URL; a downstream subscriber reads through its own durable
//! consumer but can neither publish into a context's stream (which would
//! break the relay's sequence chain) nor delete Gongzhi's consumers; a
//! client without credentials is refused.

use crate::support::auth::authorized;
use crate::support::nats::{NatsServer, recent_nats_server, unique_prefix};
use crate::support::pg::fresh_database;
use anyhow::Context;
use async_nats::jetstream::{self, consumer::pull};
use futures::StreamExt;
use gongzhi_bus::BusTopology;
use gongzhi_cli::args::ServiceName;
use gongzhi_cli::runtime::{ServeConfig, start_serve};
use gongzhi_proto::gongzhi::platform::v1 as pb;
use gongzhi_proto::gongzhi::platform::v1::notice_service_client::NoticeServiceClient;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

const AUTH_CONF: &str = include_str!("../../../../../deploy/k8s/base/nats/auth.conf");
const GONGZHI_PASSWORD: &str = "gz-9f2c41";
const SUBSCRIBER_PASSWORD: &str = "sub-77ab10";
const SECRET: &[u8] = b"permissions-test-secret";
const DISTRICT: &str = "500108";
const PATIENCE: Duration = Duration::from_secs(20);

/// The shipped file, its password variables defined as the Secret would.
fn server_config() -> String {
    format!(
        "GONGZHI_NATS_PASSWORD: \"{GONGZHI_PASSWORD}\"\n\
         GONGZHI_NATS_SUBSCRIBER_PASSWORD: \"{SUBSCRIBER_PASSWORD}\"\n{AUTH_CONF}"
    )
}

fn url_as(server: &NatsServer, user: &str, password: &str) -> String {
    server
        .url()
        .replacen("nats://", &format!("nats://{user}:{password}@"), 1)
}

/// A client that reports the server's asynchronous errors (permission
/// violations arrive that way, not as the publish's result).
async fn subscriber(
    server: &NatsServer,
) -> anyhow::Result<(async_nats::Client, mpsc::UnboundedReceiver<String>)> {
    let (errors, received) = mpsc::unbounded_channel();
    let client = gongzhi_bus::connect_options(&url_as(server, "subscriber", SUBSCRIBER_PASSWORD))
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .event_callback(move |event| {
            let errors = errors.clone();
            async move {
                if let async_nats::Event::ServerError(error) = event {
                    let _ = errors.send(error.to_string());
                }
            }
        })
        .connect(server.url())
        .await?;
    Ok((client, received))
}

async fn next_violation(errors: &mut mpsc::UnboundedReceiver<String>) -> anyhow::Result<String> {
    let error = tokio::time::timeout(PATIENCE, errors.recv())
        .await
        .context("no permissions violation reported")?
        .context("error channel closed")?;
    anyhow::ensure!(error.contains("Permissions Violation"), "{error}");
    Ok(error)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribers_read_but_cannot_write_into_or_break_the_bus() -> anyhow::Result<()> {
    let server = NatsServer::start_with(recent_nats_server()?, Some(server_config())).await?;
    let db = fresh_database().await?;
    let prefix = unique_prefix();
    let shutdown = CancellationToken::new();
    let started = start_serve(
        ServeConfig {
            services: vec![ServiceName::Platform],
            database_url: db.url.clone(),
            nats_url: url_as(&server, "gongzhi", GONGZHI_PASSWORD),
            subject_prefix: prefix.clone(),
            listen: "127.0.0.1:0".parse()?,
            http_listen: "127.0.0.1:0".parse()?,
            jwt_secret: SECRET.to_vec(),
            master_key: None,
            max_wait: PATIENCE,
            drain_timeout: Duration::from_secs(5),
            consumer_prefix: prefix.clone(),
            stream_replicas: 1,
            esdb: None,
        },
        shutdown.clone(),
    )
    .await?;

    // Gongzhi with its credentials: command, relay, consumer, read model.
    let mut client = NoticeServiceClient::connect(format!("http://{}", started.addr)).await?;
    let token = crate::support::auth::issue(SECRET, "worker-1", &["grid_worker"], &[DISTRICT])?;
    let published = client
        .publish_notice(authorized(
            pb::PublishNoticeRequest {
                request_id: "perm-1".into(),
                district: DISTRICT.into(),
                title: "停水".into(),
                body: "周三".into(),
            },
            &token,
        )?)
        .await?
        .into_inner();
    let position = published.receipt.map_or(0, |r| r.position);
    let listed = client
        .list_notices(authorized(
            pb::ListNoticesRequest {
                district: DISTRICT.into(),
                min_position: position,
                include_withdrawn: true,
            },
            &token,
        )?)
        .await?
        .into_inner();
    assert_eq!(listed.notices.len(), 1, "read back through the bus");

    // A subscriber reads the event through its own durable pull consumer.
    let (reader, mut violations) = subscriber(&server).await?;
    let js = jetstream::new(reader.clone());
    let topology = BusTopology::with_prefix(&prefix);
    let stream_name = topology.context_stream_name(gongzhi_platform::CONTEXT);
    let mut stream = js.get_stream(&stream_name).await?;
    let before = stream.info().await?.state.messages;
    assert_eq!(before, 1);
    let consumer: jetstream::consumer::Consumer<pull::Config> = stream
        .get_or_create_consumer(
            "downstream-audit",
            pull::Config {
                durable_name: Some("downstream-audit".into()),
                ..Default::default()
            },
        )
        .await?;
    let mut messages = consumer
        .fetch()
        .max_messages(1)
        .expires(PATIENCE)
        .messages()
        .await?;
    let message = tokio::time::timeout(PATIENCE, messages.next())
        .await
        .context("no event delivered")?
        .context("fetch ended")?
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    assert!(message.subject.starts_with(&format!("{prefix}.platform.")));
    message.ack().await.map_err(|e| anyhow::anyhow!("{e}"))?;

    // Publishing into the context's stream is refused and stores nothing.
    reader
        .publish(
            format!("{prefix}.platform.{DISTRICT}.notice.Forged"),
            "x".into(),
        )
        .await?;
    reader.flush().await?;
    let violation = next_violation(&mut violations).await?;
    assert!(violation.contains("Publish"), "{violation}");
    assert_eq!(stream.info().await?.state.messages, before);

    // Gongzhi's own consumers cannot be deleted by a subscriber.
    let gongzhi_consumers: Vec<String> = stream
        .consumer_names()
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    let theirs = gongzhi_consumers
        .iter()
        .find(|name| name.starts_with(&prefix))
        .context("gongzhi's durable consumer exists")?
        .clone();
    reader
        .publish(
            format!("$JS.API.CONSUMER.DELETE.{stream_name}.{theirs}"),
            "".into(),
        )
        .await?;
    reader.flush().await?;
    next_violation(&mut violations).await?;
    assert!(stream.consumer_info(&theirs).await.is_ok(), "still there");

    // No credentials, no connection.
    let anonymous = async_nats::ConnectOptions::new()
        .connect(server.url())
        .await;
    assert!(anonymous.is_err(), "a client without credentials connected");

    shutdown.cancel();
    started.task.await??;
    Ok(())
}
