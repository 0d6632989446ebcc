//! The residents context: the registry of actual population (实有人口) of a
//! district, with personal data sealed per person so that erasing the
//! person's key erases it from the whole history; and residents'
//! participation: proposals and complaints (a street complaint follows the
//! grid case opened for it, through grids' events).
//!
//! [`build`] makes the service from its dependencies, so `gongzhi serve
//! residents` and the all-in-one `gongzhi dev` host it the same way.

pub mod app;
pub mod domain;
pub mod grpc;
pub mod projections;
pub mod reactors;

use gongzhi_eventstore::SharedEventStore;
use gongzhi_kernel::Clock;
use gongzhi_privacy::Vault;
use gongzhi_projections::{ProjectionError, ProjectionHandle, ReadModelDb};
use gongzhi_proto::gongzhi::residents::v1::household_service_server::HouseholdServiceServer;
use gongzhi_proto::gongzhi::residents::v1::proposal_service_server::ProposalServiceServer;
use gongzhi_proto::gongzhi::residents::v1::resident_service_server::ResidentServiceServer;
use std::sync::Arc;
use std::time::Duration;

/// Bounded context name, as in `gongzhi.residents.v1.*` and NATS subjects.
pub const CONTEXT: &str = "residents";

pub struct ResidentsDeps {
    pub store: SharedEventStore,
    pub read_models: ReadModelDb,
    pub vault: Vault,
    /// Longest a query waits for its `min_position`.
    pub max_wait: Duration,
    /// Where participation reads the time (deadlines, notice periods, ages).
    pub clock: Arc<dyn Clock>,
}

pub struct ResidentsService {
    pub residents: ResidentServiceServer<grpc::ResidentGrpc>,
    pub households: HouseholdServiceServer<grpc::HouseholdGrpc>,
    pub proposals: ProposalServiceServer<grpc::ProposalGrpc>,
    /// Flags proposals past their deadline without an answer; run it until
    /// shutdown.
    pub proposal_overdue: app::proposals::ProposalOverdueWatcher,
    pub projections: Vec<ProjectionHandle>,
}

pub async fn build(deps: ResidentsDeps) -> Result<ResidentsService, ProjectionError> {
    let residents = deps
        .read_models
        .register(
            Arc::new(projections::ResidentsProjection::new(deps.vault.clone())),
            deps.store.clone(),
        )
        .await?;
    let households = deps
        .read_models
        .register(
            Arc::new(projections::HouseholdsProjection),
            deps.store.clone(),
        )
        .await?;
    let proposals_projection = projections::ProposalsProjection::new();
    let proposals_wake = proposals_projection.wake();
    let proposals = deps
        .read_models
        .register(Arc::new(proposals_projection), deps.store.clone())
        .await?;
    let participation = app::ParticipationApp::new(deps.store.clone(), deps.max_wait)
        .with_clock(deps.clock.clone());
    let proposals_app = app::proposals::ProposalsApp::new(participation, proposals.clone());
    let complaint_outcomes = deps
        .read_models
        .register(
            Arc::new(reactors::ComplaintOutcomesReactor::new(
                proposals_app.clone(),
            )),
            deps.store.clone(),
        )
        .await?;
    let app = app::ResidentsApp::new(deps.store, deps.vault, residents.clone(), deps.max_wait)
        .with_households(households.clone());
    Ok(ResidentsService {
        residents: ResidentServiceServer::new(grpc::ResidentGrpc::new(app.clone())),
        households: HouseholdServiceServer::new(grpc::HouseholdGrpc::new(app)),
        proposals: grpc::ProposalGrpc::new(proposals_app.clone()).into_server(),
        proposal_overdue: app::proposals::ProposalOverdueWatcher::new(
            proposals_app,
            proposals_wake,
        ),
        projections: vec![residents, households, proposals, complaint_outcomes],
    })
}
