//! City-level federation: every district runs its own Gongzhi and NATS; the
//! city's NATS holds one stream that *sources* the districts' context streams
//! (JetStream's own stream sourcing across JetStream domains, over leaf node
//! connections), and the city read model is projected from that stream by a
//! durable consumer, exactly as a service projects from its own streams.
//!
//! - [`stream`]: the city stream's config (one source per district and
//!   context, filtered to that district's subjects).
//! - [`metrics`]: the `city_metrics` read model, counts per district.
//! - [`run`]: ensure the stream, register the projection, consume.

pub mod metrics;
pub mod run;
pub mod stream;

pub use metrics::{CityMetricsProjection, DistrictMetrics};
pub use run::CityProjection;
pub use stream::{CityStream, DistrictSource};
