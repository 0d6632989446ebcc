//! `gongzhi dlq list|replay`: the dead-letter stream, read and replayed
//! through `gongzhi_bus::dead_letters` (which explains the message ids).

use crate::args::{DlqListArgs, DlqReplayArgs, NatsArgs};
use anyhow::{Context, bail};
use async_nats::jetstream;
use gongzhi_bus::BusTopology;
use gongzhi_bus::dead_letters;

async fn connect(args: &NatsArgs) -> anyhow::Result<(jetstream::Context, BusTopology)> {
    let topology = BusTopology::with_prefix(&args.subject_prefix);
    topology.validate().context("--subject-prefix")?;
    let client = async_nats::connect(&args.nats_url)
        .await
        .with_context(|| format!("failed to connect to nats at {}", args.nats_url))?;
    Ok((jetstream::new(client), topology))
}

pub async fn list(args: DlqListArgs) -> anyhow::Result<()> {
    let (jetstream, topology) = connect(&args.nats).await?;
    let letters = dead_letters::list(&jetstream, &topology, args.consumer.as_deref()).await?;
    println!(
        "{:>8}  {:<32} {:>10}  {:<48} reason",
        "sequence", "consumer", "deliveries", "original subject"
    );
    for letter in &letters {
        println!(
            "{:>8}  {:<32} {:>10}  {:<48} {}",
            letter.sequence,
            letter.consumer,
            letter
                .deliveries
                .map_or_else(|| "?".to_owned(), |n| n.to_string()),
            letter.original_subject,
            letter.reason
        );
    }
    println!(
        "{} dead letter(s) in {}",
        letters.len(),
        topology.dlq_stream_name()
    );
    Ok(())
}

pub async fn replay(args: DlqReplayArgs) -> anyhow::Result<()> {
    let (jetstream, topology) = connect(&args.nats).await?;
    let sequences = if args.all {
        let Some(consumer) = args.consumer.as_deref() else {
            bail!("--all needs --consumer");
        };
        dead_letters::list(&jetstream, &topology, Some(consumer))
            .await?
            .into_iter()
            .map(|letter| letter.sequence)
            .collect()
    } else {
        args.sequences
    };
    for sequence in sequences {
        let replayed = dead_letters::replay(&jetstream, &topology, sequence)
            .await
            .with_context(|| format!("replay of dead letter {sequence} failed"))?;
        let how = if replayed.duplicate {
            "already replayed before"
        } else {
            "replayed"
        };
        println!(
            "{sequence}: {how} to {} ({} #{}) for {}; deleted from {}",
            replayed.dead_letter.original_subject,
            replayed.stream,
            replayed.stream_sequence,
            replayed.dead_letter.consumer,
            topology.dlq_stream_name()
        );
    }
    Ok(())
}
