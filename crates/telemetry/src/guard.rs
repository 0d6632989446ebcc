//! [`TelemetryGuard`]: owns one [`crate::init`] call's exporters and flushes
//! them at shutdown.
//!
//! The OTLP exporters run on their own threads but send through a tonic
//! channel whose connection task lives on the tokio runtime, so flushing
//! blocks a thread that must not be the one driving that runtime: `shutdown`
//! flushes on a blocking-pool thread, and `Drop` picks a thread that is safe.

use crate::processor::process_wide;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::{BatchSpanProcessor, SpanProcessor};
use std::sync::Arc;
use tokio::runtime::{Handle, RuntimeFlavor};

/// Keeps exporters alive; [`TelemetryGuard::shutdown`] (or, best effort, drop)
/// flushes pending spans and metrics and stops them.
#[derive(Debug, Default)]
#[must_use = "dropping the guard stops exporting; keep it until shutdown"]
pub struct TelemetryGuard {
    exporters: Option<Exporters>,
}

#[derive(Debug)]
struct Exporters {
    spans: Arc<BatchSpanProcessor>,
    /// The process-wide provider when it exports over OTLP: flushed, never
    /// stopped, since the Prometheus scrape reads it until the process ends.
    meters: Option<SdkMeterProvider>,
}

impl TelemetryGuard {
    pub(crate) fn disabled() -> Self {
        Self { exporters: None }
    }

    pub(crate) fn new(spans: Arc<BatchSpanProcessor>, meters: Option<SdkMeterProvider>) -> Self {
        Self {
            exporters: Some(Exporters { spans, meters }),
        }
    }

    /// Whether this guard exports anything (an OTLP endpoint was configured).
    pub fn is_exporting(&self) -> bool {
        self.exporters.is_some()
    }

    /// Exports every span ended so far and the current metrics, keeping the
    /// exporters running.
    pub async fn flush(&self) {
        let Some(exporters) = &self.exporters else {
            return;
        };
        let spans = exporters.spans.clone();
        let meters = exporters.meters.clone();
        let flushed = tokio::task::spawn_blocking(move || {
            if let Err(error) = spans.force_flush() {
                tracing::warn!(%error, "flushing spans failed");
            }
            if let Some(Err(error)) = meters.map(|m| m.force_flush()) {
                tracing::warn!(%error, "flushing metrics failed");
            }
        })
        .await;
        if let Err(error) = flushed {
            tracing::warn!(%error, "telemetry flush task failed");
        }
    }

    /// Flushes pending spans and metrics, then stops the exporters.
    pub async fn shutdown(mut self) {
        let Some(exporters) = self.exporters.take() else {
            return;
        };
        if let Err(error) = tokio::task::spawn_blocking(move || exporters.shutdown()).await {
            tracing::warn!(%error, "telemetry shutdown task failed");
        }
    }
}

impl Exporters {
    fn shutdown(self) {
        // Flush before detaching so spans ending meanwhile are not dropped;
        // shutdown then exports whatever arrived in between.
        if let Err(error) = self.spans.force_flush() {
            tracing::warn!(%error, "flushing spans failed");
        }
        process_wide().detach(&self.spans);
        if let Err(error) = self.spans.shutdown() {
            tracing::warn!(%error, "stopping the span exporter failed");
        }
        if let Some(Err(error)) = self.meters.map(|m| m.force_flush()) {
            tracing::warn!(%error, "flushing metrics failed");
        }
    }
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        let Some(exporters) = self.exporters.take() else {
            return;
        };
        match Handle::try_current().map(|handle| handle.runtime_flavor()) {
            Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(|| exporters.shutdown()),
            // Blocking this thread would stall the connection task the export
            // needs; finish on a detached thread instead (best effort).
            Ok(_) => {
                std::thread::spawn(move || exporters.shutdown());
            }
            Err(_) => exporters.shutdown(),
        }
    }
}
