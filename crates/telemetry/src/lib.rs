//! Tracing and OpenTelemetry setup, one W3C propagator for gRPC metadata and
//! NATS headers.
//!
//! Contract:
//! - [`init`] installs the `tracing` subscriber (env filter, text or JSON
//!   logs) with an OpenTelemetry layer, sets the W3C TraceContext propagator
//!   globally, and, when an OTLP endpoint is configured (or
//!   `OTEL_EXPORTER_OTLP_ENDPOINT` is set), exports spans through a batch
//!   exporter and metrics through a periodic reader over OTLP/gRPC.
//! - Metrics are always kept in a Prometheus registry, scraped with
//!   [`prometheus_text`]; one meter provider serves the whole process.
//! - [`init`] may be called more than once in a process (tests): the first
//!   call installs the subscriber and its filter; every call with an endpoint
//!   adds its exporter until its [`TelemetryGuard`] is shut down.
//! - Span contexts exist even without an exporter, so trace context still
//!   flows from a gRPC call into events and onto the bus.
//! - [`inject_current`], [`extract_context`] and [`set_parent`] are the only
//!   way trace context crosses a process boundary, whatever the carrier.

mod config;
mod error;
mod guard;
mod init;
mod meters;
mod metrics;
mod processor;
mod propagation;

pub use config::{LogFormat, TelemetryConfig};
pub use error::{TelemetryError, TelemetryErrorKind};
pub use guard::TelemetryGuard;
pub use init::init;
pub use meters::{PROMETHEUS_CONTENT_TYPE, prometheus_text};
pub use metrics::Metrics;
pub use propagation::{
    TraceHeaders, current_trace_id, extract_context, inject_context, inject_current, set_parent,
};
