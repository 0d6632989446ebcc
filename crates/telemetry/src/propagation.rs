//! W3C TraceContext across process boundaries, one propagator for every
//! carrier: gRPC metadata, NATS headers, and the `traceparent`/`tracestate`
//! stored in an event's metadata.

use opentelemetry::Context;
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::TraceContextExt;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use std::collections::HashMap;
use tracing_opentelemetry::OpenTelemetrySpanExt;

pub const TRACEPARENT: &str = "traceparent";
pub const TRACESTATE: &str = "tracestate";

/// The W3C headers of a span context, ready to put in any carrier.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TraceHeaders {
    pub traceparent: Option<String>,
    pub tracestate: Option<String>,
}

impl TraceHeaders {
    /// `(name, value)` pairs of the headers that are present.
    pub fn pairs(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            (TRACEPARENT, &self.traceparent),
            (TRACESTATE, &self.tracestate),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.as_deref().map(|value| (name, value)))
    }
}

/// Headers of the current `tracing` span; empty when it has no valid trace
/// (no subscriber with the OpenTelemetry layer, or a disabled span).
pub fn inject_current() -> TraceHeaders {
    inject_context(&tracing::Span::current().context())
}

pub fn inject_context(context: &Context) -> TraceHeaders {
    let mut carrier: HashMap<String, String> = HashMap::new();
    TraceContextPropagator::new().inject_context(context, &mut carrier);
    TraceHeaders {
        traceparent: carrier.remove(TRACEPARENT),
        tracestate: carrier.remove(TRACESTATE).filter(|state| !state.is_empty()),
    }
}

/// Reads a remote parent from any carrier; `get` looks a header up by its
/// lowercase name. A missing or malformed `traceparent` gives a context
/// without a parent span.
pub fn extract_context(get: impl Fn(&str) -> Option<String>) -> Context {
    let propagator = TraceContextPropagator::new();
    let carrier: HashMap<String, String> = propagator
        .fields()
        .filter_map(|field| get(field).map(|value| (field.to_owned(), value)))
        .collect();
    propagator.extract(&carrier)
}

/// Makes `span` a child of the trace in `traceparent`, e.g. the one stored in
/// an event's metadata. Call it before the span is first entered; does
/// nothing when `traceparent` is missing or malformed.
pub fn set_parent(span: &tracing::Span, traceparent: Option<&str>, tracestate: Option<&str>) {
    let context = extract_context(|field| match field {
        TRACEPARENT => traceparent.map(str::to_owned),
        TRACESTATE => tracestate.map(str::to_owned),
        _ => None,
    });
    if !context.span().span_context().is_valid() {
        return;
    }
    if let Err(error) = span.set_parent(context) {
        tracing::debug!(%error, "span keeps its own parent");
    }
}

/// Hex trace id of the current span, for log fields and tests.
pub fn current_trace_id() -> Option<String> {
    let context = tracing::Span::current().context();
    let span_context = context.span().span_context().clone();
    span_context
        .is_valid()
        .then(|| span_context.trace_id().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn extracted_context_injects_the_same_headers() {
        let context = extract_context(|field| match field {
            TRACEPARENT => Some(PARENT.to_owned()),
            TRACESTATE => Some("congo=t61rcWkgMzE".to_owned()),
            _ => None,
        });
        let headers = inject_context(&context);
        assert_eq!(headers.traceparent.as_deref(), Some(PARENT));
        assert_eq!(headers.tracestate.as_deref(), Some("congo=t61rcWkgMzE"));
        assert_eq!(headers.pairs().count(), 2);
    }

    #[test]
    fn malformed_traceparent_gives_no_parent() {
        let context = extract_context(|_| Some("00-not-a-trace-01".to_owned()));
        assert!(!context.span().span_context().is_valid());
        assert_eq!(inject_context(&context), TraceHeaders::default());
    }

    #[test]
    fn outside_any_span_nothing_is_injected() {
        assert_eq!(inject_current(), TraceHeaders::default());
        assert_eq!(current_trace_id(), None);
    }
}
