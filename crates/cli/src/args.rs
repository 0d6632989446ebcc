//! Command-line shape. Every production setting also reads from the
//! environment (12-factor); `gongzhi dev` needs none.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "gongzhi",
    version,
    about = "Gongzhi (共治): urban community governance platform"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every service in one process: SQLite store, in-process delivery, no external services.
    Dev(DevArgs),
    /// Run one service against PostgreSQL and NATS JetStream.
    Serve(ServeArgs),
    /// Apply the event store and read-model migrations to PostgreSQL.
    Migrate(DatabaseArgs),
    /// Inspect events.
    #[command(subcommand)]
    Events(EventsCommand),
    /// Inspect and rebuild read models.
    #[command(subcommand)]
    Projections(ProjectionsCommand),
    /// Rotate the master key that wraps every person's data key.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// List, replay (by rebuilding) and discard dead-lettered messages (the GONGZHI_DLQ stream).
    #[command(subcommand)]
    Dlq(DlqCommand),
    /// City-level federation: a city stream sourcing every district's streams, and the city read model.
    #[command(subcommand)]
    City(CityCommand),
    /// Issue a bearer token (development and tests; production tokens come from the city's identity provider).
    Token(TokenArgs),
    /// Measure the platform against its physical baselines.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Debug, Args)]
pub struct DevArgs {
    /// Where the embedded store and read models live.
    #[arg(long, env = "GONGZHI_DATA_DIR", default_value = ".gongzhi/dev")]
    pub data_dir: PathBuf,
    #[arg(long, env = "GONGZHI_LISTEN", default_value = "127.0.0.1:50051")]
    pub listen: SocketAddr,
    /// Where HTTP listens: /metrics for Prometheus and Open311 GeoReport v2.
    #[arg(long, env = "GONGZHI_HTTP_LISTEN", default_value = "127.0.0.1:50052")]
    pub http_listen: SocketAddr,
    #[command(flatten)]
    pub esdb: EsdbArgs,
    #[command(flatten)]
    pub telemetry: TelemetryArgs,
}

/// The EventStoreDB/KurrentDB-compatible gRPC surface (docs/eventstoredb.md).
#[derive(Debug, Args)]
pub struct EsdbArgs {
    /// Where the EventStoreDB/KurrentDB-compatible surface listens (e.g.
    /// 0.0.0.0:2113, EventStoreDB's port); off unless set.
    #[arg(long, env = "GONGZHI_ESDB_LISTEN")]
    pub esdb_listen: Option<SocketAddr>,
    /// What its clients may write: off (read-only) or external (appends to
    /// streams no Gongzhi context owns, by callers with role eventstore_writer or city_admin).
    #[arg(long, env = "GONGZHI_ESDB_WRITES", value_enum, default_value_t = EsdbWrites::Off)]
    pub esdb_writes: EsdbWrites,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EsdbWrites {
    Off,
    External,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ServiceName {
    Platform,
    Residents,
    Grids,
    Property,
    Ppp,
    Procurement,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    pub service: ServiceName,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub nats: NatsArgs,
    #[arg(long, env = "GONGZHI_LISTEN", default_value = "0.0.0.0:50051")]
    pub listen: SocketAddr,
    /// Where HTTP listens: /metrics for Prometheus, and Open311 GeoReport v2 where grids is hosted.
    #[arg(long, env = "GONGZHI_HTTP_LISTEN", default_value = "0.0.0.0:8080")]
    pub http_listen: SocketAddr,
    /// HS256 secret that verifies callers' bearer tokens.
    #[arg(long, env = "GONGZHI_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: String,

    /// Longest a query waits for its min_position, in milliseconds.
    #[arg(long, env = "GONGZHI_MAX_WAIT_MS", default_value_t = 5_000)]
    pub max_wait_ms: u64,
    /// Longest the drain may take on SIGTERM, in seconds.
    #[arg(long, env = "GONGZHI_DRAIN_SECONDS", default_value_t = 20)]
    pub drain_seconds: u64,
    /// Copies of each JetStream stream this service creates, 1 to 5; more
    /// than 1 needs a JetStream cluster of at least that many servers.
    #[arg(
        long,
        env = "GONGZHI_STREAM_REPLICAS",
        default_value_t = 1,
        value_parser = clap::value_parser!(u8).range(1..=5)
    )]
    pub stream_replicas: u8,
    #[command(flatten)]
    pub esdb: EsdbArgs,
    #[command(flatten)]
    pub telemetry: TelemetryArgs,
}

#[derive(Debug, Args)]
pub struct DatabaseArgs {
    #[arg(long, env = "GONGZHI_DATABASE_URL", hide_env_values = true)]
    pub database_url: String,
    /// Base64 of the 32-byte master key that wraps every person's data key
    /// (needed by services holding personal data: residents).
    #[arg(long, env = "GONGZHI_MASTER_KEY", hide_env_values = true)]
    pub master_key: Option<String>,
}

#[derive(Debug, Args)]
pub struct NatsArgs {
    #[arg(
        long,
        env = "GONGZHI_NATS_URL",
        default_value = "nats://127.0.0.1:4222"
    )]
    pub nats_url: String,
    /// First subject token, `gongzhi` in production.
    #[arg(long, env = "GONGZHI_SUBJECT_PREFIX", default_value = "gongzhi")]
    pub subject_prefix: String,
}

#[derive(Debug, Args)]
pub struct TelemetryArgs {
    /// OTLP/gRPC collector endpoint, e.g. http://otel-collector:4317.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    pub otlp_endpoint: Option<String>,
    /// Log lines as JSON objects instead of text.
    #[arg(long, env = "GONGZHI_LOG_JSON")]
    pub log_json: bool,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    /// Who the token speaks for (the `sub` claim).
    #[arg(long, default_value = "dev")]
    pub subject: String,
    /// A role; repeat for several (e.g. community_worker, street_officer, district_admin, city_reader, city_admin, operator).
    #[arg(long = "role")]
    pub roles: Vec<String>,
    /// A 6-digit district the caller may act in; repeat for several.
    #[arg(long = "district")]
    pub districts: Vec<String>,
    /// Lifetime in hours.
    #[arg(long, default_value_t = 8)]
    pub ttl_hours: u64,
    /// Signing secret; without it the secret of the `gongzhi dev` data dir is used.
    #[arg(long, env = "GONGZHI_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    #[arg(long, env = "GONGZHI_DATA_DIR", default_value = ".gongzhi/dev")]
    pub data_dir: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// Print live events from NATS, decoded.
    Tail(TailArgs),
}

#[derive(Debug, Args)]
pub struct TailArgs {
    #[command(flatten)]
    pub nats: NatsArgs,
    /// Only this district (6-digit code).
    #[arg(long)]
    pub district: Option<String>,
    /// One JSON object per event instead of a line of text.
    #[arg(long)]
    pub json: bool,
    /// Stop after this many events (for scripts).
    #[arg(long)]
    pub count: Option<u64>,
}

#[derive(Debug, Subcommand)]
pub enum ProjectionsCommand {
    /// Checkpoint, generation and lag of every read model.
    Status(DatabaseArgs),
    /// Rebuild a read model from the event store while the old one serves.
    Rebuild {
        name: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Every workload below, one after the other, then the summary against
    /// the targets and the latency plot.
    All(BenchArgs),
    /// Appends per second and latency against a plain SQL insert.
    Store(BenchArgs),
    /// Events per second from the store to JetStream against raw publishing.
    Relay(BenchArgs),
    /// A residents command through gRPC until its read model answers, at
    /// fixed offered loads and at the highest sustained rate.
    Command(BenchArgs),
    /// Rebuilding a read model against a plain ordered scan of the events.
    Rebuild(BenchArgs),
    /// Append latency and rebuild time as the store grows.
    Scale(BenchArgs),
}

/// Sizes of every workload; each subcommand reads the ones it needs. The
/// defaults make `gongzhi bench all` take minutes on a small machine.
#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// Server URL; every workload creates (and drops) its own database there.
    #[arg(
        long,
        env = "GONGZHI_DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    pub database_url: String,
    #[arg(
        long,
        env = "GONGZHI_NATS_URL",
        default_value = "nats://127.0.0.1:4222"
    )]
    pub nats_url: String,
    #[arg(long, value_delimiter = ',', default_value = "1,4,16")]
    pub writers: Vec<usize>,
    #[arg(long, value_delimiter = ',', default_value = "1,10")]
    pub batches: Vec<usize>,
    /// Appends per (writers, batch) configuration, split across its writers.
    #[arg(long, default_value_t = 2_000)]
    pub appends: usize,
    /// Events the relay publishes (and the raw baseline publishes again).
    #[arg(long, default_value_t = 20_000)]
    pub relay_events: u64,
    /// Offered loads of the command workload, commands per second.
    #[arg(long, value_delimiter = ',', default_value = "100,500,1000")]
    pub rates: Vec<u32>,
    /// How long each offered load (and the saturation run) lasts.
    #[arg(long, default_value_t = 5)]
    pub seconds: u64,
    /// Commands in flight in the closed-loop runs that find the highest rate.
    #[arg(long, value_delimiter = ',', default_value = "1,4,16,64")]
    pub concurrency: Vec<usize>,
    /// Events in the store for the rebuild workload.
    #[arg(long, default_value_t = 50_000)]
    pub rebuild_events: u64,
    /// Stored-event counts of the scale workload (multiples of 100).
    #[arg(long, value_delimiter = ',', default_value = "10000,100000,1000000")]
    pub scale_sizes: Vec<u64>,
    /// Adds 10^7 stored events to the scale workload (a few minutes more on
    /// two cores: filling and rebuilding ten million events).
    #[arg(long)]
    pub ten_million: bool,
    /// Where the latency-against-offered-load plot (SVG) is written.
    #[arg(long, default_value = "docs/bench-latency.svg")]
    pub plot: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Re-wrap every data key under a new master key, online; run again to resume.
    Rotate(RotateKeysArgs),
}

#[derive(Debug, Args)]
pub struct RotateKeysArgs {
    #[arg(long, env = "GONGZHI_DATABASE_URL", hide_env_values = true)]
    pub database_url: String,
    /// The new master key (base64 of 32 bytes), as the services will run with it.
    #[arg(long, env = "GONGZHI_MASTER_KEY", hide_env_values = true)]
    pub master_key: String,
    /// The master key the data keys are wrapped under now.
    #[arg(long, env = "GONGZHI_PREVIOUS_MASTER_KEY", hide_env_values = true)]
    pub previous_master_key: String,
    /// Keys read per query.
    #[arg(long, default_value_t = 500)]
    pub batch_size: u32,
}

#[derive(Debug, Subcommand)]
pub enum CityCommand {
    /// Create or update the city stream (sources: each district's context streams through its JetStream domain) and project city_metrics from it until stopped.
    Run(CityRunArgs),
    /// Print the city read model: residents registered/erased and grid cases reported/closed per district.
    Totals(DatabaseArgs),
}

#[derive(Debug, Args)]
pub struct CityRunArgs {
    /// The city's read-model database.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The city's NATS server (leaf node hub of the districts); --subject-prefix is the districts' prefix.
    #[command(flatten)]
    pub nats: NatsArgs,
    /// A district's Gongzhi as `<district code>=<jetstream domain>`, e.g. 500108=d500108; repeat per district.
    #[arg(
        long = "district",
        env = "GONGZHI_CITY_DISTRICTS",
        value_delimiter = ',',
        required = true
    )]
    pub districts: Vec<String>,
    /// Name of the city stream on the city's server.
    #[arg(long, env = "GONGZHI_CITY_STREAM", default_value = "GONGZHI_CITY")]
    pub stream: String,
    /// Durable consumer name of the city projection.
    #[arg(long, env = "GONGZHI_CITY_DURABLE", default_value = "city-metrics")]
    pub durable: String,
}

#[derive(Debug, Subcommand)]
pub enum DlqCommand {
    /// Dead letters in stream order: sequence, consumer, original subject, deliveries, reason.
    List(DlqListArgs),
    /// Re-apply a consumer's dead letters: rebuild the read model behind it from the event store, then discard them.
    Replay(DlqReplayArgs),
    /// Delete a consumer's dead letters once its read model was rebuilt (`gongzhi projections rebuild`).
    Discard(DlqDiscardArgs),
}

#[derive(Debug, Args)]
pub struct DlqReplayArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub nats: NatsArgs,
    /// The durable consumer whose dead letters to re-apply (`gongzhi dlq list` shows it).
    #[arg(long)]
    pub consumer: String,
}

#[derive(Debug, Args)]
pub struct DlqListArgs {
    #[command(flatten)]
    pub nats: NatsArgs,
    /// Only the dead letters of this durable consumer.
    #[arg(long)]
    pub consumer: Option<String>,
}

#[derive(Debug, Args)]
pub struct DlqDiscardArgs {
    #[command(flatten)]
    pub nats: NatsArgs,
    /// The durable consumer the dead letters belong to (`gongzhi dlq list` shows it).
    #[arg(long)]
    pub consumer: String,
    /// DLQ stream sequences to delete (from `gongzhi dlq list`).
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub sequences: Vec<u64>,
    /// Delete every dead letter of `--consumer`.
    #[arg(long)]
    pub all: bool,
}
