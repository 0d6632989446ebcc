//! [`init`]: the one place a process sets up logs, traces and metrics.

use crate::config::{LogFormat, QUIET_SDK, TelemetryConfig};
use crate::error::TelemetryError;
use crate::guard::TelemetryGuard;
use crate::meters::process_wide_meters;
use crate::processor::process_wide;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{
    BatchConfigBuilder, BatchSpanProcessor, OTEL_BSP_MAX_QUEUE_SIZE, SpanProcessor,
};
use std::sync::Arc;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Sets up telemetry for this process; keep the guard alive until shutdown
/// and call [`TelemetryGuard::shutdown`] to flush.
///
/// With an OTLP endpoint it must run inside a tokio runtime (the gRPC
/// exporter's connection lives there). A later call keeps the first call's
/// subscriber and filter but adds its own exporters.
pub fn init(config: TelemetryConfig) -> Result<TelemetryGuard, TelemetryError> {
    let filter_text = config.resolved_filter();
    let filter =
        EnvFilter::try_new(&filter_text).map_err(|source| TelemetryError::InvalidFilter {
            filter: filter_text.clone(),
            source,
        })?;
    let endpoint = config.resolved_endpoint();
    if endpoint.is_some() && tokio::runtime::Handle::try_current().is_err() {
        return Err(TelemetryError::NoRuntime);
    }

    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    let tracing = process_wide();
    opentelemetry::global::set_tracer_provider(tracing.provider.clone());
    install_subscriber(filter, config.log_format);

    let resource = Resource::builder()
        .with_service_name(config.resolved_service_name())
        .build();
    let otlp_metrics = endpoint.as_deref().map(metric_exporter).transpose()?;
    let meters = process_wide_meters(resource.clone(), otlp_metrics)?;
    opentelemetry::global::set_meter_provider(meters.provider.clone());

    let Some(endpoint) = endpoint else {
        return Ok(TelemetryGuard::disabled());
    };
    let spans = span_exporter(&endpoint, &resource)?;
    tracing.attach(spans.clone());
    tracing::info!(%endpoint, "exporting traces and metrics over otlp");
    let flushed_meters = meters.exporting.then(|| meters.provider.clone());
    Ok(TelemetryGuard::new(spans, flushed_meters))
}

/// Logs follow the configured filter; spans go to OpenTelemetry at INFO and
/// above whatever the log level, so quiet logs never cost a trace. The SDK's
/// own chatter stays out of both: exporting must not feed itself.
fn install_subscriber(filter: EnvFilter, format: LogFormat) {
    let tracer = process_wide().provider.tracer("gongzhi");
    let logs = match format {
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_writer(std::io::stderr)
            .boxed(),
    };
    let installed = tracing_subscriber::registry()
        .with(
            tracing_opentelemetry::layer()
                .with_tracer(tracer)
                .with_filter(EnvFilter::new(format!("info,{QUIET_SDK}"))),
        )
        .with(logs.with_filter(filter))
        .try_init();
    // A second init in one process (tests) keeps the first subscriber.
    if let Err(error) = installed {
        tracing::debug!(%error, "tracing subscriber already installed, keeping it");
    }
}

/// Spans buffered for export before new ones are dropped.
const SPAN_QUEUE: usize = 32_768;

fn span_exporter(
    endpoint: &str,
    resource: &Resource,
) -> Result<Arc<BatchSpanProcessor>, TelemetryError> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_tonic()
        .with_endpoint(endpoint)
        .build()
        .map_err(|source| TelemetryError::Exporter {
            endpoint: endpoint.to_owned(),
            source,
        })?;
    // The default queue (2,048 spans) drops spans when a consumer replays a
    // backlog: every applied event is a span. OTEL_BSP_MAX_QUEUE_SIZE still
    // wins when set.
    let mut config = BatchConfigBuilder::default();
    if std::env::var_os(OTEL_BSP_MAX_QUEUE_SIZE).is_none() {
        config = config.with_max_queue_size(SPAN_QUEUE);
    }
    let mut processor = BatchSpanProcessor::builder(exporter)
        .with_batch_config(config.build())
        .build();
    processor.set_resource(resource);
    Ok(Arc::new(processor))
}

fn metric_exporter(endpoint: &str) -> Result<opentelemetry_otlp::MetricExporter, TelemetryError> {
    opentelemetry_otlp::MetricExporter::builder()
        .with_tonic()
        .with_endpoint(endpoint)
        .build()
        .map_err(|source| TelemetryError::Exporter {
            endpoint: endpoint.to_owned(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TelemetryErrorKind;
    use crate::propagation::{current_trace_id, inject_current, set_parent};

    const PARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn second_init_is_harmless_and_spans_continue_a_remote_trace() -> Result<(), TelemetryError> {
        let config = TelemetryConfig {
            filter: Some("info".into()),
            ..TelemetryConfig::new("telemetry-unit-test")
        };
        let first = init(config.clone())?;
        let second = init(config)?;
        assert!(!first.is_exporting() && !second.is_exporting());

        let span = tracing::info_span!("handle_event");
        set_parent(&span, Some(PARENT), None);
        let _entered = span.enter();
        assert_eq!(
            current_trace_id().as_deref(),
            Some("4bf92f3577b34da6a3ce929d0e0e4736")
        );
        let traceparent = inject_current().traceparent.unwrap_or_default();
        assert!(
            traceparent.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"),
            "{traceparent}"
        );
        assert!(
            !traceparent.contains("00f067aa0ba902b7"),
            "a child span has its own id: {traceparent}"
        );
        Ok(())
    }

    #[test]
    fn exporting_needs_a_runtime() {
        let config = TelemetryConfig {
            otlp_endpoint: Some("http://127.0.0.1:4317".into()),
            ..TelemetryConfig::new("telemetry-unit-test")
        };
        assert_eq!(
            init(config).err().map(|e| e.kind()),
            Some(TelemetryErrorKind::NoRuntime)
        );
    }

    #[test]
    fn bad_filter_is_refused() {
        let config = TelemetryConfig {
            filter: Some("info,[[[".into()),
            ..TelemetryConfig::new("telemetry-unit-test")
        };
        assert_eq!(
            init(config).err().map(|e| e.kind()),
            Some(TelemetryErrorKind::InvalidFilter)
        );
    }
}
