//! The platform end to end, started the way `gongzhi serve` starts it:
//! gRPC command -> PostgreSQL store -> relay -> NATS JetStream -> durable
//! consumer -> projection -> gRPC query that reads its own write. And the
//! same in the embedded `gongzhi dev` mode.

mod replicas;
mod tls;

use crate::support::nats::{shared_nats_url, unique_prefix};
use crate::support::pg::{TestDb, fresh_database};
use gongzhi_cli::args::ServiceName;
use gongzhi_cli::runtime::{DevConfig, ServeConfig, Started, start_dev, start_serve};
use gongzhi_proto::gongzhi::platform::v1 as pb;
use gongzhi_proto::gongzhi::platform::v1::notice_service_client::NoticeServiceClient;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;
use tonic::{Code, Request};
use tonic_types::StatusExt;

const SECRET: &[u8] = b"platform-test-secret";
const DISTRICT: &str = "500108";

struct Platform {
    _db: TestDb,
    started: Started,
    shutdown: CancellationToken,
}

impl Platform {
    async fn start() -> anyhow::Result<Self> {
        Self::start_with_nats(&shared_nats_url()).await
    }

    async fn start_with_nats(nats_url: &str) -> anyhow::Result<Self> {
        Self::start_with(nats_url, 1).await
    }

    async fn start_with(nats_url: &str, stream_replicas: usize) -> anyhow::Result<Self> {
        let db = fresh_database().await?;
        if nats_url == shared_nats_url() {
            // Also sweeps streams that earlier runs left behind.
            crate::support::nats::connect(nats_url).await?;
        }
        let shutdown = CancellationToken::new();
        let prefix = unique_prefix();
        let started = start_serve(
            ServeConfig {
                services: vec![ServiceName::Platform],
                database_url: db.url.clone(),
                nats_url: nats_url.to_owned(),
                subject_prefix: prefix.clone(),
                listen: "127.0.0.1:0".parse()?,
                http_listen: "127.0.0.1:0".parse()?,
                jwt_secret: SECRET.to_vec(),
                master_key: None,
                max_wait: Duration::from_secs(2),
                drain_timeout: Duration::from_secs(5),
                consumer_prefix: prefix,
                stream_replicas,
                esdb: None,
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

    async fn client(&self) -> anyhow::Result<NoticeServiceClient<Channel>> {
        Ok(NoticeServiceClient::connect(format!("http://{}", self.started.addr)).await?)
    }

    async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        self.started.task.await?
    }
}

fn token(districts: &[&str]) -> anyhow::Result<String> {
    crate::support::auth::issue(SECRET, "worker-7", &["grid_worker"], districts)
}

use crate::support::auth::authorized;

fn publish(request_id: &str, title: &str) -> pb::PublishNoticeRequest {
    pb::PublishNoticeRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        title: title.into(),
        body: "周三 9:00-12:00 停水".into(),
    }
}

fn list(min_position: u64) -> pb::ListNoticesRequest {
    pb::ListNoticesRequest {
        district: DISTRICT.into(),
        min_position,
        include_withdrawn: true,
    }
}

#[tokio::test]
async fn a_command_is_read_back_through_nats() -> anyhow::Result<()> {
    let platform = Platform::start().await?;
    let mut client = platform.client().await?;
    let token = token(&[DISTRICT])?;
    let published = client
        .publish_notice(authorized(publish("req-1", "停水通知"), &token)?)
        .await?
        .into_inner();
    let receipt = published
        .receipt
        .ok_or_else(|| anyhow::anyhow!("no receipt"))?;
    assert!(receipt.position > 0 && !receipt.replayed);

    let listed = client
        .list_notices(authorized(list(receipt.position), &token)?)
        .await?
        .into_inner();
    assert!(listed.position >= receipt.position);
    assert_eq!(listed.notices.len(), 1);
    assert_eq!(listed.notices[0].notice_id, published.notice_id);
    assert_eq!(listed.notices[0].title, "停水通知");
    assert_eq!(listed.notices[0].published_by, "worker-7");

    let withdraw = pb::WithdrawNoticeRequest {
        request_id: "req-2".into(),
        district: DISTRICT.into(),
        notice_id: published.notice_id.clone(),
        reason: "已恢复供水".into(),
    };
    let withdrawn = client
        .withdraw_notice(authorized(withdraw, &token)?)
        .await?
        .into_inner();
    let position = withdrawn.receipt.map_or(0, |r| r.position);
    let listed = client
        .list_notices(authorized(list(position), &token)?)
        .await?
        .into_inner();
    assert!(
        listed.notices[0].withdrawn,
        "the withdrawal is visible to the query that waited for it"
    );
    platform.stop().await
}

#[tokio::test]
async fn a_retried_request_id_is_answered_without_writing_again() -> anyhow::Result<()> {
    let platform = Platform::start().await?;
    let mut client = platform.client().await?;
    let token = token(&[DISTRICT])?;
    let first = client
        .publish_notice(authorized(publish("same-request", "a"), &token)?)
        .await?
        .into_inner();
    let head = platform.started.store.head_position().await?;
    let second = client
        .publish_notice(authorized(publish("same-request", "a"), &token)?)
        .await?
        .into_inner();
    assert_eq!(first.notice_id, second.notice_id);
    assert_eq!(
        second.receipt.map(|r| (r.position, r.replayed)),
        first.receipt.map(|r| (r.position, true))
    );
    assert_eq!(
        platform.started.store.head_position().await?,
        head,
        "nothing new was written"
    );
    platform.stop().await
}

#[tokio::test]
async fn bad_input_gets_field_violations_and_writes_nothing() -> anyhow::Result<()> {
    let platform = Platform::start().await?;
    let mut client = platform.client().await?;
    let token = token(&[DISTRICT])?;
    client
        .publish_notice(authorized(publish("ok-1", "kept"), &token)?)
        .await?;
    let head = platform.started.store.head_position().await?;

    let bad = pb::PublishNoticeRequest {
        request_id: "bad-1".into(),
        district: "50010".into(),
        title: "   ".into(),
        body: "x".repeat(20_001),
    };
    let status = client
        .publish_notice(authorized(bad, &token)?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("bad input was accepted"))?;
    assert_eq!(status.code(), Code::InvalidArgument);
    let violations = status
        .get_details_bad_request()
        .map(|b| b.field_violations)
        .unwrap_or_default();
    let mut fields: Vec<_> = violations.iter().map(|v| v.field.as_str()).collect();
    fields.sort_unstable();
    assert_eq!(fields, vec!["body", "district", "title"]);

    let no_request_id = client
        .publish_notice(authorized(publish("", "t"), &token)?)
        .await;
    let status = no_request_id
        .err()
        .ok_or_else(|| anyhow::anyhow!("missing request_id was accepted"))?;
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        status
            .get_details_bad_request()
            .map(|b| b.field_violations[0].field.clone()),
        Some("request_id".to_owned())
    );

    let not_a_uuid = pb::WithdrawNoticeRequest {
        request_id: "bad-2".into(),
        district: DISTRICT.into(),
        notice_id: "../etc".into(),
        reason: "r".into(),
    };
    let status = client
        .withdraw_notice(authorized(not_a_uuid, &token)?)
        .await
        .err();
    assert_eq!(status.map(|s| s.code()), Some(Code::InvalidArgument));

    assert_eq!(
        platform.started.store.head_position().await?,
        head,
        "refused input wrote nothing"
    );
    let listed = client
        .list_notices(authorized(list(head), &token)?)
        .await?
        .into_inner();
    assert_eq!(
        listed.notices.len(),
        1,
        "what was there before is still there"
    );
    platform.stop().await
}

#[tokio::test]
async fn domain_rules_and_tenancy_have_their_own_codes() -> anyhow::Result<()> {
    let platform = Platform::start().await?;
    let mut client = platform.client().await?;
    let token = token(&[DISTRICT])?;
    let published = client
        .publish_notice(authorized(publish("p-1", "n"), &token)?)
        .await?
        .into_inner();
    let withdraw = |request_id: &str, notice_id: &str| pb::WithdrawNoticeRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        notice_id: notice_id.into(),
        reason: "done".into(),
    };
    client
        .withdraw_notice(authorized(withdraw("w-1", &published.notice_id), &token)?)
        .await?;
    let again = client
        .withdraw_notice(authorized(withdraw("w-2", &published.notice_id), &token)?)
        .await
        .err();
    let again = again.ok_or_else(|| anyhow::anyhow!("second withdrawal accepted"))?;
    assert_eq!(again.code(), Code::FailedPrecondition);
    assert_eq!(
        again.get_details_error_info().map(|i| i.reason),
        Some("NOTICE_ALREADY_WITHDRAWN".to_owned())
    );

    let unknown = uuid::Uuid::new_v4().to_string();
    let missing = client
        .withdraw_notice(authorized(withdraw("w-3", &unknown), &token)?)
        .await
        .err();
    assert_eq!(missing.map(|s| s.code()), Some(Code::NotFound));

    let mut elsewhere = publish("p-2", "n");
    elsewhere.district = "110101".into();
    let denied = client
        .publish_notice(authorized(elsewhere, &token)?)
        .await
        .err();
    assert_eq!(denied.map(|s| s.code()), Some(Code::PermissionDenied));

    let anonymous = client
        .publish_notice(Request::new(publish("p-3", "n")))
        .await
        .err();
    assert_eq!(anonymous.map(|s| s.code()), Some(Code::Unauthenticated));
    platform.stop().await
}

#[tokio::test]
async fn with_nats_unreachable_commands_succeed_and_waiting_queries_time_out_clearly()
-> anyhow::Result<()> {
    // A port nobody listens on: the relay and the consumers keep retrying.
    let unused = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let platform = Platform::start_with_nats(&format!("nats://{unused}")).await?;
    let mut client = platform.client().await?;
    let token = token(&[DISTRICT])?;
    let published = client
        .publish_notice(authorized(publish("p-1", "n"), &token)?)
        .await?
        .into_inner();
    let position = published.receipt.map_or(0, |r| r.position);
    assert!(position > 0, "the command succeeded without NATS");

    let status = client
        .list_notices(authorized(list(position), &token)?)
        .await
        .err();
    let status = status.ok_or_else(|| anyhow::anyhow!("query answered without its write"))?;
    assert_eq!(status.code(), Code::DeadlineExceeded);
    assert!(
        status.message().contains(&position.to_string()),
        "{}",
        status.message()
    );
    // Without min_position the query answers at once from what it has.
    let listed = client
        .list_notices(authorized(list(0), &token)?)
        .await?
        .into_inner();
    assert!(listed.notices.is_empty());
    platform.stop().await
}

#[tokio::test]
async fn a_relay_stopped_by_its_configuration_stops_the_process_failing() -> anyhow::Result<()> {
    // Three copies of each stream on a single, unclustered server: no retry
    // fixes that, so the process must stop and say so, not exit as if asked.
    let platform = Platform::start_with(&shared_nats_url(), 3).await?;
    let ended = tokio::time::timeout(Duration::from_secs(60), platform.started.task).await;
    let error = match ended {
        Err(_) => anyhow::bail!("the process kept running with a relay that cannot start"),
        Ok(joined) => match joined? {
            Ok(()) => anyhow::bail!("the process ended successfully"),
            Err(error) => format!("{error:#}"),
        },
    };
    assert!(error.contains("the relay stopped"), "{error}");
    assert!(error.contains("replica"), "{error}");
    Ok(())
}

#[tokio::test]
async fn the_embedded_mode_reads_its_own_writes_without_nats_or_postgres() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let shutdown = CancellationToken::new();
    let dev = start_dev(
        DevConfig {
            data_dir: dir.path().to_path_buf(),
            listen: "127.0.0.1:0".parse()?,
            http_listen: "127.0.0.1:0".parse()?,
            esdb: None,
        },
        shutdown.clone(),
    )
    .await?;
    let mut client = NoticeServiceClient::connect(format!("http://{}", dev.started.addr)).await?;
    let published = client
        .publish_notice(authorized(publish("dev-1", "开会通知"), &dev.token)?)
        .await?
        .into_inner();
    let position = published.receipt.map_or(0, |r| r.position);
    let listed = client
        .list_notices(authorized(list(position), &dev.token)?)
        .await?
        .into_inner();
    assert_eq!(
        listed
            .notices
            .iter()
            .map(|n| n.title.as_str())
            .collect::<Vec<_>>(),
        vec!["开会通知"]
    );
    shutdown.cancel();
    dev.started.task.await??;

    // Restarted on the same data dir: the same token works and the data is there.
    let shutdown = CancellationToken::new();
    let again = start_dev(
        DevConfig {
            data_dir: dir.path().to_path_buf(),
            listen: "127.0.0.1:0".parse()?,
            http_listen: "127.0.0.1:0".parse()?,
            esdb: None,
        },
        shutdown.clone(),
    )
    .await?;
    let mut client = NoticeServiceClient::connect(format!("http://{}", again.started.addr)).await?;
    let listed = client
        .list_notices(authorized(list(position), &dev.token)?)
        .await?
        .into_inner();
    assert_eq!(listed.notices.len(), 1);
    shutdown.cancel();
    again.started.task.await?
}
