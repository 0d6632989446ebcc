//! Why telemetry could not be set up. Callers match on [`TelemetryError::kind`].

#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    #[error("invalid log filter {filter:?}: {source}")]
    InvalidFilter {
        filter: String,
        #[source]
        source: tracing_subscriber::filter::ParseError,
    },
    #[error("otlp exporting needs a tokio runtime: call init from inside one")]
    NoRuntime,
    #[error("cannot build the otlp exporter for {endpoint}: {source}")]
    Exporter {
        endpoint: String,
        #[source]
        source: opentelemetry_otlp::ExporterBuildError,
    },
    #[error("cannot build the prometheus reader: {0}")]
    Prometheus(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TelemetryErrorKind {
    InvalidFilter,
    NoRuntime,
    Exporter,
    Prometheus,
}

impl TelemetryError {
    pub fn kind(&self) -> TelemetryErrorKind {
        match self {
            Self::InvalidFilter { .. } => TelemetryErrorKind::InvalidFilter,
            Self::NoRuntime => TelemetryErrorKind::NoRuntime,
            Self::Exporter { .. } => TelemetryErrorKind::Exporter,
            Self::Prometheus(_) => TelemetryErrorKind::Prometheus,
        }
    }
}
