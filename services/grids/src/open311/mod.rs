//! Open311 GeoReport v2 (JSON only) over HTTP, served beside gRPC
//! (<https://wiki.open311.org/GeoReport_v2>).
//!
//! Contract:
//! - `GET /open311/v2/services.json` lists the category catalogue: one
//!   service per minor class, `service_code` the category text code
//!   (`event/01/01`), `group` the major class name, `metadata` false,
//!   `type` realtime. `GET /open311/v2/services/{service_code}.json` is its
//!   definition, with no attributes. Neither needs a key.
//! - `POST /open311/v2/requests.json` (form-urlencoded or JSON object body)
//!   reports a case with source RESIDENT and normal urgency; the point must
//!   lie in a known unit grid of the district ([`GridLocator`]). Contact
//!   fields (email, names, phone, device id) and `media_url` are accepted
//!   and NOT stored: case events carry no sealed personal data.
//!   `address_string`/`address_id` alone locate only if the locator can
//!   geocode them. Answers `201 [{"service_request_id", "service_notice"}]`.
//! - `GET /open311/v2/requests.json` (filters `service_request_id` list,
//!   `service_code`, `start_date`, `end_date`, `status` open|closed; by
//!   default the last 90 days, at most 1000) and
//!   `GET /open311/v2/requests/{id}.json` answer from the `case_metrics`
//!   read model: rejected, merged, closed and evaluated cases are `closed`,
//!   all others `open`; times are ISO 8601 with offset +08:00.
//! - Requests need `api_key` (query or form field) or `Authorization:
//!   Bearer`, either holding a Gongzhi token with a district role;
//!   `jurisdiction_id` is the district code, defaulting to the token's only
//!   district. Missing or invalid token: 401; another district or no district
//!   role: 403; bad input: 400; all in the Open311 error format, never 500
//!   for bad input.
//!
//! Serving: `open311_router(state)` is a plain `axum::Router`; the binary
//! binds a second listener (e.g. `--http-listen 0.0.0.0:8080`) and runs
//! [`serve_open311`] on it, which is
//! `axum::serve(listener, router).with_graceful_shutdown(shutdown.cancelled_owned())`,
//! with the same shutdown token as the gRPC host: on cancel it stops
//! accepting and returns once in-flight requests finished.

mod access;
mod error;
mod intake;
mod params;
mod requests;
mod services;

pub use error::{Open311Error, Open311ErrorKind};
pub use intake::POSITION_HEADER;

use crate::domain::calendar::CategoryCatalogue;
use axum::Router;
use axum::routing::get;
use gongzhi_eventstore::SharedEventStore;
use gongzhi_kernel::DistrictCode;
use gongzhi_projections::ProjectionHandle;
use gongzhi_server::{AuthConfig, TokenVerifier};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// Resolves where a report is; the service backs it with the grid map
/// (`GridMapApp`), tests with a fixed shape.
#[async_trait::async_trait]
pub trait GridLocator: Send + Sync + 'static {
    /// The 15-digit unit grid of `district` holding the WGS 84 point.
    async fn locate(
        &self,
        district: &DistrictCode,
        latitude: f64,
        longitude: f64,
    ) -> Option<String>;

    /// A point for an address, when the locator can geocode; none by default.
    async fn geocode(&self, _district: &DistrictCode, _address: &str) -> Option<(f64, f64)> {
        None
    }
}

#[derive(Clone)]
pub struct Open311State {
    store: SharedEventStore,
    requests: ProjectionHandle,
    catalogue: Arc<CategoryCatalogue>,
    locator: Arc<dyn GridLocator>,
    verifier: Arc<TokenVerifier>,
}

impl Open311State {
    /// `requests` is the handle of [`crate::projections::CaseMetricsProjection`].
    pub fn new(
        store: SharedEventStore,
        requests: ProjectionHandle,
        catalogue: CategoryCatalogue,
        locator: Arc<dyn GridLocator>,
        auth: &AuthConfig,
    ) -> Self {
        Self {
            store,
            requests,
            catalogue: Arc::new(catalogue),
            locator,
            verifier: Arc::new(TokenVerifier::new(auth)),
        }
    }
}

/// Every Open311 route; anything else is a 404 in the Open311 format.
pub fn open311_router(state: Open311State) -> Router {
    Router::new()
        .route("/open311/v2/services.json", get(services::list))
        .route("/open311/v2/services/{*code}", get(services::one))
        .route(
            "/open311/v2/requests.json",
            get(requests::list).post(intake::post),
        )
        .route("/open311/v2/requests/{file}", get(requests::one))
        .fallback(|| async { Open311Error::not_found("no such open311 resource") })
        .with_state(state)
}

/// Serves the Open311 routes on `listener` until `shutdown` is cancelled,
/// then drains in-flight requests. An error is an accept loop failure.
pub async fn serve_open311(
    listener: TcpListener,
    state: Open311State,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    axum::serve(listener, open311_router(state))
        .with_graceful_shutdown(shutdown.cancelled_owned())
        .await
}
