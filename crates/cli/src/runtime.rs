//! Starting the platform: the all-in-one embedded mode and one service
//! against PostgreSQL and NATS. Both return once listening, with a task that
//! runs until the shutdown token is cancelled and then drains.

use crate::args::ServiceName;
use crate::commands::delivery;
use crate::esdb::EsdbSettings;
use crate::services::{ALL, ServiceDeps, host_services, needs_vault};
use anyhow::Context;
use gongzhi_bus::{BusTopology, Relay, RelayConfig};
use gongzhi_eventstore::{PostgresEventStore, SharedEventStore, SqliteEventStore};
use gongzhi_privacy::{
    KeyCacheConfig, KeyStore, MasterKey, PostgresKeyStore, SqliteKeyStore, Vault,
};
use gongzhi_projections::{ProjectionHandle, ReadModelDb};
use gongzhi_server::{AuthConfig, CITY_ADMIN_ROLE, Claims, HostConfig, ServiceHost, TokenIssuer};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::task::{JoinHandle, JoinSet};
use tokio_util::sync::CancellationToken;

const DEV_TOKEN_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

pub struct Started {
    pub addr: SocketAddr,
    /// Where the EventStoreDB surface listens, when it was asked for.
    pub esdb_addr: Option<SocketAddr>,
    /// Where HTTP listens: `/metrics`, and Open311 where grids is hosted.
    pub http_addr: SocketAddr,
    pub store: SharedEventStore,
    pub projections: Vec<ProjectionHandle>,
    /// Ends after shutdown, once the server drained and background tasks stopped.
    pub task: JoinHandle<anyhow::Result<()>>,
}

pub struct DevStarted {
    pub started: Started,
    /// A city_admin + operator token for this data dir.
    pub token: String,
}

#[derive(Debug, Clone)]
pub struct DevConfig {
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    pub http_listen: SocketAddr,
    pub esdb: Option<EsdbSettings>,
}

pub async fn start_dev(
    config: DevConfig,
    shutdown: CancellationToken,
) -> anyhow::Result<DevStarted> {
    // Configuration first: a bad file stops the start before anything opens.
    let residents_config = residents_config()?;
    let grids_config = grids_config()?;
    tokio::fs::create_dir_all(&config.data_dir)
        .await
        .with_context(|| format!("failed to create data dir {}", config.data_dir.display()))?;
    let store = SqliteEventStore::open(config.data_dir.join("events.db"))
        .await
        .context("failed to open the embedded event store")?
        .with_upcasters(gongzhi_contract::upcasters());
    store
        .migrate()
        .await
        .context("failed to migrate the embedded event store")?;
    let store: SharedEventStore = Arc::new(store);
    let read_models = ReadModelDb::sqlite(config.data_dir.join("readmodels"))
        .await
        .context("failed to open the embedded read models")?;
    let key_store = SqliteKeyStore::open(config.data_dir.join("keys.db"))
        .await
        .context("failed to open the embedded key store")?;
    key_store
        .migrate()
        .await
        .context("failed to migrate the embedded key store")?;
    let vault = Vault::new(
        Arc::new(key_store),
        &dev_master_key(&config.data_dir).await?,
    );
    let auth = AuthConfig::new(dev_secret(&config.data_dir).await?);
    let token = dev_token(&auth)?;
    let host = ServiceHost::new(HostConfig {
        listen_addr: config.listen,
        auth: auth.clone(),
        drain_timeout: Duration::from_secs(10),
    });
    let deps = ServiceDeps {
        store: store.clone(),
        read_models,
        vault: Some(vault),
        max_wait: Duration::from_secs(5),
        auth: auth.clone(),
        grids_config,
        residents_config,
        clock: system_clock(),
    };
    let hosted = host_services(host, ALL, &deps).await?;
    let mut host = hosted.host;
    let addr = host.bind().await.context("failed to listen")?;
    let mut tasks = JoinSet::new();
    let http_addr = spawn_extras(
        &mut tasks,
        hosted.watchers,
        hosted.open311,
        config.http_listen,
        &shutdown,
    )
    .await?;
    let esdb_addr = crate::esdb::spawn_if_asked(
        &mut tasks,
        config.esdb,
        store.clone(),
        auth.clone(),
        Duration::from_secs(10),
        &shutdown,
    )
    .await?;
    let stats = delivery::spawn_in_process(&mut tasks, &store, &hosted.projections, &shutdown);
    MetricsSampler::new(store.clone(), Vec::new(), hosted.projections.clone(), stats)
        .spawn(&mut tasks, shutdown.clone())
        .await;
    let task = tokio::spawn(serve_then_drain(host, tasks, shutdown, Fatal::default()));
    Ok(DevStarted {
        started: Started {
            addr,
            esdb_addr,
            http_addr,
            store,
            projections: hosted.projections,
            task,
        },
        token,
    })
}

#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub services: Vec<ServiceName>,
    pub database_url: String,
    pub nats_url: String,
    pub subject_prefix: String,
    pub listen: SocketAddr,
    pub http_listen: SocketAddr,
    pub jwt_secret: Vec<u8>,
    /// Base64 master key; required when a hosted service holds personal data.
    pub master_key: Option<String>,
    pub max_wait: Duration,
    pub drain_timeout: Duration,
    /// Name prefix of the durable consumers (one service deployment).
    pub consumer_prefix: String,
    /// Copies of each JetStream stream in the NATS cluster (1 to 5).
    pub stream_replicas: usize,
    /// The EventStoreDB surface, off when `None`.
    pub esdb: Option<EsdbSettings>,
}

/// What tests replace when starting a service: the clock (production: the
/// system clock) and the residents config (production: from
/// `GONGZHI_RESIDENTS_CONFIG`).
#[derive(Clone, Default)]
pub struct ServeOverrides {
    pub clock: Option<Arc<dyn gongzhi_kernel::Clock>>,
    pub residents_config: Option<Arc<gongzhi_residents::app::config::ResidentsConfig>>,
}

pub async fn start_serve(
    config: ServeConfig,
    shutdown: CancellationToken,
) -> anyhow::Result<Started> {
    start_serve_with(config, ServeOverrides::default(), shutdown).await
}

/// [`start_serve`] with the clock or the residents config replaced.
pub async fn start_serve_with(
    config: ServeConfig,
    overrides: ServeOverrides,
    shutdown: CancellationToken,
) -> anyhow::Result<Started> {
    // Configuration first: a bad file stops the start before anything connects.
    let residents_config = match overrides.residents_config {
        Some(config) => config,
        None => residents_config()?,
    };
    let grids_config = grids_config()?;
    let topology = BusTopology {
        stream_replicas: config.stream_replicas,
        ..BusTopology::with_prefix(&config.subject_prefix)
    };
    topology.validate().context("invalid bus settings")?;
    let clock = overrides.clock.unwrap_or_else(system_clock);
    let store = PostgresEventStore::connect(&config.database_url)
        .await
        .context("failed to connect to the event store")?
        .with_upcasters(gongzhi_contract::upcasters());
    store
        .migrate()
        .await
        .context("failed to migrate the event store")?;
    let store: SharedEventStore = Arc::new(store);
    let read_models = ReadModelDb::postgres(&config.database_url)
        .await
        .context("failed to open the read models")?;
    let host = ServiceHost::new(HostConfig {
        listen_addr: config.listen,
        auth: AuthConfig::new(config.jwt_secret.clone()),
        drain_timeout: config.drain_timeout,
    });
    let vault = if needs_vault(&config.services) {
        Some(postgres_vault(&config.database_url, config.master_key.as_deref()).await?)
    } else {
        None
    };
    let deps = ServiceDeps {
        store: store.clone(),
        read_models,
        vault,
        max_wait: config.max_wait,
        auth: AuthConfig::new(config.jwt_secret.clone()),
        grids_config,
        residents_config,
        clock,
    };
    let hosted = host_services(host, &config.services, &deps).await?;
    let mut host = hosted.host;
    let addr = host.bind().await.context("failed to listen")?;

    // Retry in the background: NATS being down must not stop commands.
    let nats = crate::commands::nats::connect_retrying(&config.nats_url).await?;
    let jetstream = async_nats::jetstream::new(nats);

    let mut tasks = JoinSet::new();
    let http_addr = spawn_extras(
        &mut tasks,
        hosted.watchers,
        hosted.open311,
        config.http_listen,
        &shutdown,
    )
    .await?;
    let esdb_addr = crate::esdb::spawn_if_asked(
        &mut tasks,
        config.esdb,
        store.clone(),
        AuthConfig::new(config.jwt_secret.clone()),
        config.drain_timeout,
        &shutdown,
    )
    .await?;
    let mut relays = Vec::new();
    let fatal = Fatal::default();
    for context in &hosted.contexts {
        let mut relay_config = RelayConfig::for_context(context);
        relay_config.topology = topology.clone();
        let relay = Relay::new(store.clone(), jetstream.clone(), relay_config);
        relays.push(relay.progress());
        let shutdown = shutdown.clone();
        let fatal = fatal.clone();
        tasks.spawn(async move {
            // Outages are retried inside the relay; only a bad configuration
            // returns, and no retry fixes that: stop the process, failing.
            if let Err(error) = relay.run(shutdown.clone()).await {
                tracing::error!(%error, "relay stopped, shutting down");
                fatal.record(anyhow::Error::new(error).context("the relay stopped"));
                shutdown.cancel();
            }
        });
    }
    let stats = delivery::spawn_consumers(
        &mut tasks,
        &jetstream,
        &topology,
        &config.consumer_prefix,
        &hosted.projections,
        &shutdown,
    );
    MetricsSampler::new(store.clone(), relays, hosted.projections.clone(), stats)
        .spawn(&mut tasks, shutdown.clone())
        .await;
    let task = tokio::spawn(serve_then_drain(host, tasks, shutdown, fatal));
    Ok(Started {
        addr,
        esdb_addr,
        http_addr,
        store,
        projections: hosted.projections,
        task,
    })
}

/// How often lag gauges and consumer counters are sampled into metrics.
const METRICS_INTERVAL: Duration = Duration::from_secs(10);

/// Samples relay lag, projection lag and consumer counters into the
/// OpenTelemetry instruments. A failed sample is logged and skipped, since
/// metrics must never stop the service.
struct MetricsSampler {
    metrics: gongzhi_telemetry::Metrics,
    store: SharedEventStore,
    relays: Vec<tokio::sync::watch::Receiver<u64>>,
    projections: Vec<ProjectionHandle>,
    stats: delivery::NamedStats,
    /// What the counters stood at when last added to the metrics.
    reported: Vec<(u64, u64)>,
}

impl MetricsSampler {
    fn new(
        store: SharedEventStore,
        relays: Vec<tokio::sync::watch::Receiver<u64>>,
        projections: Vec<ProjectionHandle>,
        stats: delivery::NamedStats,
    ) -> Self {
        Self {
            metrics: gongzhi_telemetry::Metrics::new(),
            reported: vec![(0, 0); stats.len()],
            store,
            relays,
            projections,
            stats,
        }
    }

    /// Samples once now, so every series exists from the first scrape, then
    /// every [`METRICS_INTERVAL`] in `tasks` until shutdown.
    async fn spawn(mut self, tasks: &mut JoinSet<()>, shutdown: CancellationToken) {
        self.sample().await;
        tasks.spawn(async move {
            let mut ticks = tokio::time::interval(METRICS_INTERVAL);
            ticks.tick().await;
            loop {
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    _ = ticks.tick() => self.sample().await,
                }
            }
        });
    }

    async fn sample(&mut self) {
        let metrics = &self.metrics;
        // Counted where appends happen; adding nothing here makes the series
        // exist (at 0) before the first conflict, so alerts and dashboards
        // see a value rather than no data.
        metrics.add_append_conflicts(self.store.backend_name(), 0);
        match self.store.head_position().await {
            Ok(head) => {
                let published = self.relays.iter().map(|r| *r.borrow()).min();
                if let Some(published) = published {
                    metrics.record_relay_lag(head.saturating_sub(published));
                }
            }
            Err(error) => tracing::warn!(%error, "cannot read the store head for metrics"),
        }
        for projection in &self.projections {
            match projection.status().await {
                Ok(status) => {
                    metrics.record_projection_lag(projection.name(), status.pending_events);
                    metrics.record_projection_lag_time(projection.name(), status.seconds_behind);
                }
                Err(error) => {
                    tracing::warn!(projection = projection.name(), %error, "cannot read projection status for metrics")
                }
            }
        }
        for ((name, counters), (redelivered, dead)) in
            self.stats.iter().zip(self.reported.iter_mut())
        {
            let (now_redelivered, now_dead) = (counters.redeliveries(), counters.dead_letters());
            metrics.add_redeliveries(name, now_redelivered.saturating_sub(*redelivered));
            metrics.add_dead_letters(name, now_dead.saturating_sub(*dead));
            metrics.record_consumer_pending(name, counters.pending());
            (*redelivered, *dead) = (now_redelivered, now_dead);
        }
    }
}

/// The first error that stopped background work, so a process stopped by it
/// exits failing rather than as if asked to stop.
#[derive(Clone, Default)]
struct Fatal(Arc<std::sync::Mutex<Option<anyhow::Error>>>);

impl Fatal {
    fn record(&self, error: anyhow::Error) {
        let mut first = self.0.lock().unwrap_or_else(|e| e.into_inner());
        first.get_or_insert(error);
    }

    fn take(&self) -> Option<anyhow::Error> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

async fn serve_then_drain(
    host: ServiceHost,
    mut tasks: JoinSet<()>,
    shutdown: CancellationToken,
    fatal: Fatal,
) -> anyhow::Result<()> {
    let served = host.serve(shutdown.clone()).await;
    // The server is done (drained or failed): stop the background work too.
    shutdown.cancel();
    while tasks.join_next().await.is_some() {}
    served.context("grpc server failed")?;
    match fatal.take() {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Grids settings per district from `GONGZHI_GRIDS_CONFIG` (a JSON file),
/// defaults when unset.
pub fn grids_config() -> anyhow::Result<Arc<gongzhi_grids::app::config::GridsConfig>> {
    Ok(Arc::new(
        gongzhi_grids::app::config::GridsConfig::from_env()
            .context("failed to read GONGZHI_GRIDS_CONFIG")?,
    ))
}

/// Residents settings per district (meeting rules) from
/// `GONGZHI_RESIDENTS_CONFIG` (a JSON file), the Organic Law's defaults when
/// unset.
pub fn residents_config() -> anyhow::Result<Arc<gongzhi_residents::app::config::ResidentsConfig>> {
    Ok(Arc::new(
        gongzhi_residents::app::config::ResidentsConfig::from_env()
            .context("failed to read GONGZHI_RESIDENTS_CONFIG")?,
    ))
}

pub fn system_clock() -> Arc<dyn gongzhi_kernel::Clock> {
    Arc::new(gongzhi_kernel::SystemClock)
}

/// Runs the hosted services' background work (overdue watchers) and serves
/// HTTP (metrics, and Open311 where grids is hosted) until shutdown.
/// Returns where HTTP listens.
async fn spawn_extras(
    tasks: &mut JoinSet<()>,
    watchers: Vec<crate::services::Background>,
    open311: Option<gongzhi_grids::open311::Open311State>,
    http_listen: SocketAddr,
    shutdown: &CancellationToken,
) -> anyhow::Result<SocketAddr> {
    for watcher in watchers {
        // Errors are logged and retried inside; it returns on cancel.
        tasks.spawn(watcher(shutdown.clone()));
    }
    crate::http::spawn(tasks, crate::http::router(open311), http_listen, shutdown).await
}

/// The vault over the PostgreSQL key store, with the configured master key.
pub async fn postgres_vault(database_url: &str, master_key: Option<&str>) -> anyhow::Result<Vault> {
    let master_key = master_key.context(
        "GONGZHI_MASTER_KEY (--master-key) is required for services holding personal data",
    )?;
    let master_key = MasterKey::from_base64(master_key)
        .context("GONGZHI_MASTER_KEY is not a base64 32-byte key")?;
    let key_store = PostgresKeyStore::connect(database_url)
        .await
        .context("failed to connect to the key store")?;
    key_store
        .migrate()
        .await
        .context("failed to migrate the key store")?;
    // Set only while `gongzhi keys rotate` moves the keys to `master_key`.
    let previous = match std::env::var(PREVIOUS_MASTER_KEY_ENV) {
        Ok(raw) if !raw.trim().is_empty() => {
            Some(MasterKey::from_base64(&raw).with_context(|| {
                format!("{PREVIOUS_MASTER_KEY_ENV} is not a base64 32-byte key")
            })?)
        }
        _ => None,
    };
    Vault::load(
        Arc::new(key_store),
        &master_key,
        previous.as_ref(),
        KeyCacheConfig::default(),
    )
    .await
    .context("failed to open the vault with GONGZHI_MASTER_KEY")
}

/// The master key before a rotation: keys still wrapped under it keep opening.
pub const PREVIOUS_MASTER_KEY_ENV: &str = "GONGZHI_PREVIOUS_MASTER_KEY";

/// A random master key kept in the data dir: embedded mode only. Losing it
/// loses every resident's personal data, exactly like an erasure.
async fn dev_master_key(data_dir: &std::path::Path) -> anyhow::Result<MasterKey> {
    let file = data_dir.join("dev-master-key");
    if let Ok(text) = tokio::fs::read_to_string(&file).await {
        return MasterKey::from_base64(&text)
            .with_context(|| format!("{} is not a master key", file.display()));
    }
    let key = MasterKey::generate().context("failed to generate a master key")?;
    tokio::fs::write(&file, key.expose_base64())
        .await
        .with_context(|| format!("failed to write {}", file.display()))?;
    Ok(key)
}

/// A random secret kept in the data dir, so dev tokens survive restarts.
pub async fn dev_secret(data_dir: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    let file = data_dir.join("dev-jwt-secret");
    match tokio::fs::read(&file).await {
        Ok(secret) if !secret.is_empty() => Ok(secret),
        _ => {
            let secret = format!(
                "{}{}",
                uuid::Uuid::new_v4().simple(),
                uuid::Uuid::new_v4().simple()
            );
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
    TokenIssuer::new(auth)
        .issue_claims(&claims)
        .context("failed to issue the dev token")
}
