use crate::args::BenchArgs;
use std::path::PathBuf;

/// What a bench run measures and how much; see [`BenchArgs`] for each field.
#[derive(Debug, Clone)]
pub struct BenchConfig {
    pub database_url: String,
    pub nats_url: String,
    pub writers: Vec<usize>,
    pub batches: Vec<usize>,
    pub appends: usize,
    pub relay_events: u64,
    pub rates: Vec<u32>,
    pub seconds: f64,
    pub concurrency: Vec<usize>,
    pub rebuild_events: u64,
    pub scale_sizes: Vec<u64>,
    pub plot: Option<PathBuf>,
}

impl From<BenchArgs> for BenchConfig {
    fn from(args: BenchArgs) -> Self {
        let mut scale_sizes = args.scale_sizes;
        if args.ten_million {
            scale_sizes.push(10_000_000);
        }
        Self {
            database_url: args.database_url,
            nats_url: args.nats_url,
            writers: args.writers,
            batches: args.batches,
            appends: args.appends,
            relay_events: args.relay_events,
            rates: args.rates,
            seconds: args.seconds as f64,
            concurrency: args.concurrency,
            rebuild_events: args.rebuild_events,
            scale_sizes,
            plot: Some(args.plot),
        }
    }
}

impl BenchConfig {
    /// Tiny sizes that still run every workload: the smoke test's.
    pub fn tiny(database_url: String, nats_url: String) -> Self {
        Self {
            database_url,
            nats_url,
            writers: vec![1, 4],
            batches: vec![1, 10],
            appends: 40,
            relay_events: 500,
            rates: vec![50],
            seconds: 0.5,
            concurrency: vec![4],
            rebuild_events: 1_000,
            scale_sizes: vec![1_000, 2_000],
            plot: None,
        }
    }
}
