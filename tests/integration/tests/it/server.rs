//! The service host end to end over real TCP: health, reflection, bearer
//! auth, request validation, and graceful drain. A stub NoticeService (local
//! to these tests) stands in for a real service.

use anyhow::{Context, anyhow};
use futures::StreamExt;
use gongzhi_kernel::DistrictCode;
use gongzhi_proto::gongzhi::platform::v1::notice_service_client::NoticeServiceClient;
use gongzhi_proto::gongzhi::platform::v1::notice_service_server::{
    NoticeService, NoticeServiceServer,
};
use gongzhi_proto::gongzhi::platform::v1::{
    CommandReceipt, ListNoticesRequest, ListNoticesResponse, PublishNoticeRequest,
    PublishNoticeResponse, WithdrawNoticeRequest, WithdrawNoticeResponse,
};
use gongzhi_server::{
    ApiError, AuthConfig, Caller, CancellationToken, CommandContext, HostConfig, HostError,
    ServiceHost, TokenIssuer,
};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinHandle;
use tonic::transport::Channel;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_reflection::pb::v1::ServerReflectionRequest;
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

const SECRET: &str = "integration-test-secret";
const NOTICE_SERVICE: &str = "gongzhi.platform.v1.NoticeService";
/// A title that makes the stub wait for [`StubNotices::release`].
pub(crate) const BLOCKING_TITLE: &str = "block";
const WAIT: Duration = Duration::from_secs(20);

/// Answers PublishNotice with what the server gave the handler: the caller's
/// subject as `notice_id` and the command's traceparent as `receipt.stream`.
#[derive(Clone)]
pub(crate) struct StubNotices {
    started: mpsc::UnboundedSender<String>,
    gate: Arc<Semaphore>,
}

impl StubNotices {
    pub(crate) fn new() -> (Self, mpsc::UnboundedReceiver<String>) {
        let (started, started_rx) = mpsc::unbounded_channel();
        let stub = Self {
            started,
            gate: Arc::new(Semaphore::new(0)),
        };
        (stub, started_rx)
    }

    /// Lets one blocked PublishNotice finish.
    pub(crate) fn release(&self) {
        self.gate.add_permits(1);
    }
}

#[tonic::async_trait]
impl NoticeService for StubNotices {
    async fn publish_notice(
        &self,
        request: tonic::Request<PublishNoticeRequest>,
    ) -> Result<tonic::Response<PublishNoticeResponse>, tonic::Status> {
        let command = CommandContext::from_request(&request, &request.get_ref().request_id)?;
        let _ = self.started.send(command.request_id.clone());
        if request.get_ref().title == BLOCKING_TITLE {
            let permit = self
                .gate
                .acquire()
                .await
                .map_err(|_| ApiError::unavailable("stub closed"))?;
            permit.forget();
        }
        Ok(tonic::Response::new(PublishNoticeResponse {
            notice_id: command.caller.subject.clone(),
            receipt: Some(CommandReceipt {
                stream: command.traceparent.unwrap_or_default(),
                ..CommandReceipt::default()
            }),
        }))
    }

    async fn withdraw_notice(
        &self,
        _request: tonic::Request<WithdrawNoticeRequest>,
    ) -> Result<tonic::Response<WithdrawNoticeResponse>, tonic::Status> {
        Err(tonic::Status::unimplemented("stub"))
    }

    async fn list_notices(
        &self,
        _request: tonic::Request<ListNoticesRequest>,
    ) -> Result<tonic::Response<ListNoticesResponse>, tonic::Status> {
        Err(tonic::Status::unimplemented("stub"))
    }
}

pub(crate) struct RunningHost {
    pub(crate) addr: SocketAddr,
    pub(crate) shutdown: CancellationToken,
    pub(crate) served: JoinHandle<Result<(), HostError>>,
    pub(crate) issuer: TokenIssuer,
}

impl RunningHost {
    pub(crate) async fn channel(&self) -> anyhow::Result<Channel> {
        Channel::from_shared(format!("http://{}", self.addr))?
            .connect()
            .await
            .context("failed to connect to the host")
    }

    pub(crate) fn token(&self, subject: &str) -> anyhow::Result<String> {
        let caller = Caller {
            subject: subject.to_owned(),
            roles: vec!["notice_editor".to_owned()],
            districts: vec![DistrictCode::parse("500108")?],
        };
        Ok(self.issuer.issue(&caller, Duration::from_secs(300))?)
    }
}

pub(crate) async fn start_host(
    stub: StubNotices,
    drain_timeout: Duration,
) -> anyhow::Result<RunningHost> {
    let auth = AuthConfig::new(SECRET);
    let issuer = TokenIssuer::new(&auth);
    let mut host = ServiceHost::new(HostConfig {
        listen_addr: "127.0.0.1:0".parse()?,
        auth,
        drain_timeout,
    })
    .add_service("notices", NoticeServiceServer::new(stub));
    let addr = host.bind().await?;
    let shutdown = CancellationToken::new();
    // Ends when the test cancels `shutdown`; its result is asserted by the test.
    let served = tokio::spawn(host.serve(shutdown.clone()));
    Ok(RunningHost {
        addr,
        shutdown,
        served,
        issuer,
    })
}

pub(crate) fn publish_request(
    request_id: &str,
    title: &str,
    token: Option<&str>,
) -> tonic::Request<PublishNoticeRequest> {
    let mut request = tonic::Request::new(PublishNoticeRequest {
        request_id: request_id.to_owned(),
        district: "500108".to_owned(),
        title: title.to_owned(),
        body: "body".to_owned(),
    });
    if let Some(token) = token {
        let value = format!("Bearer {token}")
            .parse()
            .unwrap_or_else(|_| panic!("a jwt is ascii"));
        request.metadata_mut().insert("authorization", value);
    }
    request
}

async fn health_status(channel: Channel, service: &str) -> anyhow::Result<i32> {
    let response = HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: service.to_owned(),
        })
        .await?;
    Ok(response.into_inner().status)
}

#[tokio::test]
async fn health_answers_serving_without_a_token() -> anyhow::Result<()> {
    let (stub, _started) = StubNotices::new();
    let host = start_host(stub, WAIT).await?;
    let channel = host.channel().await?;
    assert_eq!(
        health_status(channel.clone(), "").await?,
        ServingStatus::Serving as i32
    );
    assert_eq!(
        health_status(channel, NOTICE_SERVICE).await?,
        ServingStatus::Serving as i32
    );
    host.shutdown.cancel();
    host.served.await??;
    Ok(())
}

#[tokio::test]
async fn reflection_lists_health_and_the_hosted_services() -> anyhow::Result<()> {
    let (stub, _started) = StubNotices::new();
    let host = start_host(stub, WAIT).await?;
    let mut client = ServerReflectionClient::new(host.channel().await?);
    let requests = futures::stream::iter([
        ServerReflectionRequest {
            host: String::new(),
            message_request: Some(MessageRequest::ListServices(String::new())),
        },
        ServerReflectionRequest {
            host: String::new(),
            message_request: Some(MessageRequest::FileContainingSymbol(
                NOTICE_SERVICE.to_owned(),
            )),
        },
    ]);
    let mut responses = client.server_reflection_info(requests).await?.into_inner();

    let listed = responses
        .next()
        .await
        .context("no list response")??
        .message_response;
    let Some(MessageResponse::ListServicesResponse(list)) = listed else {
        return Err(anyhow!("expected a service list, got {listed:?}"));
    };
    let names: Vec<_> = list.service.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"grpc.health.v1.Health"), "{names:?}");
    assert!(names.contains(&NOTICE_SERVICE), "{names:?}");
    assert!(
        !names.contains(&"gongzhi.platform.v1.AdminService"),
        "only hosted services are advertised: {names:?}"
    );

    let file = responses
        .next()
        .await
        .context("no file response")??
        .message_response;
    let Some(MessageResponse::FileDescriptorResponse(file)) = file else {
        return Err(anyhow!("expected descriptors, got {file:?}"));
    };
    assert!(!file.file_descriptor_proto.is_empty());

    drop(responses);
    assert_v1alpha_lists_health(&host).await?;
    host.shutdown.cancel();
    host.served.await??;
    Ok(())
}

/// Older grpcurl and IDEs still speak reflection v1alpha.
async fn assert_v1alpha_lists_health(host: &RunningHost) -> anyhow::Result<()> {
    use tonic_reflection::pb::v1alpha::server_reflection_client::ServerReflectionClient as AlphaClient;
    use tonic_reflection::pb::v1alpha::server_reflection_request::MessageRequest as AlphaRequest;
    use tonic_reflection::pb::v1alpha::server_reflection_response::MessageResponse as AlphaResponse;
    let request = tonic_reflection::pb::v1alpha::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(AlphaRequest::ListServices(String::new())),
    };
    let mut responses = AlphaClient::new(host.channel().await?)
        .server_reflection_info(futures::stream::iter([request]))
        .await?
        .into_inner();
    let listed = responses
        .next()
        .await
        .context("no v1alpha response")??
        .message_response;
    let Some(AlphaResponse::ListServicesResponse(list)) = listed else {
        return Err(anyhow!("expected a v1alpha service list, got {listed:?}"));
    };
    let names: Vec<_> = list.service.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"grpc.health.v1.Health"), "{names:?}");
    assert!(names.contains(&NOTICE_SERVICE), "{names:?}");
    Ok(())
}

#[tokio::test]
async fn business_calls_need_a_valid_token() -> anyhow::Result<()> {
    let (stub, _started) = StubNotices::new();
    let host = start_host(stub, WAIT).await?;
    let mut client = NoticeServiceClient::new(host.channel().await?);

    let missing = client
        .publish_notice(publish_request("r-1", "t", None))
        .await;
    let missing = missing.err().context("a call without a token must fail")?;
    assert_eq!(missing.code(), tonic::Code::Unauthenticated);
    assert!(
        missing.message().contains("missing bearer token"),
        "{}",
        missing.message()
    );

    let foreign = TokenIssuer::new(&AuthConfig::new("someone-else")).issue(
        &Caller {
            subject: "mallory".into(),
            roles: vec![],
            districts: vec![],
        },
        Duration::from_secs(60),
    )?;
    for bad in ["not-a-jwt", foreign.as_str()] {
        let refused = client
            .publish_notice(publish_request("r-1", "t", Some(bad)))
            .await;
        let refused = refused.err().context("a bad token must fail")?;
        assert_eq!(
            refused.code(),
            tonic::Code::Unauthenticated,
            "{}",
            refused.message()
        );
    }

    let token = host.token("alice")?;
    let accepted = client
        .publish_notice(publish_request("r-1", "t", Some(&token)))
        .await?;
    assert_eq!(
        accepted.into_inner().notice_id,
        "alice",
        "the handler sees the verified caller"
    );

    let invalid = client
        .publish_notice(publish_request("", "t", Some(&token)))
        .await;
    let invalid = invalid.err().context("an empty request_id must fail")?;
    assert_eq!(invalid.code(), tonic::Code::InvalidArgument);
    assert!(
        invalid.message().contains("request_id"),
        "{}",
        invalid.message()
    );

    host.shutdown.cancel();
    host.served.await??;
    Ok(())
}

#[tokio::test]
async fn shutdown_reports_not_serving_drains_in_flight_and_returns() -> anyhow::Result<()> {
    let (stub, mut started) = StubNotices::new();
    // Long enough that a serve() ending by timeout fails the bounded wait below.
    let host = start_host(stub.clone(), Duration::from_secs(120)).await?;
    let channel = host.channel().await?;
    let token = host.token("alice")?;

    let mut watch = HealthClient::new(channel.clone())
        .watch(HealthCheckRequest {
            service: String::new(),
        })
        .await?
        .into_inner();
    let first = watch.next().await.context("watch ended")??;
    assert_eq!(first.status, ServingStatus::Serving as i32);

    let mut client = NoticeServiceClient::new(channel.clone());
    let in_flight = tokio::spawn({
        let mut client = client.clone();
        let request = publish_request("slow-1", BLOCKING_TITLE, Some(&token));
        async move { client.publish_notice(request).await }
    });
    let started_id = tokio::time::timeout(WAIT, started.recv()).await?;
    assert_eq!(started_id.as_deref(), Some("slow-1"));

    host.shutdown.cancel();
    let changed = tokio::time::timeout(WAIT, watch.next())
        .await?
        .context("watch ended")??;
    assert_eq!(changed.status, ServingStatus::NotServing as i32);
    drop(watch);
    assert_eq!(
        health_status(channel.clone(), "").await?,
        ServingStatus::NotServing as i32
    );
    assert_eq!(
        health_status(channel, NOTICE_SERVICE).await?,
        ServingStatus::NotServing as i32
    );

    let refused = client
        .publish_notice(publish_request("new-1", "t", Some(&token)))
        .await;
    let refused = refused
        .err()
        .context("new calls are refused while draining")?;
    assert_eq!(refused.code(), tonic::Code::Unavailable);
    assert!(
        !host.served.is_finished(),
        "serve waits for the in-flight call"
    );

    stub.release();
    let finished = tokio::time::timeout(WAIT, in_flight).await???;
    assert_eq!(finished.into_inner().notice_id, "alice");
    tokio::time::timeout(WAIT, host.served).await???;
    Ok(())
}
