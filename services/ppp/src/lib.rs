//! The PPP context (政府和社会资本合作): community facilities built and run
//! by private partners, from identification to handover, within the
//! district's fiscal cap, paid by performance, published as OCDS.
//!
//! [`build`] makes the service from its dependencies, so `gongzhi serve
//! ppp` and the all-in-one `gongzhi dev` host it the same way.

pub mod app;
pub mod domain;
pub mod grpc;
pub mod ocds;
pub mod projections;
pub mod reactors;

use gongzhi_eventstore::SharedEventStore;
use gongzhi_kernel::Clock;
use gongzhi_projections::{ProjectionError, ProjectionHandle, ReadModelDb};
use gongzhi_proto::gongzhi::ppp::v1::portfolio_service_server::PortfolioServiceServer;
use gongzhi_proto::gongzhi::ppp::v1::project_service_server::ProjectServiceServer;
use std::sync::Arc;
use std::time::Duration;

/// Bounded context name, as in `gongzhi.ppp.v1.*` and NATS subjects.
pub const CONTEXT: &str = "ppp";

/// The stream categories this context's deciders write. Nothing else
/// writes them (the EventStoreDB surface refuses to).
pub const STREAM_CATEGORIES: &[&str] = &[
    app::portfolio::PORTFOLIO_CATEGORY,
    app::projects::PROJECT_CATEGORY,
];

pub struct PppDeps {
    pub store: SharedEventStore,
    pub read_models: ReadModelDb,
    /// Longest a query waits for its `min_position`.
    pub max_wait: Duration,
    pub clock: Arc<dyn Clock>,
    /// Per-district rules (consultation, pass marks, caps).
    pub config: Arc<app::config::PppConfig>,
}

pub struct PppService {
    pub projects: ProjectServiceServer<grpc::ProjectGrpc>,
    pub portfolio: PortfolioServiceServer<grpc::PortfolioGrpc>,
    /// The application, for tools (the OCDS export) and tests.
    pub app: app::PppApp,
    pub projections: Vec<ProjectionHandle>,
}

pub async fn build(deps: PppDeps) -> Result<PppService, ProjectionError> {
    let register = |projection: Arc<dyn gongzhi_projections::Projection>| {
        deps.read_models.register(projection, deps.store.clone())
    };
    let projects = register(Arc::new(projections::ProjectsProjection)).await?;
    let portfolio = register(Arc::new(projections::PortfolioProjection)).await?;
    let feedback = register(Arc::new(reactors::FacilityFeedbackReactor)).await?;
    let app = app::PppApp::new(
        deps.store,
        deps.config,
        deps.clock,
        deps.max_wait,
        app::ReadModels {
            projects: projects.clone(),
            portfolio: portfolio.clone(),
            feedback: feedback.clone(),
        },
    );
    Ok(PppService {
        projects: ProjectServiceServer::new(grpc::ProjectGrpc::new(app.clone())),
        portfolio: PortfolioServiceServer::new(grpc::PortfolioGrpc::new(app.clone())),
        app,
        projections: vec![projects, portfolio, feedback],
    })
}
