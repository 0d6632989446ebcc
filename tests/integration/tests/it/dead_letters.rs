//! `gongzhi dlq list|discard` against real NATS fed by the relay from real
//! PostgreSQL: an event dead-lettered by a failing handler is listed with
//! why, by whom and where it came from; discarding it takes the consumer's
//! name, refuses another consumer's or a missing letter without changing
//! anything, and never touches the context stream.

use crate::relay::{CONTEXT, RunningRelay, all_events, append_events, pg_store, relay_config};
use crate::support::nats::{connect, shared_nats_url, unique_prefix};
use anyhow::Context;
use async_nats::jetstream;
use gongzhi_bus::dead_letters::{self, DeadLetterError};
use gongzhi_bus::{BusTopology, Consumer, ConsumerConfig, EventHandler, HandlerError};
use gongzhi_eventstore::RecordedEvent;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

const WAIT: Duration = Duration::from_secs(30);
const DURABLE: &str = "replay-test";

/// Always fails `poison`; reports every event it handled.
struct PoisonHandler {
    poison: Uuid,
    handled: mpsc::UnboundedSender<Uuid>,
}

#[gongzhi_bus::async_trait]
impl EventHandler for PoisonHandler {
    fn name(&self) -> &str {
        "poison"
    }

    async fn handle(&self, event: &RecordedEvent) -> Result<(), HandlerError> {
        if event.event_id == self.poison {
            return Err(HandlerError::retryable("the handler is broken"));
        }
        let _ = self.handled.send(event.event_id);
        Ok(())
    }
}

async fn handled_until(
    handled: &mut mpsc::UnboundedReceiver<Uuid>,
    until: Uuid,
) -> anyhow::Result<Vec<Uuid>> {
    let mut seen = Vec::new();
    loop {
        let id = tokio::time::timeout(WAIT, handled.recv())
            .await
            .context("handler was not called in time")?
            .context("handler dropped")?;
        seen.push(id);
        if id == until {
            return Ok(seen);
        }
    }
}

async fn last_sequence(jetstream: &jetstream::Context, stream: &str) -> anyhow::Result<u64> {
    Ok(jetstream
        .get_stream(stream)
        .await?
        .info()
        .await?
        .state
        .last_sequence)
}

#[tokio::test]
async fn a_dead_lettered_event_is_listed_and_discarded() -> anyhow::Result<()> {
    let (_db, store) = pg_store().await?;
    let topology = BusTopology::with_prefix(&unique_prefix());
    let jetstream = jetstream::new(connect(&shared_nats_url()).await?);
    append_events(&store, 0, 5).await?;
    let mut relay = RunningRelay::spawn(&store, &jetstream, relay_config(&topology));
    relay.reached(5).await?;
    let events = all_events(&store).await?;
    let ids: Vec<Uuid> = events.iter().map(|e| e.event_id).collect();
    let poison = &events[2];

    let (report, mut handled) = mpsc::unbounded_channel();
    let handler = Arc::new(PoisonHandler {
        poison: poison.event_id,
        handled: report,
    });
    let mut config = ConsumerConfig::for_context(&topology, CONTEXT, DURABLE);
    config.max_deliver = 3;
    config.backoff = vec![Duration::from_millis(20), Duration::from_millis(50)];
    config.fetch_expires = Duration::from_secs(1);
    let consumer = Consumer::new(jetstream.clone(), config, handler);
    let stats = consumer.stats();
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(consumer.run(shutdown.clone()));

    let first = handled_until(&mut handled, ids[4]).await?;
    assert_eq!(first, vec![ids[0], ids[1], ids[3], ids[4]]);
    assert_eq!(stats.dead_letters(), 1);
    shutdown.cancel();
    tokio::time::timeout(WAIT, task).await???;

    let letters = dead_letters::list(&jetstream, &topology, Some(DURABLE)).await?;
    assert_eq!(letters.len(), 1, "{letters:?}");
    let letter = &letters[0];
    assert_eq!(letter.event_id, Some(poison.event_id.to_string()));
    assert_eq!(letter.position, Some(poison.position));
    assert_eq!(letter.original_subject, topology.event_subject(poison));
    assert_eq!(
        (letter.consumer.as_str(), letter.deliveries),
        (DURABLE, Some(3))
    );
    assert!(
        letter.reason.contains("the handler is broken"),
        "{}",
        letter.reason
    );
    assert_eq!(
        dead_letters::list(&jetstream, &topology, None).await?,
        letters
    );
    assert_eq!(
        dead_letters::list(&jetstream, &topology, Some("someone-else")).await?,
        vec![]
    );

    let refused =
        dead_letters::discard(&jetstream, &topology, "someone-else", letter.sequence).await;
    assert!(
        matches!(refused, Err(DeadLetterError::OtherConsumer { .. })),
        "{refused:?}"
    );
    assert_eq!(
        dead_letters::list(&jetstream, &topology, None).await?,
        letters
    );

    let discarded = dead_letters::discard(&jetstream, &topology, DURABLE, letter.sequence).await?;
    assert_eq!(&discarded, letter);
    assert_eq!(
        dead_letters::list(&jetstream, &topology, None).await?,
        vec![]
    );
    let again = dead_letters::discard(&jetstream, &topology, DURABLE, letter.sequence).await;
    assert!(
        matches!(again, Err(DeadLetterError::NotFound { .. })),
        "{again:?}"
    );

    let context_stream = topology.context_stream_name(CONTEXT);
    assert_eq!(
        last_sequence(&jetstream, &context_stream).await?,
        5,
        "nothing was published"
    );
    relay.stop().await?;
    Ok(())
}
