//! The command workload: `RegisterResident` through gRPC, then `GetResident`
//! with the receipt's position as `min_position`, i.e. until the read model
//! (fed relay -> JetStream -> durable consumer) answers with it. The platform
//! runs in-process as `gongzhi serve residents` runs it, against a fresh
//! database and NATS.
//!
//! Open loop: command `i` is due at `start + i / rate` whether or not earlier
//! ones finished, and its latency runs from when it was due, so queueing
//! counts. The highest sustained rate comes from a closed loop keeping
//! `concurrency` commands in flight.
//!
//! Baseline at the same offered loads: what one durable write and one read
//! back cost PostgreSQL itself (a single-row INSERT committed, then a SELECT
//! by key), driven by the same scheduler.

use super::BenchConfig;
use super::baseline;
use super::database::BenchDatabase;
use super::report::Latencies;
use crate::args::ServiceName;
use crate::runtime::{ServeConfig, start_serve};
use anyhow::Context;
use gongzhi_kernel::{DistrictCode, ResidentIdNumber};
use gongzhi_privacy::MasterKey;
use gongzhi_proto::gongzhi::residents::v1 as pb;
use gongzhi_proto::gongzhi::residents::v1::resident_service_client::ResidentServiceClient;
use gongzhi_server::{AuthConfig, Caller, TokenIssuer};
use sqlx::PgPool;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;

const DISTRICT: &str = "500108";
const SECRET: &[u8] = b"gongzhi-bench-secret";
const CHANNELS: usize = 4;
const WARM_UP: u64 = 20;

/// One offered load (or the closed loop) and what came of it.
#[derive(Debug, Clone)]
pub struct LoadPoint {
    /// Commands per second offered; `None` for the closed loop.
    pub offered: Option<u32>,
    /// Commands kept in flight by the closed loop (0 for open-loop points).
    pub in_flight: usize,
    pub gongzhi: Latencies,
    pub baseline: Latencies,
}

pub async fn run(config: &BenchConfig) -> anyhow::Result<Vec<LoadPoint>> {
    let database = BenchDatabase::create(&config.database_url).await?;
    let result = measure(config, &database).await;
    database.drop_database().await?;
    let points = result?;
    print_table(&points);
    Ok(points)
}

async fn measure(config: &BenchConfig, database: &BenchDatabase) -> anyhow::Result<Vec<LoadPoint>> {
    let shutdown = CancellationToken::new();
    let prefix = format!("b{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
    let started = start_serve(
        ServeConfig {
            services: vec![ServiceName::Residents],
            database_url: database.url.clone(),
            nats_url: config.nats_url.clone(),
            subject_prefix: prefix.clone(),
            listen: "127.0.0.1:0".parse()?,
            http_listen: "127.0.0.1:0".parse()?,
            jwt_secret: SECRET.to_vec(),
            master_key: Some(MasterKey::generate()?.expose_base64()),
            max_wait: Duration::from_secs(10),
            drain_timeout: Duration::from_secs(5),
            consumer_prefix: prefix.clone(),
            stream_replicas: 1,
            esdb: None,
        },
        shutdown.clone(),
    )
    .await
    .context("failed to start the residents service for the bench")?;
    let settle = Settle {
        store: started.store.clone(),
        projections: started.projections.clone(),
    };
    let result = drive(config, started.addr, database, &settle).await;
    shutdown.cancel();
    started.task.await??;
    delete_streams(&config.nats_url, &prefix).await;
    result
}

/// Lets the read models catch up with the store between loads, so a load the
/// platform could not sustain does not leave its backlog to the next one.
struct Settle {
    store: gongzhi_eventstore::SharedEventStore,
    projections: Vec<gongzhi_projections::ProjectionHandle>,
}

impl Settle {
    async fn wait(&self) -> anyhow::Result<()> {
        let head = self.store.head_position().await?;
        for projection in &self.projections {
            // A projection still behind after this long is reported by the
            // next load's latencies anyway.
            if let Err(error) = projection.wait_for(head, SETTLE_LIMIT).await {
                eprintln!("warning: {} did not catch up: {error}", projection.name());
            }
        }
        Ok(())
    }
}

const SETTLE_LIMIT: Duration = Duration::from_secs(180);

async fn drive(
    config: &BenchConfig,
    addr: std::net::SocketAddr,
    database: &BenchDatabase,
    settle: &Settle,
) -> anyhow::Result<Vec<LoadPoint>> {
    let mut clients = Vec::new();
    for _ in 0..CHANNELS {
        clients.push(ResidentServiceClient::connect(format!("http://{addr}")).await?);
    }
    let residents = Arc::new(Residents {
        clients,
        token: token()?,
        next: AtomicU64::new(0),
    });
    let pool = database.pool(32).await?;
    baseline::create_table(&pool).await?;
    let plain = Arc::new(PlainWrite { pool: pool.clone() });
    for _ in 0..WARM_UP {
        residents.clone().command().await?;
        plain.clone().command().await?;
    }
    let duration = Duration::from_secs_f64(config.seconds);
    let mut points = Vec::new();
    for &rate in &config.rates {
        settle.wait().await?;
        let gongzhi = open_loop(rate, duration, {
            let residents = residents.clone();
            move || residents.clone().command()
        })
        .await?;
        let baseline = open_loop(rate, duration, {
            let plain = plain.clone();
            move || plain.clone().command()
        })
        .await?;
        eprintln!(
            "offered {rate}/s: gongzhi p99 {:.1} ms, baseline p99 {:.1} ms",
            gongzhi.percentile_ms(99.0),
            baseline.percentile_ms(99.0)
        );
        points.push(LoadPoint {
            offered: Some(rate),
            in_flight: 0,
            gongzhi,
            baseline,
        });
    }
    for &concurrency in &config.concurrency {
        settle.wait().await?;
        let gongzhi = closed_loop(concurrency, duration, {
            let residents = residents.clone();
            move || residents.clone().command()
        })
        .await?;
        let baseline = closed_loop(concurrency, duration, {
            let plain = plain.clone();
            move || plain.clone().command()
        })
        .await?;
        eprintln!(
            "closed loop, {concurrency} in flight: gongzhi {:.0}/s, baseline {:.0}/s",
            gongzhi.rate(),
            baseline.rate()
        );
        points.push(LoadPoint {
            offered: None,
            in_flight: concurrency,
            gongzhi,
            baseline,
        });
    }
    pool.close().await;
    Ok(points)
}

/// Issues command `i` at `start + i / rate` for `duration`; each latency is
/// measured from when its command was due.
async fn open_loop<F, Fut>(rate: u32, duration: Duration, command: F) -> anyhow::Result<Latencies>
where
    F: Fn() -> Fut,
    Fut: Future<Output = anyhow::Result<Instant>> + Send + 'static,
{
    let total = (f64::from(rate) * duration.as_secs_f64()).ceil() as u64;
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate.max(1)));
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for i in 0..total {
        let due = start + interval.mul_f64(i as f64);
        tokio::time::sleep_until(due.into()).await;
        let fut = command();
        tasks.spawn(async move { fut.await.map(|accepted| (accepted - due, due.elapsed())) });
    }
    collect(tasks, start).await
}

/// Keeps `concurrency` commands in flight for `duration`.
async fn closed_loop<F, Fut>(
    concurrency: usize,
    duration: Duration,
    command: F,
) -> anyhow::Result<Latencies>
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = anyhow::Result<Instant>> + Send + 'static,
{
    let start = Instant::now();
    let mut workers = JoinSet::new();
    for _ in 0..concurrency.max(1) {
        let command = command.clone();
        workers.spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0;
            let mut first_error = None;
            while start.elapsed() < duration {
                let issued = Instant::now();
                match command().await {
                    Ok(accepted) => latencies.push((accepted - issued, issued.elapsed())),
                    Err(error) => {
                        errors += 1;
                        first_error.get_or_insert_with(|| format!("{error:#}"));
                    }
                }
            }
            (latencies, errors, first_error)
        });
    }
    let mut all = Latencies::default();
    while let Some(worker) = workers.join_next().await {
        let (latencies, errors, first_error) = worker?;
        for (accepted, answered) in latencies {
            all.accepted.push(accepted);
            all.samples.push(answered);
        }
        all.errors += errors;
        if all.first_error.is_none() {
            all.first_error = first_error;
        }
    }
    all.elapsed = start.elapsed();
    Ok(all)
}

async fn collect(
    mut tasks: JoinSet<anyhow::Result<(Duration, Duration)>>,
    start: Instant,
) -> anyhow::Result<Latencies> {
    let mut all = Latencies::default();
    while let Some(task) = tasks.join_next().await {
        match task? {
            Ok((accepted, answered)) => {
                all.accepted.push(accepted);
                all.samples.push(answered);
            }
            Err(error) => {
                all.errors += 1;
                all.first_error.get_or_insert_with(|| format!("{error:#}"));
            }
        }
    }
    all.elapsed = start.elapsed();
    Ok(all)
}

struct Residents {
    clients: Vec<ResidentServiceClient<Channel>>,
    token: String,
    next: AtomicU64,
}

impl Residents {
    /// Registers a new resident (a fresh ID number each time, so no claim
    /// is refused) and reads it back at the receipt's position.
    async fn command(self: Arc<Self>) -> anyhow::Result<Instant> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let mut client = self.clients[(n as usize) % self.clients.len()].clone();
        let request = pb::RegisterResidentRequest {
            request_id: format!("bench-{n}"),
            district: DISTRICT.into(),
            community: "500108001002".into(),
            grid: "500108001002003".into(),
            residency: pb::Residency::Registered as i32,
            name: format!("居民{n}"),
            id_number: id_number(n)?,
            phone: "13812345678".into(),
            dwelling: "铜元局街道1号楼2单元301".into(),
        };
        let response = client
            .register_resident(self.authorized(request)?)
            .await?
            .into_inner();
        let accepted = Instant::now();
        let query = pb::GetResidentRequest {
            district: DISTRICT.into(),
            resident_id: response.resident_id,
            min_position: response.receipt.map_or(0, |r| r.position),
        };
        client.get_resident(self.authorized(query)?).await?;
        Ok(accepted)
    }

    fn authorized<T>(&self, message: T) -> anyhow::Result<tonic::Request<T>> {
        let mut request = tonic::Request::new(message);
        request
            .metadata_mut()
            .insert("authorization", format!("Bearer {}", self.token).parse()?);
        Ok(request)
    }
}

fn token() -> anyhow::Result<String> {
    let caller = Caller {
        subject: "bench-district-admin".into(),
        roles: vec!["district_admin".into()],
        districts: vec![DistrictCode::parse(DISTRICT)?],
    };
    Ok(TokenIssuer::new(&AuthConfig::new(SECRET.to_vec()))
        .issue(&caller, Duration::from_secs(24 * 3600))?)
}

/// The `n`th distinct valid ID number of the district (20 million of them).
fn id_number(n: u64) -> anyhow::Result<String> {
    let sequence = n % 1000;
    let day = 1 + (n / 1000) % 28;
    let month = 1 + (n / 28_000) % 12;
    let year = 1950 + (n / 336_000) % 60;
    let body = format!("{DISTRICT}{year}{month:02}{day:02}{sequence:03}");
    let check = ResidentIdNumber::check_char(&body)
        .with_context(|| format!("no check character for {body}"))?;
    Ok(format!("{body}{check}"))
}

struct PlainWrite {
    pool: PgPool,
}

impl PlainWrite {
    async fn command(self: Arc<Self>) -> anyhow::Result<Instant> {
        let event_id = uuid::Uuid::new_v4();
        let payload = vec![b'a'; super::runner::PAYLOAD_BYTES];
        baseline::insert(
            &self.pool,
            "bench-command",
            &[(event_id, payload)],
            &serde_json::json!({}),
        )
        .await?;
        let accepted = Instant::now();
        let _: i64 = sqlx::query_scalar("SELECT id FROM plain_events WHERE event_id = $1")
            .bind(event_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(accepted)
    }
}

async fn delete_streams(nats_url: &str, prefix: &str) {
    let Ok(client) = async_nats::connect(nats_url).await else {
        return;
    };
    let jetstream = async_nats::jetstream::new(client);
    let topology = gongzhi_bus::BusTopology::with_prefix(prefix);
    // Best effort: a leftover stream only costs the NATS server disk.
    for context in ["residents", "grids"] {
        let _ = jetstream
            .delete_stream(topology.context_stream_name(context))
            .await;
    }
    let _ = jetstream.delete_stream(topology.dlq_stream_name()).await;
}

pub fn print_table(points: &[LoadPoint]) {
    println!(
        "\n### Command -> read model: RegisterResident through gRPC until GetResident(min_position) answers\n"
    );
    println!(
        "| offered cmd/s | achieved cmd/s | errors | accepted p50 ms | accepted p99 ms | readable p50 ms | p99 ms | p999 ms | baseline achieved/s | baseline p50 ms | baseline p99 ms | baseline p999 ms | p99 ratio |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for point in points {
        let offered = point.offered.map_or_else(
            || format!("closed loop, {} in flight", point.in_flight),
            |r| r.to_string(),
        );
        let (g, b) = (&point.gongzhi, &point.baseline);
        println!(
            "| {offered} | {:.0} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.0} | {:.2} | {:.2} | {:.2} | {:.1} |",
            g.rate(),
            g.errors,
            super::report::percentile_ms(&g.accepted, 50.0),
            super::report::percentile_ms(&g.accepted, 99.0),
            g.percentile_ms(50.0),
            g.percentile_ms(99.0),
            g.percentile_ms(99.9),
            b.rate(),
            b.percentile_ms(50.0),
            b.percentile_ms(99.0),
            b.percentile_ms(99.9),
            g.percentile_ms(99.0) / b.percentile_ms(99.0).max(f64::EPSILON),
        );
    }
    for point in points {
        if let Some(error) = &point.gongzhi.first_error {
            let offered = point
                .offered
                .map_or_else(|| "max".to_owned(), |r| r.to_string());
            println!("first error at {offered}: {error}");
        }
    }
    println!(
        "accepted = until RegisterResident answered; readable (p50/p99/p999) = until GetResident(min_position) answered; both from when the command was due (open loop) or issued (closed loop); baseline = one committed single-row INSERT then a SELECT by key, same scheduler. Target: p99 < 50 ms at 1000 cmd/s."
    );
}
