//! What [`crate::init`] needs to know. Environment variables named by the
//! OpenTelemetry specification fill what the configuration leaves out.

pub(crate) const QUIET_SDK: &str =
    "opentelemetry=warn,opentelemetry_sdk=warn,opentelemetry_otlp=warn";

/// How log lines are written to stderr.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines, for a terminal.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelemetryConfig {
    /// `service.name` of the exported resource; `OTEL_SERVICE_NAME` wins when set.
    pub service_name: String,
    /// OTLP/gRPC collector, e.g. `http://127.0.0.1:4317`. When `None`,
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` is used; when neither is set nothing is exported.
    pub otlp_endpoint: Option<String>,
    pub log_format: LogFormat,
    /// `tracing` env-filter directives; `None` reads `RUST_LOG`, then `info`.
    pub filter: Option<String>,
}

impl TelemetryConfig {
    pub fn new(service_name: impl Into<String>) -> Self {
        Self {
            service_name: service_name.into(),
            otlp_endpoint: None,
            log_format: LogFormat::Text,
            filter: None,
        }
    }

    pub(crate) fn resolved_endpoint(&self) -> Option<String> {
        self.otlp_endpoint
            .clone()
            .or_else(|| non_empty_env("OTEL_EXPORTER_OTLP_ENDPOINT"))
            .filter(|endpoint| !endpoint.trim().is_empty())
    }

    pub(crate) fn resolved_service_name(&self) -> String {
        non_empty_env("OTEL_SERVICE_NAME").unwrap_or_else(|| self.service_name.clone())
    }

    /// The filter directives. Unless they say otherwise, the OpenTelemetry
    /// SDK's own chatter is kept to warnings.
    pub(crate) fn resolved_filter(&self) -> String {
        let filter = self
            .filter
            .clone()
            .or_else(|| non_empty_env("RUST_LOG"))
            .unwrap_or_else(|| "info".to_owned());
        if filter.contains("opentelemetry") {
            return filter;
        }
        format!("{filter},{QUIET_SDK}")
    }
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_values_win_over_defaults() {
        let config = TelemetryConfig {
            otlp_endpoint: Some("http://127.0.0.1:4317".into()),
            filter: Some("debug".into()),
            ..TelemetryConfig::new("residents")
        };
        assert_eq!(
            config.resolved_endpoint().as_deref(),
            Some("http://127.0.0.1:4317")
        );
        assert_eq!(config.resolved_filter(), format!("debug,{QUIET_SDK}"));
        let chatty = TelemetryConfig {
            filter: Some("info,opentelemetry=debug".into()),
            ..TelemetryConfig::new("residents")
        };
        assert_eq!(chatty.resolved_filter(), "info,opentelemetry=debug");
    }

    #[test]
    fn blank_endpoint_means_no_export() {
        let config = TelemetryConfig {
            otlp_endpoint: Some("  ".into()),
            ..TelemetryConfig::new("residents")
        };
        assert_eq!(config.resolved_endpoint(), None);
    }
}
