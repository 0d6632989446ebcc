//! The HTTP listener beside gRPC: `/metrics` for Prometheus on every
//! process, and the Open311 API where the grids service is hosted.

use anyhow::Context;
use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use std::net::SocketAddr;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// Where Prometheus scrapes; unauthenticated like the health service, and
/// kept off the public ingress by the network policy.
pub const METRICS_PATH: &str = "/metrics";

pub fn router(open311: Option<gongzhi_grids::open311::Open311State>) -> Router {
    let metrics = Router::new().route(METRICS_PATH, get(metrics));
    match open311 {
        Some(state) => metrics.merge(gongzhi_grids::open311::open311_router(state)),
        None => metrics,
    }
}

async fn metrics() -> impl IntoResponse {
    (
        [(CONTENT_TYPE, gongzhi_telemetry::PROMETHEUS_CONTENT_TYPE)],
        gongzhi_telemetry::prometheus_text(),
    )
}

/// Binds `listen` and serves `router` until shutdown; a failure of the
/// server stops the process. Returns the bound address.
pub async fn spawn(
    tasks: &mut JoinSet<()>,
    router: Router,
    listen: SocketAddr,
    shutdown: &CancellationToken,
) -> anyhow::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("failed to listen for http on {listen}"))?;
    let addr = listener
        .local_addr()
        .context("failed to read the http address")?;
    let shutdown = shutdown.clone();
    tasks.spawn(async move {
        let served = axum::serve(listener, router)
            .with_graceful_shutdown(shutdown.clone().cancelled_owned())
            .await;
        if let Err(error) = served {
            tracing::error!(%error, "http server failed, shutting down");
            shutdown.cancel();
        }
    });
    Ok(addr)
}
