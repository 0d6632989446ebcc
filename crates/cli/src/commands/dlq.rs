//! `gongzhi dlq list|discard`: the dead-letter stream, read and cleaned up
//! through `gongzhi_bus::dead_letters` (which explains why a read model is
//! rebuilt instead of a dead letter replayed).

use crate::args::{DlqDiscardArgs, DlqListArgs, NatsArgs};
use anyhow::Context;
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

pub async fn discard(args: DlqDiscardArgs) -> anyhow::Result<()> {
    let (jetstream, topology) = connect(&args.nats).await?;
    let sequences = if args.all {
        dead_letters::list(&jetstream, &topology, Some(&args.consumer))
            .await?
            .into_iter()
            .map(|letter| letter.sequence)
            .collect()
    } else {
        args.sequences
    };
    for sequence in &sequences {
        let letter = dead_letters::discard(&jetstream, &topology, &args.consumer, *sequence)
            .await
            .with_context(|| format!("dead letter {sequence} was not discarded"))?;
        println!(
            "{sequence}: discarded ({}, {})",
            letter.original_subject,
            letter.event_id.as_deref().unwrap_or("no event id")
        );
    }
    println!(
        "{} dead letter(s) of {} discarded",
        sequences.len(),
        args.consumer
    );
    Ok(())
}
