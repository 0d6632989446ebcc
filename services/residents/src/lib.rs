//! The residents context: the registry of actual population (实有人口) of a
//! district, with personal data sealed per person so that erasing the
//! person's key erases it from the whole history.
//!
//! [`build`] makes the service from its dependencies, so `gongzhi serve
//! residents` and the all-in-one `gongzhi dev` host it the same way.

pub mod app;
pub mod domain;
pub mod grpc;
pub mod projections;

use gongzhi_eventstore::SharedEventStore;
use gongzhi_kernel::Clock;
use gongzhi_privacy::Vault;
use gongzhi_projections::{ProjectionError, ProjectionHandle, ReadModelDb};
use gongzhi_proto::gongzhi::residents::v1::election_service_server::ElectionServiceServer;
use gongzhi_proto::gongzhi::residents::v1::household_service_server::HouseholdServiceServer;
use gongzhi_proto::gongzhi::residents::v1::meeting_service_server::MeetingServiceServer;
use gongzhi_proto::gongzhi::residents::v1::rating_service_server::RatingServiceServer;
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
    /// Per-district rules (meetings' quorum, majority, notice, conveners).
    pub config: Arc<app::config::ResidentsConfig>,
}

pub struct ResidentsService {
    pub residents: ResidentServiceServer<grpc::ResidentGrpc>,
    pub households: HouseholdServiceServer<grpc::HouseholdGrpc>,
    pub ratings: RatingServiceServer<grpc::RatingGrpc>,
    pub meetings: MeetingServiceServer<grpc::MeetingGrpc>,
    pub elections: ElectionServiceServer<grpc::ElectionGrpc>,
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
    let meetings = deps
        .read_models
        .register(
            Arc::new(projections::MeetingsProjection),
            deps.store.clone(),
        )
        .await?;
    let elections = deps
        .read_models
        .register(
            Arc::new(projections::ElectionsProjection),
            deps.store.clone(),
        )
        .await?;
    let participation = app::ParticipationApp::new(deps.store.clone(), deps.max_wait)
        .with_clock(deps.clock.clone());
    let ratings = deps
        .read_models
        .register(Arc::new(projections::RatingsProjection), deps.store.clone())
        .await?;
    let ratings_app = app::ratings::RatingsApp::new(participation.clone(), ratings.clone());
    let electorate = app::electorate::Electorate::new(
        deps.store.clone(),
        deps.vault.clone(),
        residents.clone(),
        deps.max_wait,
    );
    let meetings_app = app::meetings::MeetingsApp::new(
        participation.clone(),
        electorate.clone(),
        deps.config.clone(),
        meetings.clone(),
    );
    let elections_app =
        app::elections::ElectionsApp::new(participation, electorate, elections.clone());
    let app = app::ResidentsApp::new(deps.store, deps.vault, residents.clone(), deps.max_wait)
        .with_households(households.clone());
    Ok(ResidentsService {
        residents: ResidentServiceServer::new(grpc::ResidentGrpc::new(app.clone())),
        households: HouseholdServiceServer::new(grpc::HouseholdGrpc::new(app)),
        ratings: RatingServiceServer::new(grpc::RatingGrpc::new(ratings_app)),
        meetings: MeetingServiceServer::new(grpc::MeetingGrpc::new(meetings_app)),
        elections: ElectionServiceServer::new(grpc::ElectionGrpc::new(elections_app)),
        projections: vec![residents, households, ratings, meetings, elections],
    })
}
