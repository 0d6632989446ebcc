//! The grids context (网格化管理): the grid map, cases that run a closed
//! loop until verified and evaluated, whistle summons, metrics and Open311.
//!
//! [`build`] makes the service from its dependencies, so `gongzhi serve
//! grids` and the all-in-one `gongzhi dev` host it the same way: three gRPC
//! services, the Open311 HTTP router, the read models, the reactor that
//! opens cases from residents' complaints (fed like a read model) and the
//! overdue watcher (a background task the host runs until shutdown).

pub mod app;
pub mod domain;
pub mod grpc;
pub mod open311;
pub mod projections;
pub mod reactors;

use app::cases::CasesApp;
use app::config::GridsConfig;
use app::grid_map::GridMapApp;
use app::overdue::OverdueWatcher;
use gongzhi_eventstore::SharedEventStore;
use gongzhi_privacy::Vault;
use gongzhi_projections::{ProjectionError, ProjectionHandle, ReadModelDb};
use gongzhi_proto::gongzhi::grids::v1::case_metrics_service_server::CaseMetricsServiceServer;
use gongzhi_proto::gongzhi::grids::v1::case_service_server::CaseServiceServer;
use gongzhi_proto::gongzhi::grids::v1::grid_map_service_server::GridMapServiceServer;
use gongzhi_server::AuthConfig;
use std::sync::Arc;
use std::time::Duration;

/// Bounded context name, as in `gongzhi.grids.v1.*` and NATS subjects.
pub const CONTEXT: &str = "grids";

/// The stream categories this context's deciders write. Nothing else
/// writes them (the EventStoreDB surface refuses to).
pub const STREAM_CATEGORIES: &[&str] = &[
    app::grid_map::GRID_CATEGORY,
    domain::case::CASE_STREAM_CATEGORY,
];

pub struct GridsDeps {
    pub store: SharedEventStore,
    pub read_models: ReadModelDb,
    /// Opens the needs tags in residents' events; without it grids count
    /// residents but not tags.
    pub vault: Option<Vault>,
    pub config: Arc<GridsConfig>,
    /// Verifies Open311 callers' tokens, like the gRPC host does.
    pub auth: AuthConfig,
    pub max_wait: Duration,
    /// Where cases read the time: dispatch, deadlines, contracts in force.
    pub clock: Arc<dyn gongzhi_kernel::Clock>,
}

pub struct GridsService {
    pub grid_map: GridMapServiceServer<grpc::grid_map::GridMapGrpc>,
    pub cases: CaseServiceServer<grpc::cases::CaseGrpc>,
    pub metrics: CaseMetricsServiceServer<grpc::metrics::CaseMetricsGrpc>,
    pub open311: open311::Open311State,
    /// Flags overdue cases and late summons; run it until shutdown.
    pub overdue: OverdueWatcher,
    pub projections: Vec<ProjectionHandle>,
}

pub async fn build(deps: GridsDeps) -> Result<GridsService, ProjectionError> {
    let register = |projection: Arc<dyn gongzhi_projections::Projection>| {
        deps.read_models.register(projection, deps.store.clone())
    };
    let grid_map = register(Arc::new(projections::GridMapProjection)).await?;
    let population = register(Arc::new(projections::GridPopulationProjection::new(
        deps.vault.clone(),
    )))
    .await?;
    let cases_projection = projections::CasesProjection::new();
    let wake = cases_projection.wake();
    let cases = register(Arc::new(cases_projection)).await?;
    let metrics = register(Arc::new(projections::CaseMetricsProjection)).await?;
    // Providers under contract, learnt from the procurement context.
    let service_units = register(Arc::new(projections::ServiceUnitsProjection)).await?;

    let map_app = GridMapApp::new(
        deps.store.clone(),
        grid_map.clone(),
        population.clone(),
        deps.max_wait,
    );
    let cases_app = CasesApp::new(
        deps.store.clone(),
        cases.clone(),
        deps.config.clone(),
        deps.max_wait,
    )
    .with_clock(deps.clock.clone())
    .with_service_units(service_units.clone());
    let case_ratings = register(Arc::new(app::case_ratings::CaseRatingReactor::new(
        cases_app.clone(),
    )))
    .await?;
    let complaint_cases = register(Arc::new(reactors::ComplaintCasesReactor::new(
        cases_app.clone(),
    )))
    .await?;
    let catalogue = deps.config.defaults().catalogue.clone();
    let open311 = open311::Open311State::new(
        deps.store.clone(),
        metrics.clone(),
        catalogue,
        Arc::new(map_app.clone()),
        &deps.auth,
    );
    Ok(GridsService {
        grid_map: grpc::grid_map::GridMapGrpc::new(map_app).into_server(),
        cases: grpc::cases::CaseGrpc::new(cases_app.clone()).into_server(),
        metrics: grpc::metrics::CaseMetricsGrpc::new(metrics.clone(), deps.max_wait).into_server(),
        open311,
        overdue: OverdueWatcher::new(cases_app, wake),
        projections: vec![
            grid_map,
            population,
            cases,
            metrics,
            case_ratings,
            complaint_cases,
            service_units,
        ],
    })
}
