//! A running service's `/metrics`, scraped the way Prometheus does: every
//! metric the operations guide and the alert rules name is there, with the
//! labels they select on.

use crate::support::nats::{shared_nats_url, unique_prefix};
use crate::support::pg::fresh_database;
use gongzhi_cli::args::ServiceName;
use gongzhi_cli::runtime::{ServeConfig, start_serve};
use gongzhi_proto::gongzhi::platform::v1 as pb;
use gongzhi_proto::gongzhi::platform::v1::notice_service_client::NoticeServiceClient;
use gongzhi_telemetry::TelemetryConfig;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;
use tonic::Code;

const SECRET: &[u8] = b"metrics-test-secret";
const DISTRICT: &str = "500108";

/// Names as Prometheus sees them (the exporter turns dots into underscores
/// and appends units and `_total`), each with a label it must carry.
const EXPECTED: &[(&str, &str)] = &[
    (
        "gongzhi_rpc_server_duration_milliseconds_count",
        "rpc_method=\"PublishNotice\"",
    ),
    (
        "gongzhi_rpc_server_errors_total",
        "rpc_grpc_status_code=\"3\"",
    ),
    (
        "gongzhi_eventstore_append_duration_milliseconds_count",
        "backend=\"postgresql\"",
    ),
    (
        "gongzhi_eventstore_append_conflicts_total",
        "backend=\"postgresql\"",
    ),
    ("gongzhi_relay_lag", ""),
    ("gongzhi_projection_lag", "projection=\"notices\""),
    (
        "gongzhi_projection_lag_time_seconds",
        "projection=\"notices\"",
    ),
    ("gongzhi_consumer_pending", "consumer="),
    ("gongzhi_consumer_redeliveries_total", "consumer="),
    ("gongzhi_consumer_dead_letters_total", "consumer="),
];

#[tokio::test]
async fn a_scrape_shows_every_metric_the_runbook_names() -> anyhow::Result<()> {
    // Before the server starts: its layers bind to the process's meters.
    let _telemetry = gongzhi_telemetry::init(TelemetryConfig {
        filter: Some("warn".into()),
        ..TelemetryConfig::new("metrics-test")
    })?;
    let db = fresh_database().await?;
    crate::support::nats::connect(&shared_nats_url()).await?;
    let prefix = unique_prefix();
    let shutdown = CancellationToken::new();
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
            max_wait: Duration::from_secs(5),
            drain_timeout: Duration::from_secs(5),
            consumer_prefix: prefix,
            stream_replicas: 1,
            esdb: None,
        },
        shutdown.clone(),
    )
    .await?;

    let mut client = NoticeServiceClient::connect(format!("http://{}", started.addr)).await?;
    let token = token()?;
    let published = client
        .publish_notice(authorized(publish("metrics-1"), &token)?)
        .await?
        .into_inner();
    let refused = client
        .publish_notice(authorized(publish(""), &token)?)
        .await
        .err()
        .map(|status| status.code());
    assert_eq!(refused, Some(Code::InvalidArgument));
    // Read our own write: the consumer has delivered through NATS by now.
    client
        .list_notices(authorized(
            pb::ListNoticesRequest {
                district: DISTRICT.into(),
                min_position: published.receipt.map_or(0, |r| r.position),
                include_withdrawn: false,
            },
            &token,
        )?)
        .await?;

    let (content_type, body) = scrape(started.http_addr).await?;
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let missing: Vec<String> = EXPECTED
        .iter()
        .filter(|(name, label)| !has_series(&body, name, label))
        .map(|(name, label)| format!("{name}{{{label}}}"))
        .collect();
    assert!(missing.is_empty(), "missing {missing:?} in:\n{body}");
    // The alert rules and the dashboard select on names this scrape has.
    for (file, text) in [
        ("alerts.yaml", ALERTS),
        ("grafana-dashboard.json", DASHBOARD),
    ] {
        let unknown: Vec<&str> = metric_names(text)
            .filter(|name| !has_series(&body, name, ""))
            .collect();
        assert!(
            unknown.is_empty(),
            "{file} names {unknown:?}, not in:\n{body}"
        );
    }

    shutdown.cancel();
    started.task.await?
}

const ALERTS: &str = include_str!("../../../../deploy/observability/alerts.yaml");
const DASHBOARD: &str = include_str!("../../../../deploy/observability/grafana-dashboard.json");

/// Every `gongzhi_...` word of a rules file or dashboard.
fn metric_names(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|word| word.starts_with("gongzhi_"))
}

fn has_series(body: &str, name: &str, label: &str) -> bool {
    body.lines().any(|line| {
        line.strip_prefix(name)
            .is_some_and(|rest| rest.starts_with(['{', ' ']) && rest.contains(label))
    })
}

/// GET /metrics over plain HTTP/1.1: content type and body.
async fn scrape(addr: SocketAddr) -> anyhow::Result<(String, String)> {
    let mut stream = TcpStream::connect(addr).await?;
    let request = format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await?;
    let (head, body) = raw
        .split_once("\r\n\r\n")
        .ok_or_else(|| anyhow::anyhow!("no end of headers in {raw:?}"))?;
    anyhow::ensure!(head.starts_with("HTTP/1.1 200"), "{head}");
    let content_type = head
        .lines()
        .find_map(|line| {
            line.split_once(':')
                .filter(|(name, _)| name.eq_ignore_ascii_case("content-type"))
                .map(|(_, value)| value.trim().to_owned())
        })
        .unwrap_or_default();
    Ok((content_type, body.to_owned()))
}

fn token() -> anyhow::Result<String> {
    crate::support::auth::issue(SECRET, "worker-metrics", &["grid_worker"], &[DISTRICT])
}

use crate::support::auth::authorized;

fn publish(request_id: &str) -> pb::PublishNoticeRequest {
    pb::PublishNoticeRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        title: "停水通知".into(),
        body: "周三 9:00-12:00 停水".into(),
    }
}
