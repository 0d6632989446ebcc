//! The EventStoreDB/KurrentDB-compatible surface (`gongzhi-esdb`) on its
//! own port beside the gRPC services: off unless `--esdb-listen` is set, so
//! the protocol's Basic credentials and credential-free discovery exist only
//! where an operator asked for them. Same tokens, same store, same shutdown.

use crate::args::{EsdbArgs, EsdbWrites};
use anyhow::Context;
use gongzhi_esdb::{EsdbConfig, Writes};
use gongzhi_eventstore::SharedEventStore;
use gongzhi_server::{AuthConfig, HostConfig, ServiceHost};
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EsdbSettings {
    pub listen: SocketAddr,
    pub writes: Writes,
}

impl EsdbSettings {
    /// `None` unless the surface was asked for.
    pub fn from_args(args: &EsdbArgs) -> Option<Self> {
        let writes = match args.esdb_writes {
            EsdbWrites::Off => Writes::Off,
            EsdbWrites::External => Writes::External,
        };
        args.esdb_listen.map(|listen| Self { listen, writes })
    }
}

/// Every category a Gongzhi context writes, whichever services this process
/// hosts: the store is shared, so all of them are off limits.
pub fn owned_categories() -> BTreeSet<String> {
    [
        gongzhi_platform::STREAM_CATEGORIES,
        gongzhi_residents::STREAM_CATEGORIES,
        gongzhi_grids::STREAM_CATEGORIES,
        gongzhi_property::STREAM_CATEGORIES,
        gongzhi_ppp::STREAM_CATEGORIES,
        gongzhi_procurement::STREAM_CATEGORIES,
    ]
    .into_iter()
    .flatten()
    .map(|category| (*category).to_owned())
    .collect()
}

/// [`spawn`] when `settings` asks for the surface.
pub async fn spawn_if_asked(
    tasks: &mut JoinSet<()>,
    settings: Option<EsdbSettings>,
    store: SharedEventStore,
    auth: AuthConfig,
    drain_timeout: Duration,
    shutdown: &CancellationToken,
) -> anyhow::Result<Option<SocketAddr>> {
    match settings {
        Some(settings) => Ok(Some(
            spawn(tasks, settings, store, auth, drain_timeout, shutdown).await?,
        )),
        None => Ok(None),
    }
}

/// Binds the surface and serves it in `tasks` until shutdown (then it
/// drains like the main host); a failure of its server stops the process.
pub async fn spawn(
    tasks: &mut JoinSet<()>,
    settings: EsdbSettings,
    store: SharedEventStore,
    auth: AuthConfig,
    drain_timeout: Duration,
    shutdown: &CancellationToken,
) -> anyhow::Result<SocketAddr> {
    let mut host = ServiceHost::new(HostConfig {
        listen_addr: settings.listen,
        auth,
        drain_timeout,
    });
    let addr = host
        .bind()
        .await
        .context("failed to listen for the EventStoreDB surface")?;
    let config = EsdbConfig {
        writes: settings.writes,
        owned_categories: owned_categories(),
        advertised: advertised(addr),
    };
    let host = gongzhi_esdb::add_services(host, store, config, shutdown.clone());
    let shutdown = shutdown.clone();
    tasks.spawn(async move {
        if let Err(error) = host.serve(shutdown.clone()).await {
            tracing::error!(%error, "eventstoredb surface failed, shutting down");
            shutdown.cancel();
        }
    });
    tracing::info!(%addr, writes = ?settings.writes, "serving the eventstoredb surface");
    Ok(addr)
}

/// What gossip tells clients to connect to: the bound address, loopback
/// when bound to every interface (clients connect to the seed they were
/// given anyway; gossip only matters in cluster mode).
fn advertised(addr: SocketAddr) -> SocketAddr {
    if addr.ip().is_unspecified() {
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
    } else {
        addr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owned_categories_cover_every_context() {
        let owned = owned_categories();
        for category in [
            "resident",
            "case",
            "grid",
            "notice",
            "estate",
            "purchase",
            "pppproject",
        ] {
            assert!(owned.contains(category), "{category} is not listed");
        }
    }
}
