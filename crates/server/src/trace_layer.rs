//! Tower layer that opens the server span of every RPC as a child of the
//! caller's W3C trace context (`traceparent`/`tracestate` metadata), so traces
//! join across services. Health checks are not traced: probes would drown
//! the traces that matter.

use crate::paths::{is_health, split_rpc};
use futures::future::BoxFuture;
use std::task::{Context, Poll};
use tower::{Layer, Service};
use tracing::Instrument;

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TraceLayer;

impl<S> Layer<S> for TraceLayer {
    type Service = TraceService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        TraceService { inner }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct TraceService<S> {
    inner: S,
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
        let future = self.inner.call(request);
        Box::pin(
            async move {
                let result = future.await;
                if let Ok(response) = &result {
                    record_status(response);
                }
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
fn record_status<B>(response: &http::Response<B>) {
    let code = response
        .headers()
        .get("grpc-status")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<i32>().ok())
        .map_or(tonic::Code::Ok, tonic::Code::from_i32);
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
