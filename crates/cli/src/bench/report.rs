//! Latency percentiles and the side-by-side table.

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Measurement {
    pub events: u64,
    pub elapsed: Duration,
    pub latencies: Vec<Duration>,
}

impl Measurement {
    pub fn events_per_second(&self) -> f64 {
        self.events as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }

    /// Nearest-rank percentile of append latency, in milliseconds.
    pub fn percentile_ms(&self, percentile: f64) -> f64 {
        percentile_ms(&self.latencies, percentile)
    }
}

/// Latencies of completed operations over a run, and the failed ones.
#[derive(Debug, Clone, Default)]
pub struct Latencies {
    pub samples: Vec<Duration>,
    /// Where the operation has a first step worth seeing alone (the command
    /// accepted, before its read model answers): its latencies.
    pub accepted: Vec<Duration>,
    pub errors: u64,
    pub elapsed: Duration,
    /// The first failure, for the report: what the errors were.
    pub first_error: Option<String>,
}

impl Latencies {
    /// Completed operations per second over the run.
    pub fn rate(&self) -> f64 {
        self.samples.len() as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }

    pub fn percentile_ms(&self, percentile: f64) -> f64 {
        percentile_ms(&self.samples, percentile)
    }
}

/// Nearest-rank percentile in milliseconds; exact (the samples of one run
/// fit in memory), so no histogram dependency is needed.
pub fn percentile_ms(samples: &[Duration], percentile: f64) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    let rank = ((percentile / 100.0) * sorted.len() as f64).ceil() as usize;
    let index = rank.clamp(1, sorted.len()) - 1;
    sorted[index].as_secs_f64() * 1000.0
}

pub struct Row {
    pub writers: usize,
    pub batch: usize,
    pub store: Measurement,
    pub baseline: Measurement,
}

pub fn print_table(rows: &[Row]) {
    println!("\n### Append: event store against plain SQL inserts of the same rows\n");
    println!(
        "| writers | events/append | gongzhi ev/s | baseline ev/s | throughput ratio | gongzhi p50 ms | baseline p50 ms | p50 ratio | gongzhi p99 ms | baseline p99 ms | p99 ratio |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        let (s50, b50) = (
            row.store.percentile_ms(50.0),
            row.baseline.percentile_ms(50.0),
        );
        let (s99, b99) = (
            row.store.percentile_ms(99.0),
            row.baseline.percentile_ms(99.0),
        );
        println!(
            "| {} | {} | {:.0} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
            row.writers,
            row.batch,
            row.store.events_per_second(),
            row.baseline.events_per_second(),
            row.store.events_per_second() / row.baseline.events_per_second().max(f64::EPSILON),
            s50,
            b50,
            s50 / b50.max(f64::EPSILON),
            s99,
            b99,
            s99 / b99.max(f64::EPSILON),
        );
    }
    println!(
        "throughput ratio = gongzhi / baseline (1.00 = as fast as a plain insert); latency ratios = gongzhi / baseline (1.00 = no overhead)."
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let m = Measurement {
            events: 100,
            elapsed: Duration::from_secs(1),
            latencies: (1..=100).map(Duration::from_millis).collect(),
        };
        assert_eq!(m.percentile_ms(50.0).round() as u64, 50);
        assert_eq!(m.percentile_ms(99.0).round() as u64, 99);
        assert_eq!(m.events_per_second().round() as u64, 100);
    }
}
