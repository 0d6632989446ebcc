//! `gongzhi dlq list|discard` against real NATS fed by the relay from real
//! PostgreSQL: an event dead-lettered by a failing handler is listed with
//! why, by whom and where it came from; discarding it takes the consumer's
//! name, refuses another consumer's or a missing letter without changing
//! anything, and never touches the context stream. A replay re-applies a
//! dead-lettered event to the read model behind the consumer by rebuilding
//! it from the store, then discards the letter.

use crate::relay::{CONTEXT, RunningRelay, all_events, append_events, pg_store, relay_config};
use crate::support::nats::{connect, shared_nats_url, unique_prefix};
use anyhow::Context;
use async_nats::jetstream;
use gongzhi_bus::dead_letters::{self, DeadLetterError};
use gongzhi_bus::{BusTopology, Consumer, ConsumerConfig, EventHandler, HandlerError};
use gongzhi_cli::commands::dlq::replay_through_rebuild;
use gongzhi_eventstore::RecordedEvent;
use gongzhi_eventstore::{
    Direction, EventData, EventMetadata, ExpectedRevision, ReadFrom, SharedEventStore, StreamName,
};
use gongzhi_kernel::{DistrictCode, EventCodec};
use gongzhi_platform::domain::NoticeEvent;
use gongzhi_platform::projections::{NoticesProjection, list_notices};
use gongzhi_projections::{
    Backend, Projection, ProjectionError, ProjectionHandle, ProjectionHandler, ReadModelDb, Source,
};
use gongzhi_proto::gongzhi::platform::v1 as pb;
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;
use std::sync::{Arc, Mutex};
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

/// The notices projection, failing one chosen event for good until fixed.
struct BrokenNotices {
    poison: Arc<Mutex<Option<Uuid>>>,
}

#[async_trait::async_trait]
impl Projection for BrokenNotices {
    fn name(&self) -> &'static str {
        NoticesProjection.name()
    }

    fn sources(&self) -> Vec<Source> {
        NoticesProjection.sources()
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        NoticesProjection.migrator(backend)
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let poison = *self
            .poison
            .lock()
            .map_err(|_| ProjectionError::apply(self.name(), event.event_id, "poisoned lock"))?;
        if poison == Some(event.event_id) {
            return Err(ProjectionError::apply(
                self.name(),
                event.event_id,
                "the projection is broken",
            ));
        }
        NoticesProjection.apply(connection, backend, event).await
    }
}

async fn publish_notice(store: &SharedEventStore, title: &str) -> anyhow::Result<RecordedEvent> {
    let notice_id = Uuid::new_v4();
    let stream = StreamName::new("notice", notice_id)?;
    let event = NoticeEvent::Published(pb::NoticePublished {
        notice_id: notice_id.to_string(),
        district: "500108".into(),
        title: title.into(),
        body: "body".into(),
        published_by: "tester".into(),
    });
    let data = EventData {
        event_id: Uuid::new_v4(),
        event_type: event.event_type().to_owned(),
        payload: event.encode(),
        metadata: EventMetadata::new(Some(DistrictCode::parse("500108")?), "tester"),
    };
    store
        .append(&stream, ExpectedRevision::NoStream, vec![data])
        .await?;
    let recorded = store
        .read_stream(&stream, Direction::Forward, ReadFrom::Start, 1)
        .await?;
    recorded
        .into_iter()
        .next()
        .context("event just written is missing")
}

async fn titles(handle: &ProjectionHandle) -> anyhow::Result<Vec<String>> {
    let mut titles: Vec<String> = list_notices(handle, "500108", true)
        .await?
        .into_iter()
        .map(|row| row.title)
        .collect();
    titles.sort();
    Ok(titles)
}

#[tokio::test]
async fn a_dead_lettered_event_is_replayed_into_its_read_model() -> anyhow::Result<()> {
    let (db, store) = pg_store().await?;
    let topology = BusTopology::with_prefix(&unique_prefix());
    let jetstream = jetstream::new(connect(&shared_nats_url()).await?);
    let poison = Arc::new(Mutex::new(None));
    let read_models = ReadModelDb::postgres(&db.url).await?;
    let handle = read_models
        .register(
            Arc::new(BrokenNotices {
                poison: poison.clone(),
            }),
            store.clone(),
        )
        .await?;
    let consumer_name = format!("{}-notices-platform", unique_prefix());

    publish_notice(&store, "a").await?;
    let bad = publish_notice(&store, "poison").await?;
    let last = publish_notice(&store, "b").await?;
    *poison
        .lock()
        .map_err(|_| anyhow::anyhow!("poisoned lock"))? = Some(bad.event_id);

    let mut relay = RunningRelay::spawn(&store, &jetstream, relay_config(&topology));
    relay.reached(last.position).await?;
    let mut config = ConsumerConfig::for_context(&topology, "platform", consumer_name.clone());
    config.fetch_expires = Duration::from_secs(1);
    let consumer = Consumer::new(
        jetstream.clone(),
        config,
        Arc::new(ProjectionHandler::new(handle.clone())),
    );
    let stats = consumer.stats();
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(consumer.run(shutdown.clone()));
    handle.wait_for(last.position, WAIT).await?;
    assert_eq!(
        stats.dead_letters(),
        1,
        "a permanent failure is dead-lettered at once"
    );
    assert_eq!(titles(&handle).await?, vec!["a", "b"]);
    let letters = dead_letters::list(&jetstream, &topology, Some(&consumer_name)).await?;
    assert_eq!(letters.len(), 1, "{letters:?}");
    assert_eq!(letters[0].event_id, Some(bad.event_id.to_string()));

    // A consumer without dead letters has nothing to replay.
    let projections = [handle.clone()];
    let generation = handle.generation().await?;
    let nobody = replay_through_rebuild(
        &jetstream,
        &topology,
        &consumer_name.replace("notices", "nobody"),
        &projections,
    )
    .await?;
    assert_eq!(nobody, None, "that consumer has no dead letters");
    assert_eq!(
        handle.generation().await?,
        generation,
        "nothing was rebuilt"
    );

    // The fix is deployed; the replay applies the dead event, in order.
    *poison
        .lock()
        .map_err(|_| anyhow::anyhow!("poisoned lock"))? = None;
    let report = replay_through_rebuild(&jetstream, &topology, &consumer_name, &projections)
        .await?
        .context("there was a dead letter")?;
    assert_eq!(report.projection, "notices");
    assert_eq!(report.generation, generation + 1);
    assert_eq!(report.discarded, vec![letters[0].sequence]);
    assert_eq!(titles(&handle).await?, vec!["a", "b", "poison"]);
    assert_eq!(
        dead_letters::list(&jetstream, &topology, None).await?,
        vec![]
    );
    assert_eq!(
        replay_through_rebuild(&jetstream, &topology, &consumer_name, &projections).await?,
        None,
        "a second replay has nothing to do"
    );

    // Live events after the replay reach the rebuilt read model.
    let after = publish_notice(&store, "c").await?;
    relay.reached(after.position).await?;
    handle.wait_for(after.position, WAIT).await?;
    assert_eq!(titles(&handle).await?, vec!["a", "b", "c", "poison"]);

    shutdown.cancel();
    tokio::time::timeout(WAIT, task).await???;
    relay.stop().await?;
    Ok(())
}

#[tokio::test]
async fn a_replay_for_a_consumer_without_a_read_model_is_refused() -> anyhow::Result<()> {
    let topology = BusTopology::with_prefix(&unique_prefix());
    let jetstream = jetstream::new(connect(&shared_nats_url()).await?);
    topology.ensure_dlq_stream(&jetstream).await?;
    let ack = jetstream
        .publish(
            format!("{}.{DURABLE}", topology.dlq_subject_prefix()),
            "x".into(),
        )
        .await?
        .await?;
    let refused = replay_through_rebuild(&jetstream, &topology, DURABLE, &[]).await;
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("no read model is fed by consumer"),
        "{message}"
    );
    let kept = dead_letters::list(&jetstream, &topology, None).await?;
    assert_eq!(
        kept.iter().map(|l| l.sequence).collect::<Vec<_>>(),
        vec![ack.sequence]
    );
    Ok(())
}
