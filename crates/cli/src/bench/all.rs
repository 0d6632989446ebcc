//! `gongzhi bench all`: every workload, then the targets of issue 10.

use super::command::LoadPoint;
use super::machine::{describe, load_average};
use super::relay::RelayResult;
use super::report::Row;
use super::{BenchConfig, command, plot, rebuild, relay, run_store_bench, scale};
use anyhow::Context;
use std::time::Instant;

pub async fn run_all(config: &BenchConfig) -> anyhow::Result<()> {
    let started = Instant::now();
    println!("## gongzhi bench all\n");
    println!(
        "```\n{}\n```",
        describe(&config.database_url, &config.nats_url).await?
    );
    let append = run_store_bench(config).await?;
    println!("load average after append: {}", load_average());
    let relay = relay::run(config).await?;
    println!("load average after relay: {}", load_average());
    let commands = command::run(config).await?;
    println!("load average after command: {}", load_average());
    let rebuild = rebuild::run(config).await?;
    println!("load average after rebuild: {}", load_average());
    scale::run(config).await?;
    println!("load average after scale: {}", load_average());
    print_targets(&append, &relay, &commands, &rebuild);
    if let Some(path) = &config.plot {
        let subtitle = format!(
            "{} s per load, load average {} at the end",
            config.seconds,
            load_average()
        );
        std::fs::write(path, plot::latency_svg(&commands, &subtitle))
            .with_context(|| format!("failed to write the plot to {}", path.display()))?;
        println!("plot written to {}", path.display());
    }
    println!("whole run: {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn print_targets(
    append: &[Row],
    relay: &RelayResult,
    commands: &[LoadPoint],
    rebuild: &rebuild::RebuildResult,
) {
    println!("\n### Targets\n");
    println!("| target | measured | met |");
    println!("|---|---|---|");
    let verdict = |met: bool| if met { "yes" } else { "no" };
    if let Some(row) = append.iter().find(|r| r.writers == 16 && r.batch == 1) {
        let (ours, plain) = (
            row.store.events_per_second(),
            row.baseline.events_per_second(),
        );
        println!(
            "| append 16 writers x 1 event >= plain insert ev/s | {ours:.0} vs {plain:.0} ev/s | {} |",
            verdict(ours >= plain)
        );
        let p99 = row.store.percentile_ms(99.0);
        println!(
            "| append p99 < 10 ms (16 writers x 1 event) | {p99:.2} ms | {} |",
            verdict(p99 < 10.0)
        );
    }
    let ratio = relay.relay_rate() / relay.raw_rate().max(f64::EPSILON);
    println!(
        "| relay >= 0.5 x raw publishing | {ratio:.2} | {} |",
        verdict(ratio >= 0.5)
    );
    if let Some(point) = commands.iter().find(|p| p.offered == Some(1000)) {
        let p99 = point.gongzhi.percentile_ms(99.0);
        let kept_up = point.gongzhi.errors == 0;
        println!(
            "| command -> read model p99 < 50 ms at 1000 cmd/s | {p99:.1} ms, {} errors | {} |",
            point.gongzhi.errors,
            verdict(p99 < 50.0 && kept_up)
        );
    }
    if let Some(best) = commands
        .iter()
        .filter(|p| p.offered.is_none())
        .max_by(|a, b| a.gongzhi.rate().total_cmp(&b.gongzhi.rate()))
    {
        println!(
            "| (highest sustained rate, closed loop) | {:.0} cmd/s with {} in flight, p99 {:.1} ms | - |",
            best.gongzhi.rate(),
            best.in_flight,
            best.gongzhi.percentile_ms(99.0)
        );
    }
    let ratio = rebuild.rebuild_rate() / rebuild.scan_rate().max(f64::EPSILON);
    println!(
        "| rebuild >= 0.4 x ordered scan | {ratio:.2} | {} |",
        verdict(ratio >= 0.4)
    );
}
