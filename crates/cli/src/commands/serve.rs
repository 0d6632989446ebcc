//! `gongzhi serve <service>`: one service against PostgreSQL and NATS. The
//! relay publishes the service's events from the committed store; durable
//! consumers feed its projections. NATS being down at start or later delays
//! events, it never fails commands.

use super::telemetry;
use crate::args::{ServeArgs, ServiceName};
use crate::runtime::{ServeConfig, start_serve};
use gongzhi_server::shutdown_on_signals;
use std::time::Duration;

pub fn service_label(service: ServiceName) -> &'static str {
    match service {
        ServiceName::Platform => "platform",
        ServiceName::Residents => "residents",
        ServiceName::Grids => "grids",
        ServiceName::Property => "property",
        ServiceName::Ppp => "ppp",
        ServiceName::Procurement => "procurement",
    }
}

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let label = service_label(args.service);
    let telemetry = telemetry::init(&format!("gongzhi-{label}"), &args.telemetry)?;
    let shutdown = shutdown_on_signals();
    let config = ServeConfig {
        services: vec![args.service],
        database_url: args.database.database_url,
        nats_url: args.nats.nats_url,
        subject_prefix: args.nats.subject_prefix,
        listen: args.listen,
        http_listen: args.http_listen,
        jwt_secret: args.jwt_secret.into_bytes(),
        master_key: args.database.master_key,
        max_wait: Duration::from_millis(args.max_wait_ms),
        drain_timeout: Duration::from_secs(args.drain_seconds),
        consumer_prefix: label.to_owned(),
        stream_replicas: usize::from(args.stream_replicas),
        esdb: crate::esdb::EsdbSettings::from_args(&args.esdb),
    };
    let started = start_serve(config, shutdown).await?;
    tracing::info!(addr = %started.addr, esdb = ?started.esdb_addr, service = label, "serving");
    let result = started.task.await;
    telemetry.shutdown().await;
    result?
}
