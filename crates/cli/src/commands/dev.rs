//! `gongzhi dev`: every service in one process on an embedded SQLite store,
//! events delivered to projections in-process (no NATS, no PostgreSQL).

use super::{delivery, telemetry};
use crate::args::DevArgs;
use crate::services::{ALL, host_services};
use anyhow::Context;
use gongzhi_eventstore::{SharedEventStore, SqliteEventStore};
use gongzhi_projections::ReadModelDb;
use gongzhi_server::{AuthConfig, CITY_ADMIN_ROLE, Claims, HostConfig, ServiceHost, TokenIssuer, shutdown_on_signals};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::task::JoinSet;

const DEV_TOKEN_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

pub async fn run(args: DevArgs) -> anyhow::Result<()> {
    let telemetry = telemetry::init("gongzhi-dev", &args.telemetry)?;
    tokio::fs::create_dir_all(&args.data_dir)
        .await
        .with_context(|| format!("failed to create data dir {}", args.data_dir.display()))?;
    let store = SqliteEventStore::open(args.data_dir.join("events.db"))
        .await
        .context("failed to open the embedded event store")?;
    store.migrate().await.context("failed to migrate the embedded event store")?;
    let store: SharedEventStore = Arc::new(store);
    let read_models = ReadModelDb::sqlite(args.data_dir.join("readmodels"))
        .await
        .context("failed to open the embedded read models")?;

    let auth = AuthConfig::new(dev_secret(&args.data_dir).await?);
    let host = ServiceHost::new(HostConfig {
        listen_addr: args.listen,
        auth: auth.clone(),
        drain_timeout: Duration::from_secs(10),
    });
    let hosted = host_services(host, ALL, &store, &read_models, Duration::from_secs(5)).await?;
    let mut host = hosted.host;
    let addr = host.bind().await.context("failed to listen")?;
    let token = dev_token(&auth)?;

    println!("gongzhi dev: every service on {addr} (grpc, plaintext HTTP/2, health + reflection)");
    println!("  data:   {}", args.data_dir.display());
    println!("  health: scripts/buf curl --protocol grpc --http2-prior-knowledge http://{addr}/grpc.health.v1.Health/Check");
    println!("  token:  {token}");
    println!("  (a city_admin + operator token valid for 30 days; send it as 'authorization: Bearer <token>')");

    let shutdown = shutdown_on_signals();
    let mut tasks = JoinSet::new();
    delivery::spawn_in_process(&mut tasks, &store, &hosted.projections, &shutdown);
    let served = host.serve(shutdown.clone()).await;
    shutdown.cancel();
    while tasks.join_next().await.is_some() {}
    telemetry.shutdown().await;
    served.context("grpc server failed")?;
    println!("gongzhi dev: stopped");
    Ok(())
}

/// A random secret kept in the data dir, so dev tokens survive restarts.
async fn dev_secret(data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    let file = data_dir.join("dev-jwt-secret");
    match tokio::fs::read(&file).await {
        Ok(secret) if !secret.is_empty() => Ok(secret),
        _ => {
            let secret = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
            tokio::fs::write(&file, &secret)
                .await
                .with_context(|| format!("failed to write {}", file.display()))?;
            Ok(secret.into_bytes())
        }
    }
}

fn dev_token(auth: &AuthConfig) -> anyhow::Result<String> {
    let exp = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() + DEV_TOKEN_TTL.as_secs();
    let claims = Claims {
        sub: "dev".to_owned(),
        roles: vec![CITY_ADMIN_ROLE.to_owned(), "operator".to_owned()],
        districts: Vec::new(),
        exp,
    };
    TokenIssuer::new(auth).issue_claims(&claims).context("failed to issue the dev token")
}
