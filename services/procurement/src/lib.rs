//! The procurement context (政府购买服务): the district buys community
//! services (elderly care, culture, mediation, training, nursing) from
//! registered providers, from its published catalogue to an evaluated and
//! paid contract, and funds community projects through venture philanthropy
//! rounds (公益创投).
//!
//! [`build`] makes the service from its dependencies, so `gongzhi serve
//! procurement` and the all-in-one `gongzhi dev` host it the same way.

pub mod app;
pub mod domain;
pub mod grpc;
pub mod ocds;
pub mod projections;

use gongzhi_eventstore::SharedEventStore;
use gongzhi_kernel::Clock;
use gongzhi_projections::{ProjectionError, ProjectionHandle, ReadModelDb};
use gongzhi_proto::gongzhi::procurement::v1::catalogue_service_server::CatalogueServiceServer;
use gongzhi_proto::gongzhi::procurement::v1::provider_service_server::ProviderServiceServer;
use gongzhi_proto::gongzhi::procurement::v1::purchase_service_server::PurchaseServiceServer;
use gongzhi_proto::gongzhi::procurement::v1::venture_service_server::VentureServiceServer;
use std::sync::Arc;
use std::time::Duration;

/// Bounded context name, as in `gongzhi.procurement.v1.*` and NATS subjects.
pub const CONTEXT: &str = "procurement";

/// The stream categories this context's deciders write. Nothing else
/// writes them (the EventStoreDB surface refuses to).
pub const STREAM_CATEGORIES: &[&str] = &[
    app::PROVIDER_CATEGORY,
    app::CATALOGUE_CATEGORY,
    app::PURCHASE_CATEGORY,
    app::VENTURE_CATEGORY,
];

pub struct ProcurementDeps {
    pub store: SharedEventStore,
    pub read_models: ReadModelDb,
    /// Longest a query waits for its `min_position`.
    pub max_wait: Duration,
    /// Where deadlines, standstills and payments read the time.
    pub clock: Arc<dyn Clock>,
}

pub struct ProcurementService {
    pub providers: ProviderServiceServer<grpc::ProviderGrpc>,
    pub catalogue: CatalogueServiceServer<grpc::CatalogueGrpc>,
    pub purchases: PurchaseServiceServer<grpc::PurchaseGrpc>,
    pub ventures: VentureServiceServer<grpc::VentureGrpc>,
    pub projections: Vec<ProjectionHandle>,
}

pub async fn build(deps: ProcurementDeps) -> Result<ProcurementService, ProjectionError> {
    let read_model = deps
        .read_models
        .register(
            Arc::new(projections::ProcurementProjection),
            deps.store.clone(),
        )
        .await?;
    let app = app::ProcurementApp::new(deps.store, deps.clock, deps.max_wait, read_model.clone());
    Ok(ProcurementService {
        providers: ProviderServiceServer::new(grpc::ProviderGrpc::new(app.clone())),
        catalogue: CatalogueServiceServer::new(grpc::CatalogueGrpc::new(app.clone())),
        purchases: PurchaseServiceServer::new(grpc::PurchaseGrpc::new(app.clone())),
        ventures: VentureServiceServer::new(grpc::VentureGrpc::new(app)),
        projections: vec![read_model],
    })
}
