//! The process-wide tracer provider. `tracing` allows one global subscriber,
//! so its OpenTelemetry layer is built once over this provider; exporters come
//! and go behind [`SwappableSpanProcessor`] as [`crate::init`] calls and
//! [`crate::TelemetryGuard`]s start and stop them.

use opentelemetry::Context;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{
    BatchSpanProcessor, SdkTracerProvider, Span, SpanData, SpanProcessor,
};
use std::sync::{Arc, OnceLock, PoisonError, RwLock};
use std::time::Duration;

type Slot = Arc<RwLock<Vec<Arc<BatchSpanProcessor>>>>;

pub(crate) struct ProcessWideTracing {
    pub(crate) provider: SdkTracerProvider,
    exporters: Slot,
}

static TRACING: OnceLock<ProcessWideTracing> = OnceLock::new();

pub(crate) fn process_wide() -> &'static ProcessWideTracing {
    TRACING.get_or_init(|| {
        let exporters = Slot::default();
        let provider = SdkTracerProvider::builder()
            .with_span_processor(SwappableSpanProcessor {
                exporters: exporters.clone(),
            })
            .build();
        ProcessWideTracing {
            provider,
            exporters,
        }
    })
}

impl ProcessWideTracing {
    pub(crate) fn attach(&self, exporter: Arc<BatchSpanProcessor>) {
        self.exporters
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .push(exporter);
    }

    pub(crate) fn detach(&self, exporter: &Arc<BatchSpanProcessor>) {
        self.exporters
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|attached| !Arc::ptr_eq(attached, exporter));
    }
}

/// Forwards finished spans to every attached batch exporter (usually one).
#[derive(Debug)]
struct SwappableSpanProcessor {
    exporters: Slot,
}

impl SwappableSpanProcessor {
    fn each(&self, mut apply: impl FnMut(&BatchSpanProcessor) -> OTelSdkResult) -> OTelSdkResult {
        let attached = self
            .exporters
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        attached
            .iter()
            .map(|exporter| apply(exporter))
            .fold(Ok(()), Result::and)
    }
}

impl SpanProcessor for SwappableSpanProcessor {
    fn on_start(&self, span: &mut Span, cx: &Context) {
        let attached = self
            .exporters
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        for exporter in attached.iter() {
            exporter.on_start(span, cx);
        }
    }

    fn on_end(&self, span: SpanData) {
        let attached = self
            .exporters
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        // SpanData is owned; clone only when more than one exporter listens.
        if let Some((last, others)) = attached.split_last() {
            for exporter in others {
                exporter.on_end(span.clone());
            }
            last.on_end(span);
        }
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.each(|exporter| exporter.force_flush())
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        // Each exporter belongs to a guard that shuts it down; the provider
        // shutting down only detaches them.
        let _ = timeout;
        self.exporters
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        Ok(())
    }

    fn set_resource(&mut self, _resource: &Resource) {
        // Each exporter gets its own service's resource when it is built.
    }
}
