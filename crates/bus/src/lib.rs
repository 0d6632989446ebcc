//! The bus: committed events from the event store to NATS JetStream, and
//! back out to handlers.
//!
//! - [`topology`]: subjects `<prefix>.<ctx>.<district>.<aggregate>.<EventType>`,
//!   one stream per context, one dead-letter stream.
//! - [`cloudevents`]: the CloudEvents NATS binding (binary mode) used on the
//!   wire; see the crate README for the header table.
//! - [`Relay`]: `$all` -> JetStream with a durable checkpoint; a crash or a
//!   NATS outage delays events, never drops or duplicates them.
//! - [`Consumer`]: durable pull consumer, bounded redelivery with backoff,
//!   dead letters.
//! - [`InProcessDelivery`]: the same [`EventHandler`]s fed from the store
//!   directly, for the embedded mode without NATS.

pub mod backoff;
pub mod cloudevents;
pub mod connect;
pub mod consumer;
pub mod dead_letters;
pub mod handler;
pub mod in_process;
pub mod relay;
pub mod topology;

/// Re-exported so handler crates implement [`EventHandler`] without naming
/// `async-trait` themselves.
pub use async_trait::async_trait;
pub use connect::{connect_options, redacted};
pub use consumer::{Consumer, ConsumerConfig, ConsumerError, ConsumerErrorKind};
pub use handler::{ConsumerStats, EventHandler, HandlerError, HandlerErrorKind};
pub use in_process::InProcessDelivery;
pub use relay::{Relay, RelayConfig, RelayError, RelayErrorKind};
pub use topology::{BusTopology, TopologyError, TopologyErrorKind};
