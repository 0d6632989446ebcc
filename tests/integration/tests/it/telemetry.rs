//! Traces join across services: a call carrying a W3C `traceparent` produces
//! a server span in the caller's trace, exported over OTLP to an in-process
//! receiver.

use crate::server::{StubNotices, publish_request, start_host};
use anyhow::Context;
use gongzhi_proto::gongzhi::platform::v1::notice_service_client::NoticeServiceClient;
use gongzhi_telemetry::{LogFormat, TelemetryConfig};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::trace::v1::Span;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

const WAIT: Duration = Duration::from_secs(20);

/// Pushes every received span, with its resource's service name, into a channel.
struct Receiver {
    spans: mpsc::UnboundedSender<(String, Span)>,
}

#[tonic::async_trait]
impl TraceService for Receiver {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        for resource_spans in request.into_inner().resource_spans {
            let service_name = resource_spans
                .resource
                .iter()
                .flat_map(|resource| resource.attributes.iter())
                .find(|attribute| attribute.key == "service.name")
                .and_then(|attribute| attribute.value.as_ref())
                .map(|value| format!("{:?}", value.value))
                .unwrap_or_default();
            for scope_spans in resource_spans.scope_spans {
                for span in scope_spans.spans {
                    let _ = self.spans.send((service_name.clone(), span));
                }
            }
        }
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

/// An OTLP trace receiver on a local port, standing in for the collector.
pub struct Collector {
    pub addr: std::net::SocketAddr,
    spans: mpsc::UnboundedReceiver<(String, Span)>,
    stop: CancellationToken,
    served: tokio::task::JoinHandle<Result<(), tonic::transport::Error>>,
}

impl Collector {
    pub async fn start() -> anyhow::Result<Self> {
        let (spans_tx, spans) = mpsc::unbounded_channel();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let stop = CancellationToken::new();
        // Ends when `stop` is cancelled.
        let served = tokio::spawn(
            tonic::transport::Server::builder()
                .add_service(TraceServiceServer::new(Receiver { spans: spans_tx }))
                .serve_with_incoming_shutdown(
                    tonic::transport::server::TcpIncoming::from(listener),
                    stop.clone().cancelled_owned(),
                ),
        );
        Ok(Self {
            addr,
            spans,
            stop,
            served,
        })
    }

    /// Stops receiving and returns every span received, with its service
    /// name. Shut the exporter down first: what it has not sent is not here.
    pub async fn finish(mut self) -> anyhow::Result<Vec<(String, Span)>> {
        self.stop.cancel();
        self.served.await??;
        let mut spans = Vec::new();
        while let Some(span) = self.spans.recv().await {
            spans.push(span);
        }
        Ok(spans)
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[tokio::test]
async fn server_span_joins_the_callers_trace_and_is_exported() -> anyhow::Result<()> {
    let collector = Collector::start().await?;
    let collector_addr = collector.addr;

    let telemetry = gongzhi_telemetry::init(TelemetryConfig {
        service_name: "telemetry-it".to_owned(),
        otlp_endpoint: Some(format!("http://{collector_addr}")),
        log_format: LogFormat::Text,
        filter: Some("warn".to_owned()),
    })?;
    assert!(telemetry.is_exporting());

    let (stub, _started) = StubNotices::new();
    let host = start_host(stub, WAIT).await?;
    let token = host.token("alice")?;
    let trace_id = uuid::Uuid::new_v4().simple().to_string();
    let parent_span_id = uuid::Uuid::new_v4().simple().to_string()[..16].to_owned();
    let mut request = publish_request("traced-1", "t", Some(&token));
    request.metadata_mut().insert(
        "traceparent",
        format!("00-{trace_id}-{parent_span_id}-01").parse()?,
    );
    let response = NoticeServiceClient::new(host.channel().await?)
        .publish_notice(request)
        .await?
        .into_inner();
    let handler_traceparent = response
        .receipt
        .map(|receipt| receipt.stream)
        .unwrap_or_default();
    assert!(
        handler_traceparent.starts_with(&format!("00-{trace_id}-")),
        "the handler's command context continues the caller's trace: {handler_traceparent:?}"
    );

    host.shutdown.cancel();
    host.served.await??;
    telemetry.shutdown().await;

    let spans = collector.finish().await?;
    let (service_name, span) = spans
        .into_iter()
        .find(|(_, span)| hex(&span.trace_id) == trace_id && span.kind == SpanKind::Server as i32)
        .context("no server span in the caller's trace")?;
    assert_eq!(span.name, "gongzhi.platform.v1.NoticeService/PublishNotice");
    assert_eq!(
        hex(&span.parent_span_id),
        parent_span_id,
        "the caller's span is the parent"
    );
    assert!(service_name.contains("telemetry-it"), "{service_name}");
    Ok(())
}
