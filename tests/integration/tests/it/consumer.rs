//! The consumer runtime against real NATS JetStream (fed by the relay from
//! real PostgreSQL), and in-process delivery against the store: poison
//! events go to dead letters after exactly `max_deliver` attempts without
//! holding up the others, transient failures are retried, and in-process
//! delivery keeps order and resumes from its checkpoint.

use crate::relay::{
    CONTEXT, RunningRelay, all_events, append_events, pg_store, read_stream, relay_config,
};
use crate::support::nats::{connect, shared_nats_url, unique_prefix};
use anyhow::Context;
use async_nats::jetstream;
use gongzhi_bus::consumer::{DLQ_CONSUMER, DLQ_DELIVERIES, DLQ_ORIGINAL_SUBJECT, DLQ_REASON};
use gongzhi_bus::{
    BusTopology, Consumer, ConsumerConfig, ConsumerStats, EventHandler, HandlerError,
    InProcessDelivery,
};
use gongzhi_eventstore::{AllFilter, RecordedEvent};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

const WAIT: Duration = Duration::from_secs(30);

/// Reports every attempt `(event id, attempt number, succeeded)` and fails
/// the first `fail_times` attempts of chosen events.
struct ScriptedHandler {
    failures: HashMap<Uuid, u32>,
    attempts: Mutex<HashMap<Uuid, u32>>,
    report: mpsc::UnboundedSender<(Uuid, u32, bool)>,
}

impl ScriptedHandler {
    fn new(
        failures: HashMap<Uuid, u32>,
    ) -> (Arc<Self>, mpsc::UnboundedReceiver<(Uuid, u32, bool)>) {
        let (report, attempts) = mpsc::unbounded_channel();
        let handler = Self {
            failures,
            attempts: Mutex::new(HashMap::new()),
            report,
        };
        (Arc::new(handler), attempts)
    }
}

#[gongzhi_bus::async_trait]
impl EventHandler for ScriptedHandler {
    fn name(&self) -> &str {
        "scripted"
    }

    async fn handle(&self, event: &RecordedEvent) -> Result<(), HandlerError> {
        let attempt = {
            let mut attempts = self
                .attempts
                .lock()
                .map_err(|_| HandlerError::permanent("poisoned lock"))?;
            let count = attempts.entry(event.event_id).or_insert(0);
            *count += 1;
            *count
        };
        let fail = self
            .failures
            .get(&event.event_id)
            .is_some_and(|n| attempt <= *n);
        let _ = self.report.send((event.event_id, attempt, !fail));
        if fail {
            return Err(HandlerError::retryable(format!(
                "scripted failure {attempt}"
            )));
        }
        Ok(())
    }
}

/// Receives attempts until `until` succeeded; returns all of them in order.
async fn attempts_until(
    attempts: &mut mpsc::UnboundedReceiver<(Uuid, u32, bool)>,
    until: Uuid,
) -> anyhow::Result<Vec<(Uuid, u32, bool)>> {
    let mut seen = Vec::new();
    loop {
        let attempt = tokio::time::timeout(WAIT, attempts.recv())
            .await
            .context("handler was not called in time")?
            .context("handler dropped")?;
        seen.push(attempt);
        if attempt.0 == until && attempt.2 {
            return Ok(seen);
        }
    }
}

fn consumer_config(topology: &BusTopology, durable: &str) -> ConsumerConfig {
    let mut config = ConsumerConfig::for_context(topology, CONTEXT, durable);
    config.max_deliver = 3;
    config.backoff = vec![Duration::from_millis(20), Duration::from_millis(50)];
    config.fetch_expires = Duration::from_secs(1);
    config
}

struct Setup {
    _db: crate::support::pg::TestDb,
    topology: BusTopology,
    jetstream: jetstream::Context,
    relay: RunningRelay,
    events: Vec<RecordedEvent>,
}

/// Five events in the store and relayed to a fresh stream.
async fn five_relayed_events() -> anyhow::Result<Setup> {
    let (db, store) = pg_store().await?;
    let topology = BusTopology::with_prefix(&unique_prefix());
    let jetstream = jetstream::new(connect(&shared_nats_url()).await?);
    append_events(&store, 0, 5).await?;
    let mut relay = RunningRelay::spawn(&store, &jetstream, relay_config(&topology));
    relay.reached(5).await?;
    let events = all_events(&store).await?;
    Ok(Setup {
        _db: db,
        topology,
        jetstream,
        relay,
        events,
    })
}

async fn run_consumer(
    setup: &Setup,
    config: ConsumerConfig,
    handler: Arc<ScriptedHandler>,
) -> (
    ConsumerStats,
    CancellationToken,
    tokio::task::JoinHandle<Result<(), gongzhi_bus::ConsumerError>>,
) {
    let consumer = Consumer::new(setup.jetstream.clone(), config, handler);
    let stats = consumer.stats();
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(consumer.run(shutdown.clone()));
    (stats, shutdown, task)
}

#[tokio::test]
async fn poison_event_goes_to_dead_letters_after_max_deliver_attempts() -> anyhow::Result<()> {
    let setup = five_relayed_events().await?;
    let ids: Vec<Uuid> = setup.events.iter().map(|e| e.event_id).collect();
    let poison = ids[2];
    let (handler, mut attempts) = ScriptedHandler::new(HashMap::from([(poison, u32::MAX)]));
    let config = consumer_config(&setup.topology, "poison-test");
    let (stats, shutdown, task) = run_consumer(&setup, config.clone(), handler).await;

    let seen = attempts_until(&mut attempts, ids[4]).await?;
    let expected = vec![
        (ids[0], 1, true),
        (ids[1], 1, true),
        (poison, 1, false),
        (poison, 2, false),
        (poison, 3, false),
        (ids[3], 1, true),
        (ids[4], 1, true),
    ];
    assert_eq!(seen, expected);
    shutdown.cancel();
    tokio::time::timeout(WAIT, task).await???;
    assert!(
        attempts.try_recv().is_err(),
        "no attempt after the last event"
    );
    assert_eq!(
        (stats.handled(), stats.redeliveries(), stats.dead_letters()),
        (4, 2, 1)
    );

    let dead = read_stream(&setup.jetstream, &setup.topology.dlq_stream_name()).await?;
    assert_eq!(dead.len(), 1, "exactly one dead letter");
    let letter = &dead[0];
    let get = |name: &str| letter.headers.get(name).map(|v| v.as_str().to_owned());
    assert_eq!(letter.subject.as_str(), config.dlq_subject());
    assert_eq!(get("ce-id"), Some(poison.to_string()));
    assert_eq!(get(DLQ_CONSUMER).as_deref(), Some("poison-test"));
    assert_eq!(get(DLQ_DELIVERIES).as_deref(), Some("3"));
    assert!(
        get(DLQ_REASON).is_some_and(|r| r.contains("scripted failure 3")),
        "reason: {:?}",
        get(DLQ_REASON)
    );
    let original = &setup.events[2];
    let district = original
        .metadata
        .district
        .as_ref()
        .map_or("city", |d| d.as_str());
    assert_eq!(
        get(DLQ_ORIGINAL_SUBJECT),
        Some(format!(
            "{}.platform.{district}.thing.ThingHappened",
            setup.topology.subject_prefix
        ))
    );
    assert_eq!(letter.payload.as_ref(), original.payload.as_slice());
    setup.relay.stop().await
}

#[tokio::test]
async fn transient_failure_is_retried_without_a_dead_letter() -> anyhow::Result<()> {
    let setup = five_relayed_events().await?;
    let ids: Vec<Uuid> = setup.events.iter().map(|e| e.event_id).collect();
    let flaky = ids[1];
    let (handler, mut attempts) = ScriptedHandler::new(HashMap::from([(flaky, 2)]));
    let (stats, shutdown, task) = run_consumer(
        &setup,
        consumer_config(&setup.topology, "flaky-test"),
        handler,
    )
    .await;

    let seen = attempts_until(&mut attempts, ids[4]).await?;
    let expected = vec![
        (ids[0], 1, true),
        (flaky, 1, false),
        (flaky, 2, false),
        (flaky, 3, true),
        (ids[2], 1, true),
        (ids[3], 1, true),
        (ids[4], 1, true),
    ];
    assert_eq!(seen, expected);
    shutdown.cancel();
    tokio::time::timeout(WAIT, task).await???;
    assert!(
        attempts.try_recv().is_err(),
        "no attempt after the last event"
    );
    assert_eq!(
        (stats.handled(), stats.redeliveries(), stats.dead_letters()),
        (5, 2, 0)
    );
    let dead = read_stream(&setup.jetstream, &setup.topology.dlq_stream_name()).await?;
    assert!(
        dead.is_empty(),
        "no dead letter expected, got {}",
        dead.len()
    );
    setup.relay.stop().await
}

#[tokio::test]
async fn in_process_delivery_keeps_order_and_resumes_from_its_checkpoint() -> anyhow::Result<()> {
    let (_db, store) = pg_store().await?;
    append_events(&store, 0, 6).await?;
    let first_six: Vec<Uuid> = all_events(&store)
        .await?
        .iter()
        .map(|e| e.event_id)
        .collect();
    let poison = first_six[3];
    let (handler, mut attempts) = ScriptedHandler::new(HashMap::from([(poison, u32::MAX)]));
    let filter = AllFilter::everything().with_event_type_prefix("gongzhi.platform.");
    let delivery = InProcessDelivery::new(
        Arc::clone(&store),
        handler.clone(),
        "things",
        filter.clone(),
    )
    .with_retries(3, vec![Duration::from_millis(10)]);
    let stats = delivery.stats();
    let mut progress = delivery.progress();
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(delivery.run(shutdown.clone()));

    let seen = attempts_until(&mut attempts, first_six[5]).await?;
    let mut expected: Vec<_> = first_six[..3].iter().map(|id| (*id, 1, true)).collect();
    expected.extend([(poison, 1, false), (poison, 2, false), (poison, 3, false)]);
    expected.extend(first_six[4..].iter().map(|id| (*id, 1, true)));
    assert_eq!(seen, expected);
    tokio::time::timeout(WAIT, progress.wait_for(|p| *p >= 6)).await??;
    shutdown.cancel();
    tokio::time::timeout(WAIT, task).await??;
    assert_eq!(
        (stats.handled(), stats.redeliveries(), stats.dead_letters()),
        (5, 2, 1)
    );
    assert_eq!(store.load_checkpoint("deliver-things").await?, 6);

    // A new run sees only what came after the checkpoint.
    append_events(&store, 6, 9).await?;
    let next_three: Vec<Uuid> = all_events(&store).await?[6..]
        .iter()
        .map(|e| e.event_id)
        .collect();
    let delivery = InProcessDelivery::new(Arc::clone(&store), handler, "things", filter);
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(delivery.run(shutdown.clone()));
    let seen = attempts_until(&mut attempts, next_three[2]).await?;
    assert_eq!(
        seen,
        next_three
            .iter()
            .map(|id| (*id, 1, true))
            .collect::<Vec<_>>()
    );
    shutdown.cancel();
    tokio::time::timeout(WAIT, task).await??;
    Ok(())
}

#[tokio::test]
async fn undecodable_message_goes_straight_to_dead_letters() -> anyhow::Result<()> {
    use futures::StreamExt;
    let topology = BusTopology::with_prefix(&unique_prefix());
    let client = connect(&shared_nats_url()).await?;
    let jetstream = jetstream::new(client.clone());
    topology.ensure_context_stream(&jetstream, CONTEXT).await?;
    topology.ensure_dlq_stream(&jetstream).await?;
    let mut dead_letters = client
        .subscribe(format!("{}.>", topology.dlq_subject_prefix()))
        .await?;
    let subject = format!("{}.platform.city.thing.Garbage", topology.subject_prefix);
    jetstream
        .publish(subject.clone(), "not an event".into())
        .await?
        .await?;

    let (handler, mut attempts) = ScriptedHandler::new(HashMap::new());
    let consumer = Consumer::new(
        jetstream.clone(),
        consumer_config(&topology, "garbage-test"),
        handler,
    );
    let stats = consumer.stats();
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(consumer.run(shutdown.clone()));

    let letter = tokio::time::timeout(WAIT, dead_letters.next())
        .await
        .context("no dead letter in time")?
        .context("dead-letter subscription closed")?;
    let headers = letter
        .headers
        .as_ref()
        .context("dead letter without headers")?;
    let get = |name: &str| headers.get(name).map(|v| v.as_str().to_owned());
    assert!(
        get(DLQ_REASON).is_some_and(|r| r.starts_with("undecodable message")),
        "reason: {:?}",
        get(DLQ_REASON)
    );
    assert_eq!(get(DLQ_ORIGINAL_SUBJECT), Some(subject));
    assert_eq!(letter.payload.as_ref(), b"not an event");
    shutdown.cancel();
    tokio::time::timeout(WAIT, task).await???;
    assert!(
        attempts.try_recv().is_err(),
        "the handler never sees an undecodable message"
    );
    assert_eq!(stats.dead_letters(), 1);
    Ok(())
}
