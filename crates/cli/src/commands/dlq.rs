//! `gongzhi dlq list|replay|discard`: the dead-letter stream, read and
//! cleaned up through `gongzhi_bus::dead_letters`. A replay rebuilds the
//! read model behind the consumer from the event store instead of
//! publishing the message again; `gongzhi_bus::dead_letters` explains why.

use crate::args::{DlqDiscardArgs, DlqListArgs, DlqReplayArgs, NatsArgs};
use anyhow::{Context, bail};
use async_nats::jetstream;
use gongzhi_bus::BusTopology;
use gongzhi_bus::dead_letters;
use gongzhi_projections::ProjectionHandle;

async fn connect(args: &NatsArgs) -> anyhow::Result<(jetstream::Context, BusTopology)> {
    let topology = BusTopology::with_prefix(&args.subject_prefix);
    topology.validate().context("--subject-prefix")?;
    let client = crate::commands::nats::connect(&args.nats_url).await?;
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

pub async fn replay(args: DlqReplayArgs) -> anyhow::Result<()> {
    let (_store, projections) = super::projections::open(&args.database).await?;
    let (jetstream, topology) = connect(&args.nats).await?;
    match replay_through_rebuild(&jetstream, &topology, &args.consumer, &projections).await? {
        None => println!("{} has no dead letters", args.consumer),
        Some(report) => println!(
            "{}: generation {} is live with every event of the store; {} dead letter(s) discarded",
            report.projection,
            report.generation,
            report.discarded.len()
        ),
    }
    Ok(())
}

/// What [`replay_through_rebuild`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayReport {
    pub projection: &'static str,
    pub generation: i64,
    /// Sequences deleted from the dead-letter stream.
    pub discarded: Vec<u64>,
}

/// Re-applies the consumer's dead letters in order, with the code running
/// now: rebuilds the read model the consumer feeds (from the event store,
/// which holds every dead-lettered event), then deletes the letters listed
/// before the rebuild began, all of which the rebuild covered. `None` when
/// the consumer has none.
pub async fn replay_through_rebuild(
    jetstream: &jetstream::Context,
    topology: &BusTopology,
    consumer: &str,
    projections: &[ProjectionHandle],
) -> anyhow::Result<Option<ReplayReport>> {
    let letters = dead_letters::list(jetstream, topology, Some(consumer)).await?;
    if letters.is_empty() {
        return Ok(None);
    }
    let Some(projection) = projection_behind(consumer, projections) else {
        bail!(
            "no read model is fed by consumer {consumer:?} (expected <service>-<projection>-<context>); nothing changed"
        );
    };
    let generation = super::projections::rebuild_with_progress(projection).await?;
    let mut discarded = Vec::new();
    for letter in &letters {
        dead_letters::discard(jetstream, topology, consumer, letter.sequence)
            .await
            .with_context(|| format!("dead letter {} was not discarded", letter.sequence))?;
        discarded.push(letter.sequence);
    }
    Ok(Some(ReplayReport {
        projection: projection.name(),
        generation,
        discarded,
    }))
}

/// The projection a durable consumer feeds: consumers are named
/// `<service>-<projection>-<source context>`, and projection names hold no
/// `-`, so the suffix decides.
pub fn projection_behind<'a>(
    consumer: &str,
    projections: &'a [ProjectionHandle],
) -> Option<&'a ProjectionHandle> {
    projections.iter().find(|projection| {
        projection
            .sources()
            .iter()
            .any(|source| consumer.ends_with(&format!("-{}-{}", projection.name(), source.context)))
    })
}
