//! `gongzhi dev`: every service in one process on an embedded SQLite store,
//! events delivered to projections in-process (no NATS, no PostgreSQL).

use super::telemetry;
use crate::args::DevArgs;
use crate::runtime::{DevConfig, start_dev};
use gongzhi_server::shutdown_on_signals;

pub async fn run(args: DevArgs) -> anyhow::Result<()> {
    let telemetry = telemetry::init("gongzhi-dev", &args.telemetry)?;
    let shutdown = shutdown_on_signals();
    let dev = start_dev(
        DevConfig {
            data_dir: args.data_dir.clone(),
            listen: args.listen,
            http_listen: args.http_listen,
            esdb: crate::esdb::EsdbSettings::from_args(&args.esdb),
        },
        shutdown,
    )
    .await?;
    let addr = dev.started.addr;
    println!("gongzhi dev: every service on {addr} (grpc, plaintext HTTP/2, health + reflection)");
    if let Some(esdb) = dev.started.esdb_addr {
        println!(
            "  eventstoredb: kurrentdb://dev:<token>@{esdb}?tls=false (KurrentDB/EventStoreDB clients)"
        );
    }
    let http = dev.started.http_addr;
    println!("  open311: http://{http}/open311/v2/services.json");
    println!("  metrics: http://{http}/metrics");
    println!("  data:   {}", args.data_dir.display());
    println!(
        "  health: scripts/buf curl --protocol grpc --http2-prior-knowledge http://{addr}/grpc.health.v1.Health/Check"
    );
    println!("  token:  {}", dev.token);
    println!(
        "  (a city_admin + operator token valid for 30 days; send it as 'authorization: Bearer <token>')"
    );
    let result = dev.started.task.await;
    telemetry.shutdown().await;
    result??;
    println!("gongzhi dev: stopped");
    Ok(())
}
