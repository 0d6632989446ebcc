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
use gongzhi_proto::gongzhi::residents::v1::election_service_server::ElectionServiceServer;
use gongzhi_proto::gongzhi::residents::v1::household_service_server::HouseholdServiceServer;
use gongzhi_proto::gongzhi::residents::v1::meeting_service_server::MeetingServiceServer;
use gongzhi_proto::gongzhi::residents::v1::proposal_service_server::ProposalServiceServer;
use gongzhi_proto::gongzhi::residents::v1::rating_service_server::RatingServiceServer;
use gongzhi_proto::gongzhi::residents::v1::resident_service_server::ResidentServiceServer;
use gongzhi_proto::gongzhi::residents::v1::volunteering_service_server::VolunteeringServiceServer;
use gongzhi_proto::gongzhi::residents::v1::wish_service_server::WishServiceServer;
use std::sync::Arc;
use std::time::Duration;

/// Bounded context name, as in `gongzhi.residents.v1.*` and NATS subjects.
pub const CONTEXT: &str = "residents";

/// The stream categories this context's deciders write. Nothing else
/// writes them (the EventStoreDB surface refuses to).
pub const STREAM_CATEGORIES: &[&str] = &[
    app::RESIDENT_CATEGORY,
    app::claim::CLAIM_CATEGORY,
    app::households::HOUSEHOLD_CATEGORY,
    app::elections::ELECTION_CATEGORY,
    app::wishes::WISH_CATEGORY,
    app::ratings::RATING_CATEGORY,
    app::meetings::MEETING_CATEGORY,
    app::proposals::PROPOSAL_CATEGORY,
    app::volunteering::ACTIVITY_CATEGORY,
    app::volunteering::POINTS_CATEGORY,
    app::volunteering::REWARD_CATEGORY,
];

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
    pub volunteering: VolunteeringServiceServer<grpc::VolunteeringGrpc>,
    pub wishes: WishServiceServer<grpc::WishGrpc>,
    pub proposals: ProposalServiceServer<grpc::ProposalGrpc>,
    /// Flags proposals past their deadline without an answer; run it until
    /// shutdown.
    pub proposal_overdue: app::proposals::ProposalOverdueWatcher,
    pub projections: Vec<ProjectionHandle>,
}

pub async fn build(deps: ResidentsDeps) -> Result<ResidentsService, ProjectionError> {
    let register = |projection: Arc<dyn gongzhi_projections::Projection>| {
        deps.read_models.register(projection, deps.store.clone())
    };
    let residents = register(Arc::new(projections::ResidentsProjection::new(
        deps.vault.clone(),
    )))
    .await?;
    let households = register(Arc::new(projections::HouseholdsProjection)).await?;
    let ratings = register(Arc::new(projections::RatingsProjection)).await?;
    let meetings = register(Arc::new(projections::MeetingsProjection)).await?;
    let elections = register(Arc::new(projections::ElectionsProjection)).await?;
    let volunteering = register(Arc::new(projections::VolunteeringProjection)).await?;
    let wishes = register(Arc::new(projections::WishesProjection)).await?;

    let participation = app::ParticipationApp::new(deps.store.clone(), deps.max_wait)
        .with_clock(deps.clock.clone());
    let electorate = app::electorate::Electorate::new(
        deps.store.clone(),
        deps.vault.clone(),
        residents.clone(),
        deps.max_wait,
    );
    let ratings_app = app::ratings::RatingsApp::new(participation.clone(), ratings.clone());
    let meetings_app = app::meetings::MeetingsApp::new(
        participation.clone(),
        electorate.clone(),
        deps.config.clone(),
        meetings.clone(),
    );
    let elections_app =
        app::elections::ElectionsApp::new(participation.clone(), electorate, elections.clone());
    let volunteering_app = app::VolunteeringApp::new(participation.clone(), volunteering.clone());
    let wishes_app = app::WishesApp::new(participation.clone(), wishes.clone());
    let proposals_projection = projections::ProposalsProjection::new();
    let proposals_wake = proposals_projection.wake();
    let proposals = register(Arc::new(proposals_projection)).await?;
    let proposals_app = app::proposals::ProposalsApp::new(participation.clone(), proposals.clone());
    let complaint_outcomes = register(Arc::new(reactors::ComplaintOutcomesReactor::new(
        proposals_app.clone(),
    )))
    .await?;
    let app = app::ResidentsApp::new(deps.store, deps.vault, residents.clone(), deps.max_wait)
        .with_households(households.clone());
    Ok(ResidentsService {
        residents: ResidentServiceServer::new(grpc::ResidentGrpc::new(app.clone())),
        households: HouseholdServiceServer::new(grpc::HouseholdGrpc::new(app)),
        ratings: RatingServiceServer::new(grpc::RatingGrpc::new(ratings_app)),
        meetings: MeetingServiceServer::new(grpc::MeetingGrpc::new(meetings_app)),
        elections: ElectionServiceServer::new(grpc::ElectionGrpc::new(elections_app)),
        volunteering: VolunteeringServiceServer::new(grpc::VolunteeringGrpc::new(volunteering_app)),
        wishes: WishServiceServer::new(grpc::WishGrpc::new(wishes_app)),
        projections: vec![
            residents,
            households,
            ratings,
            meetings,
            elections,
            volunteering,
            wishes,
            proposals,
            complaint_outcomes,
        ],
        proposals: grpc::ProposalGrpc::new(proposals_app.clone()).into_server(),
        proposal_overdue: app::proposals::ProposalOverdueWatcher::new(
            proposals_app,
            proposals_wake,
        ),
    })
}
