//! Tower layer that opens the server span of every RPC as a child of the
//! caller's W3C trace context (`traceparent`/`tracestate` metadata), so traces
//! join across services, and records every answered RPC in the metrics
//! (latency, status code, errors). Health checks are neither traced nor
//! counted: probes would drown the calls that matter.

use crate::paths::{is_health, split_rpc};
use futures::future::BoxFuture;
use std::task::{Context, Poll};
use tower::{Layer, Service};
use tracing::Instrument;

/// Built after telemetry is set up, so its instruments record into the
/// process's meter provider.
#[derive(Debug, Clone, Default)]
pub(crate) struct TraceLayer {
    metrics: gongzhi_telemetry::Metrics,
}

impl<S> Layer<S> for TraceLayer {
    type Service = TraceService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        TraceService {
            inner,
            metrics: self.metrics.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct TraceService<S> {
    inner: S,
    metrics: gongzhi_telemetry::Metrics,
}

impl<S, ReqBody, ResBody> Service<http::Request<ReqBody>> for TraceService<S>
where
    S: Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<ReqBody>) -> Self::Future {
        if is_health(request.uri().path()) {
            return Box::pin(self.inner.call(request));
        }
        let span = rpc_span(&request);
        // A refcounted clone: the names are split out only when recorded.
        let uri = request.uri().clone();
        let metrics = self.metrics.clone();
        let started = std::time::Instant::now();
        let future = self.inner.call(request);
        Box::pin(
            async move {
                let result = future.await;
                // A transport error has no status: count it as UNKNOWN.
                let code = result.as_ref().map_or(tonic::Code::Unknown, status_code);
                record_status(code);
                // Paths of no service come from the caller: one label for all
                // of them keeps a scan from growing the metric without bound.
                let (service, method) = if code == tonic::Code::Unimplemented {
                    ("unknown", "unknown")
                } else {
                    split_rpc(uri.path())
                };
                metrics.record_rpc(service, method, code as i32, started.elapsed());
                result
            }
            .instrument(span),
        )
    }
}

fn rpc_span<B>(request: &http::Request<B>) -> tracing::Span {
    let path = request.uri().path();
    let (service, method) = split_rpc(path);
    let span = tracing::info_span!(
        "grpc.server",
        otel.name = %path.trim_start_matches('/'),
        otel.kind = "server",
        otel.status_code = tracing::field::Empty,
        rpc.system = "grpc",
        rpc.service = %service,
        rpc.method = %method,
        rpc.grpc.status_code = tracing::field::Empty,
        enduser.id = tracing::field::Empty,
    );
    let headers = request.headers();
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    // Before the span is first entered, which is when its parent is fixed.
    gongzhi_telemetry::set_parent(&span, header("traceparent"), header("tracestate"));
    span
}

/// Unary errors travel in the headers (trailers-only response); a response
/// without `grpc-status` there carries it in trailers, OK for unary calls.
fn status_code<B>(response: &http::Response<B>) -> tonic::Code {
    response
        .headers()
        .get("grpc-status")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<i32>().ok())
        .map_or(tonic::Code::Ok, tonic::Code::from_i32)
}

fn record_status(code: tonic::Code) {
    let span = tracing::Span::current();
    span.record("rpc.grpc.status_code", code as i32);
    // Server faults only; a client's bad input is not the server's error.
    if matches!(
        code,
        tonic::Code::Unknown
            | tonic::Code::DeadlineExceeded
            | tonic::Code::Unimplemented
            | tonic::Code::Internal
            | tonic::Code::Unavailable
            | tonic::Code::DataLoss
    ) {
        span.record("otel.status_code", "ERROR");
    }
}
