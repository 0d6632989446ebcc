//! The property context (物业与业主自治): estates and their exclusive units,
//! owners' assemblies whose every decision is counted under Civil Code
//! art. 278, owners' committees, property service contracts and the
//! maintenance fund, disputes.
//!
//! [`build`] makes the service from its dependencies, so `gongzhi serve
//! property` and the all-in-one `gongzhi dev` host it the same way.

pub mod app;
pub mod domain;
pub mod grpc;
pub mod projections;
pub mod reactors;

use gongzhi_eventstore::SharedEventStore;
use gongzhi_kernel::Clock;
use gongzhi_projections::{ProjectionError, ProjectionHandle, ReadModelDb};
use gongzhi_proto::gongzhi::property::v1::assembly_service_server::AssemblyServiceServer;
use gongzhi_proto::gongzhi::property::v1::dispute_service_server::DisputeServiceServer;
use gongzhi_proto::gongzhi::property::v1::estate_service_server::EstateServiceServer;
use gongzhi_proto::gongzhi::property::v1::management_service_server::ManagementServiceServer;
use std::sync::Arc;
use std::time::Duration;

/// Bounded context name, as in `gongzhi.property.v1.*` and NATS subjects.
pub const CONTEXT: &str = "property";

/// The stream categories this context's deciders write. Nothing else
/// writes them (the EventStoreDB surface refuses to).
pub const STREAM_CATEGORIES: &[&str] = &[
    app::ESTATE_CATEGORY,
    app::ASSEMBLY_CATEGORY,
    app::COMMITTEE_CATEGORY,
    app::MANAGEMENT_CATEGORY,
    app::FEE_CATEGORY,
    app::FUND_CATEGORY,
    app::DISPUTE_CATEGORY,
];

pub struct PropertyDeps {
    pub store: SharedEventStore,
    pub read_models: ReadModelDb,
    /// Longest a query waits for its `min_position`.
    pub max_wait: Duration,
    /// Where the service reads the time (dates of record, filing deadlines).
    pub clock: Arc<dyn Clock>,
}

pub struct PropertyService {
    pub estates: EstateServiceServer<grpc::EstateGrpc>,
    pub assemblies: AssemblyServiceServer<grpc::AssemblyGrpc>,
    pub management: ManagementServiceServer<grpc::ManagementGrpc>,
    pub disputes: DisputeServiceServer<grpc::DisputeGrpc>,
    /// Flags committees not filed within 30 days; run it until shutdown.
    pub late_filing: app::late_filing::LateFilingWatcher,
    pub projections: Vec<ProjectionHandle>,
    /// The application, for tests and tools that drive it directly.
    pub app: app::PropertyApp,
}

pub async fn build(deps: PropertyDeps) -> Result<PropertyService, ProjectionError> {
    let register = |projection: Arc<dyn gongzhi_projections::Projection>| {
        deps.read_models.register(projection, deps.store.clone())
    };
    let committees_projection = projections::CommitteesProjection::new();
    let committees_wake = committees_projection.wake();
    let read_models = app::ReadModels {
        estates: register(Arc::new(projections::EstatesProjection)).await?,
        assemblies: register(Arc::new(projections::AssembliesProjection)).await?,
        committees: register(Arc::new(committees_projection)).await?,
        contracts: register(Arc::new(projections::ContractsProjection)).await?,
        fund: register(Arc::new(projections::FundProjection)).await?,
        disputes: register(Arc::new(projections::DisputesProjection)).await?,
        company_ratings: register(Arc::new(reactors::CompanyRatingsReactor)).await?,
        resident_links: register(Arc::new(reactors::ResidentLinksReactor)).await?,
    };
    let handles = vec![
        read_models.estates.clone(),
        read_models.assemblies.clone(),
        read_models.committees.clone(),
        read_models.contracts.clone(),
        read_models.fund.clone(),
        read_models.disputes.clone(),
        read_models.company_ratings.clone(),
        read_models.resident_links.clone(),
    ];
    let app = app::PropertyApp::new(deps.store, deps.clock, deps.max_wait, read_models);
    Ok(PropertyService {
        estates: EstateServiceServer::new(grpc::EstateGrpc::new(app.clone())),
        assemblies: AssemblyServiceServer::new(grpc::AssemblyGrpc::new(app.clone())),
        management: ManagementServiceServer::new(grpc::ManagementGrpc::new(app.clone())),
        disputes: DisputeServiceServer::new(grpc::DisputeGrpc::new(app.clone())),
        late_filing: app::late_filing::LateFilingWatcher::new(app.clone(), committees_wake),
        projections: handles,
        app,
    })
}
