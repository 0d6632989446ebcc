//! An EventStoreDB/KurrentDB-compatible gRPC surface over Gongzhi's event
//! store, so tools and teams that speak the EventStoreDB client protocol
//! read Gongzhi's history with the clients they already have.
//!
//! Served: `Streams.Read` (a stream or `$all`, forwards and backwards,
//! bounded or as a catch-up subscription), `Streams.Append`,
//! `Streams.Delete`/`Tombstone` (external streams only, see [`deletion`]),
//! `ServerFeatures.GetSupportedMethods` and `Gossip.Read` (one node, the
//! leader). Not served: `BatchAppend`, persistent subscriptions,
//! projections, users, operations.
//!
//! Contract:
//! - revisions, `$all` positions (commit and prepare alike) and event ids are
//!   the store's own; see [`mapping`] for the rest of the event;
//! - every call but discovery needs the same token as every Gongzhi service,
//!   as `Bearer <token>` or as the password of Basic credentials; a caller
//!   sees only events of its districts (`city_admin`: all), events of other
//!   districts are left out of `$all` and a stream of another district is
//!   access-denied;
//! - read-only by default: writes answer access-denied until
//!   [`Writes::External`] is set, and then only to streams whose category no
//!   Gongzhi context owns, with event types outside `gongzhi.`, for callers
//!   holding [`WRITER_ROLE`] or `city_admin` ([`access`]);
//! - deleting a stream follows the same rules as appending: never one of
//!   Gongzhi's (the record is evidence; erasure is crypto-shredding);
//! - a refused call changes nothing in the store.

pub mod access;
mod append;
pub mod deletion;
mod discovery;
mod filter;
pub mod mapping;
mod proto;
mod read;
mod status;
mod streams;
mod subscribe;

pub use proto::FILE_DESCRIPTOR_SET;
pub use proto::event_store::client as wire;
pub use streams::MAX_SUBSCRIPTIONS;

use gongzhi_eventstore::SharedEventStore;
use gongzhi_server::{CancellationToken, ServiceHost};
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;

/// The role that may append through this surface when writes are enabled
/// (`city_admin` may too).
pub const WRITER_ROLE: &str = "eventstore_writer";

/// The protocol version announced to clients. Clients parse it to enable
/// features; it names the EventStoreDB release whose protocol this surface
/// follows, not Gongzhi's version.
pub const PROTOCOL_VERSION: &str = "24.10.0";

/// What the surface lets clients write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Writes {
    /// Read-only: every write is access-denied.
    #[default]
    Off,
    /// Appends to streams no Gongzhi context owns.
    External,
}

#[derive(Debug, Clone)]
pub struct EsdbConfig {
    pub writes: Writes,
    /// Stream categories written by Gongzhi's deciders; never writable here.
    pub owned_categories: BTreeSet<String>,
    /// The address `Gossip.Read` announces.
    pub advertised: SocketAddr,
}

/// Adds the surface's services to `host` and makes it speak the way
/// EventStoreDB clients expect: discovery without credentials, Basic
/// credentials accepted, its descriptors in reflection. Subscriptions end
/// when `shutdown` is cancelled.
pub fn add_services(
    host: ServiceHost,
    store: SharedEventStore,
    config: EsdbConfig,
    shutdown: CancellationToken,
) -> ServiceHost {
    let config = Arc::new(config);
    let streams = streams::StreamsGrpc::new(store, config.clone(), shutdown);
    host.accept_basic_credentials()
        .with_descriptor_set(FILE_DESCRIPTOR_SET)
        .add_service(
            "esdb.streams",
            wire::streams::streams_server::StreamsServer::new(streams),
        )
        .add_public_service(
            "esdb.server_features",
            wire::server_features::server_features_server::ServerFeaturesServer::new(
                discovery::Features,
            ),
        )
        .add_public_service(
            "esdb.gossip",
            wire::gossip::gossip_server::GossipServer::new(discovery::Gossip::new(
                config.advertised,
            )),
        )
}
