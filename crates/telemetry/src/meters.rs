//! The process-wide meter provider. Every instrument records into one
//! Prometheus registry, scraped over HTTP ([`prometheus_text`]); when the
//! process's first [`crate::init`] names an OTLP endpoint, the same provider
//! also exports over OTLP.
//!
//! One provider for the whole process, because instruments bind to the
//! provider that is global when they are created: swapping providers later
//! would leave long-lived instruments (a server layer, a metrics sampler)
//! recording into one nobody reads. A real process calls `init` once; tests
//! call it many times and keep the first provider.

use crate::error::TelemetryError;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use prometheus::{Encoder, TextEncoder};
use std::sync::OnceLock;

pub(crate) struct ProcessWideMeters {
    pub(crate) provider: SdkMeterProvider,
    registry: prometheus::Registry,
    /// Whether the provider also exports over OTLP.
    pub(crate) exporting: bool,
}

static METERS: OnceLock<ProcessWideMeters> = OnceLock::new();

/// The provider, built on first use with the Prometheus reader and, when
/// given, the OTLP exporter of that first call.
pub(crate) fn process_wide_meters(
    resource: Resource,
    otlp: Option<opentelemetry_otlp::MetricExporter>,
) -> Result<&'static ProcessWideMeters, TelemetryError> {
    if let Some(meters) = METERS.get() {
        return Ok(meters);
    }
    let registry = prometheus::Registry::new();
    let reader = opentelemetry_prometheus::exporter()
        .with_registry(registry.clone())
        .build()
        .map_err(|source| TelemetryError::Prometheus(source.to_string()))?;
    let exporting = otlp.is_some();
    let mut builder = SdkMeterProvider::builder()
        .with_reader(reader)
        .with_resource(resource);
    if let Some(exporter) = otlp {
        builder = builder.with_periodic_exporter(exporter);
    }
    let built = ProcessWideMeters {
        provider: builder.build(),
        registry,
        exporting,
    };
    // A concurrent first call may have won; both built the same thing and
    // the loser's provider is dropped unused.
    Ok(METERS.get_or_init(|| built))
}

/// Every metric of this process in the Prometheus text exposition format;
/// empty before [`crate::init`].
pub fn prometheus_text() -> String {
    let Some(meters) = METERS.get() else {
        return String::new();
    };
    let mut text = Vec::new();
    if let Err(error) = TextEncoder::new().encode(&meters.registry.gather(), &mut text) {
        tracing::warn!(%error, "encoding metrics for prometheus failed");
    }
    String::from_utf8(text).unwrap_or_default()
}

/// The content type of [`prometheus_text`].
pub const PROMETHEUS_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";
