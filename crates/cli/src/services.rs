//! The one list of services the CLI can host. Each service crate exposes a
//! `build` function over its dependencies; this module adds them to a host.

use crate::args::ServiceName;
use anyhow::Context;
use gongzhi_eventstore::SharedEventStore;
use gongzhi_platform::grpc::AdminGrpc;
use gongzhi_privacy::Vault;
use gongzhi_projections::{ProjectionHandle, ReadModelDb};
use gongzhi_proto::gongzhi::platform::v1::admin_service_server::AdminServiceServer;
use gongzhi_server::ServiceHost;
use std::time::Duration;

pub struct Hosted {
    pub host: ServiceHost,
    /// Background work of the hosted services (deadline watchers), each run
    /// until shutdown.
    pub watchers: Vec<Background>,
    /// The Open311 HTTP API, when the grids service is hosted.
    pub open311: Option<gongzhi_grids::open311::Open311State>,
    pub projections: Vec<ProjectionHandle>,
    /// Contexts whose events this process relays to NATS.
    pub contexts: Vec<&'static str>,
}

/// A hosted service's background task: started once with the shutdown
/// token, it logs and retries its own errors and returns on cancel.
pub type Background = Box<
    dyn FnOnce(tokio_util::sync::CancellationToken) -> futures::future::BoxFuture<'static, ()>
        + Send,
>;

/// Wraps a task that runs until `shutdown` as a [`Background`].
pub fn background<F, Fut>(run: F) -> Background
where
    F: FnOnce(tokio_util::sync::CancellationToken) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    Box::new(move |shutdown| Box::pin(run(shutdown)))
}

pub const ALL: &[ServiceName] = &[
    ServiceName::Platform,
    ServiceName::Residents,
    ServiceName::Grids,
    ServiceName::Property,
    ServiceName::Ppp,
    ServiceName::Procurement,
];

/// What services are built from.
#[derive(Clone)]
pub struct ServiceDeps {
    pub store: SharedEventStore,
    pub read_models: ReadModelDb,
    /// Present when a service holding personal data is hosted.
    pub vault: Option<Vault>,
    pub max_wait: Duration,
    /// Verifies tokens on the HTTP APIs, like the gRPC host does.
    pub auth: gongzhi_server::AuthConfig,
    pub grids_config: std::sync::Arc<gongzhi_grids::app::config::GridsConfig>,
    pub residents_config: std::sync::Arc<gongzhi_residents::app::config::ResidentsConfig>,
    /// Where services read the time: the system clock except in tests.
    pub clock: std::sync::Arc<dyn gongzhi_kernel::Clock>,
}

pub fn needs_vault(services: &[ServiceName]) -> bool {
    services.contains(&ServiceName::Residents)
}

pub async fn host_services(
    mut host: ServiceHost,
    services: &[ServiceName],
    deps: &ServiceDeps,
) -> anyhow::Result<Hosted> {
    let mut projections = Vec::new();
    let mut contexts = Vec::new();
    let mut watchers = Vec::new();
    let mut open311 = None;
    for service in services {
        match service {
            ServiceName::Platform => {
                let platform = gongzhi_platform::build(gongzhi_platform::PlatformDeps {
                    store: deps.store.clone(),
                    read_models: deps.read_models.clone(),
                    max_wait: deps.max_wait,
                })
                .await
                .context("failed to build the platform service")?;
                host = host.add_service("platform.notices", platform.notices);
                projections.extend(platform.projections);
                contexts.push(gongzhi_platform::CONTEXT);
            }
            ServiceName::Residents => {
                let vault = deps
                    .vault
                    .clone()
                    .context("the residents service needs a master key (GONGZHI_MASTER_KEY)")?;
                let residents = gongzhi_residents::build(gongzhi_residents::ResidentsDeps {
                    store: deps.store.clone(),
                    read_models: deps.read_models.clone(),
                    vault,
                    max_wait: deps.max_wait,
                    clock: deps.clock.clone(),
                    config: deps.residents_config.clone(),
                })
                .await
                .context("failed to build the residents service")?;
                host = host.add_service("residents.residents", residents.residents);
                host = host.add_service("residents.households", residents.households);
                host = host.add_service("residents.ratings", residents.ratings);
                host = host.add_service("residents.meetings", residents.meetings);
                host = host.add_service("residents.elections", residents.elections);
                host = host.add_service("residents.volunteering", residents.volunteering);
                host = host.add_service("residents.wishes", residents.wishes);
                host = host.add_service("residents.proposals", residents.proposals);
                let proposal_overdue = residents.proposal_overdue;
                watchers.push(background(move |shutdown| proposal_overdue.run(shutdown)));
                projections.extend(residents.projections);
                contexts.push(gongzhi_residents::CONTEXT);
            }
            ServiceName::Grids => {
                let grids = gongzhi_grids::build(gongzhi_grids::GridsDeps {
                    store: deps.store.clone(),
                    read_models: deps.read_models.clone(),
                    vault: deps.vault.clone(),
                    config: deps.grids_config.clone(),
                    auth: deps.auth.clone(),
                    max_wait: deps.max_wait,
                    clock: deps.clock.clone(),
                })
                .await
                .context("failed to build the grids service")?;
                host = host.add_service("grids.map", grids.grid_map);
                host = host.add_service("grids.cases", grids.cases);
                host = host.add_service("grids.metrics", grids.metrics);
                projections.extend(grids.projections);
                let overdue = grids.overdue;
                watchers.push(background(move |shutdown| overdue.run(shutdown)));
                open311 = Some(grids.open311);
                contexts.push(gongzhi_grids::CONTEXT);
            }
            ServiceName::Property => {
                let property = gongzhi_property::build(gongzhi_property::PropertyDeps {
                    store: deps.store.clone(),
                    read_models: deps.read_models.clone(),
                    max_wait: deps.max_wait,
                    clock: deps.clock.clone(),
                })
                .await
                .context("failed to build the property service")?;
                host = host.add_service("property.estates", property.estates);
                host = host.add_service("property.assemblies", property.assemblies);
                host = host.add_service("property.management", property.management);
                host = host.add_service("property.disputes", property.disputes);
                let late_filing = property.late_filing;
                watchers.push(background(move |shutdown| late_filing.run(shutdown)));
                projections.extend(property.projections);
                contexts.push(gongzhi_property::CONTEXT);
            }
            ServiceName::Ppp => {
                let config = gongzhi_ppp::app::config::PppConfig::from_env()
                    .context("failed to read GONGZHI_PPP_CONFIG")?;
                let ppp = gongzhi_ppp::build(gongzhi_ppp::PppDeps {
                    store: deps.store.clone(),
                    read_models: deps.read_models.clone(),
                    max_wait: deps.max_wait,
                    clock: deps.clock.clone(),
                    config: std::sync::Arc::new(config),
                })
                .await
                .context("failed to build the ppp service")?;
                host = host.add_service("ppp.projects", ppp.projects);
                host = host.add_service("ppp.portfolio", ppp.portfolio);
                projections.extend(ppp.projections);
                contexts.push(gongzhi_ppp::CONTEXT);
            }
            ServiceName::Procurement => {
                let procurement =
                    gongzhi_procurement::build(gongzhi_procurement::ProcurementDeps {
                        store: deps.store.clone(),
                        read_models: deps.read_models.clone(),
                        max_wait: deps.max_wait,
                        clock: deps.clock.clone(),
                    })
                    .await
                    .context("failed to build the procurement service")?;
                host = host.add_service("procurement.providers", procurement.providers);
                host = host.add_service("procurement.catalogue", procurement.catalogue);
                host = host.add_service("procurement.purchases", procurement.purchases);
                host = host.add_service("procurement.ventures", procurement.ventures);
                projections.extend(procurement.projections);
                contexts.push(gongzhi_procurement::CONTEXT);
            }
        }
    }
    let admin = AdminServiceServer::new(AdminGrpc::new(deps.store.clone(), projections.clone()));
    host = host.add_service("platform.admin", admin);
    Ok(Hosted {
        host,
        watchers,
        open311,
        projections,
        contexts,
    })
}

/// Every projection of every service, without serving anything: for
/// `gongzhi migrate` and `gongzhi projections`.
pub async fn all_projections(deps: &ServiceDeps) -> anyhow::Result<Vec<ProjectionHandle>> {
    let host = ServiceHost::new(gongzhi_server::HostConfig {
        listen_addr: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        auth: gongzhi_server::AuthConfig::new(Vec::new()),
        drain_timeout: Duration::from_secs(1),
    });
    let services: Vec<ServiceName> = ALL
        .iter()
        .copied()
        .filter(|s| deps.vault.is_some() || !needs_vault(&[*s]))
        .collect();
    Ok(host_services(host, &services, deps).await?.projections)
}
