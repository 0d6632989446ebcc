use crate::args::TelemetryArgs;
use anyhow::Context;
use gongzhi_telemetry::{LogFormat, TelemetryConfig, TelemetryGuard};

pub fn init(service_name: &str, args: &TelemetryArgs) -> anyhow::Result<TelemetryGuard> {
    let mut config = TelemetryConfig::new(service_name);
    config.otlp_endpoint = args.otlp_endpoint.clone();
    config.log_format = if args.log_json {
        LogFormat::Json
    } else {
        LogFormat::Text
    };
    gongzhi_telemetry::init(config).context("failed to set up telemetry")
}
