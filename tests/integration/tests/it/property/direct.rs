//! The property service built directly (as `build()` makes it) with a fake
//! clock, its read models fed in-process: on real PostgreSQL for tests that
//! drive the late-filing watcher one pass at a time, and on the embedded
//! SQLite store and read models `gongzhi dev` uses.

use super::*;
use gongzhi_bus::InProcessDelivery;
use gongzhi_eventstore::{PostgresEventStore, SharedEventStore, SqliteEventStore};
use gongzhi_projections::{ProjectionHandler, ReadModelDb};
use gongzhi_property::app::late_filing::{LateFilingReport, LateFilingWatcher};
use gongzhi_server::{HostConfig, ServiceHost};
use tokio::task::JoinSet;

/// What keeps a backend alive for the test's duration (dropped at the end:
/// the database is dropped, the directory removed).
enum Backing {
    Postgres(#[allow(dead_code)] TestDb),
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
}

pub struct Direct {
    _backing: Backing,
    pub store: SharedEventStore,
    pub clock: FakeClock,
    pub url: String,
    watcher: LateFilingWatcher,
    shutdown: CancellationToken,
    tasks: JoinSet<()>,
}

impl Direct {
    pub async fn postgres() -> anyhow::Result<Self> {
        let db = fresh_database().await?;
        let store = PostgresEventStore::connect(&db.url).await?;
        store.migrate().await?;
        let read_models = ReadModelDb::postgres(&db.url).await?;
        Self::start(Backing::Postgres(db), Arc::new(store), read_models).await
    }

    pub async fn sqlite() -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let store = SqliteEventStore::open(dir.path().join("events.db")).await?;
        store.migrate().await?;
        let read_models = ReadModelDb::sqlite(dir.path().join("readmodels")).await?;
        Self::start(Backing::Sqlite(dir), Arc::new(store), read_models).await
    }

    async fn start(
        backing: Backing,
        store: SharedEventStore,
        read_models: ReadModelDb,
    ) -> anyhow::Result<Self> {
        let clock = FakeClock::at(monday_morning());
        let service = gongzhi_property::build(gongzhi_property::PropertyDeps {
            store: store.clone(),
            read_models,
            max_wait: Duration::from_secs(10),
            clock: Arc::new(clock.clone()),
        })
        .await?;
        let shutdown = CancellationToken::new();
        let mut tasks = JoinSet::new();
        for handle in &service.projections {
            for source in handle.sources() {
                let delivery = InProcessDelivery::new(
                    store.clone(),
                    Arc::new(ProjectionHandler::new(handle.clone())),
                    format!("{}-{}", handle.name(), source.context),
                    source.filter(),
                );
                tasks.spawn(delivery.run(shutdown.clone()));
            }
        }
        let mut host = ServiceHost::new(HostConfig {
            listen_addr: "127.0.0.1:0".parse()?,
            auth: AuthConfig::new(SECRET.to_vec()),
            drain_timeout: Duration::from_secs(5),
        })
        .add_service("estates", service.estates)
        .add_service("assemblies", service.assemblies)
        .add_service("management", service.management)
        .add_service("disputes", service.disputes);
        let addr = host.bind().await?;
        let serving = shutdown.clone();
        tasks.spawn(async move {
            if let Err(error) = host.serve(serving).await {
                panic!("grpc host failed: {error}");
            }
        });
        Ok(Self {
            _backing: backing,
            store,
            clock,
            url: format!("http://{addr}"),
            watcher: service.late_filing,
            shutdown,
            tasks,
        })
    }

    /// One watcher pass once the read model holds everything written.
    pub async fn tick(
        &self,
        c: &mut Clients,
        committee_id: &str,
    ) -> anyhow::Result<LateFilingReport> {
        let head = self.store.head_position().await?;
        get_committee(c, committee_id, head).await?;
        Ok(self.watcher.tick().await?)
    }

    pub async fn stop(mut self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        while let Some(done) = self.tasks.join_next().await {
            done?;
        }
        Ok(())
    }
}
