//! The relay against real PostgreSQL and real NATS JetStream: every
//! committed event reaches its stream once, in order, with the CloudEvents
//! headers; a NATS outage mid-load delays events but loses or duplicates
//! none; a restarted relay resumes from its checkpoint.

mod permissions;
mod replicas;

use crate::support::nats::{NatsServer, connect, shared_nats_url, unique_prefix};
use crate::support::pg::{TestDb, fresh_database};
use anyhow::{Context, bail, ensure};
use async_nats::HeaderMap;
use async_nats::jetstream::{self, message::StreamMessage};
use gongzhi_bus::cloudevents::{self, decode_parts};
use gongzhi_bus::{BusTopology, Relay, RelayConfig, RelayError};
use gongzhi_eventstore::{
    AllFilter, EventData, EventMetadata, ExpectedRevision, PostgresEventStore, RecordedEvent,
    SharedEventStore, StreamName,
};
use gongzhi_kernel::DistrictCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

pub(crate) const CONTEXT: &str = "platform";
pub(crate) const EVENT_TYPE: &str = "gongzhi.platform.v1.ThingHappened";
const WAIT: Duration = Duration::from_secs(60);

pub(crate) async fn pg_store() -> anyhow::Result<(TestDb, SharedEventStore)> {
    let db = fresh_database().await?;
    let store = PostgresEventStore::new(db.pool.clone());
    store
        .migrate()
        .await
        .context("failed to migrate the event store")?;
    Ok((db, Arc::new(store)))
}

/// Event `n`, in district 500108 when `n` is even, city-wide otherwise.
pub(crate) fn event_data(n: u32) -> anyhow::Result<EventData> {
    let district = if n.is_multiple_of(2) {
        Some(DistrictCode::parse("500108")?)
    } else {
        None
    };
    let mut metadata = EventMetadata::new(district, format!("tester-{n}"));
    metadata.causation_id = Some(Uuid::now_v7());
    metadata.traceparent = Some(format!(
        "00-{}-{}-01",
        Uuid::new_v4().simple(),
        &Uuid::new_v4().simple().to_string()[..16]
    ));
    metadata.tracestate = Some(format!("gz=t{n}"));
    Ok(EventData {
        event_id: Uuid::now_v7(),
        event_type: EVENT_TYPE.to_owned(),
        payload: n.to_be_bytes().to_vec(),
        metadata,
    })
}

/// Appends events `from..to`, alternating between two streams.
pub(crate) async fn append_events(
    store: &SharedEventStore,
    from: u32,
    to: u32,
) -> anyhow::Result<()> {
    let streams = [
        StreamName::new("thing", "a")?,
        StreamName::new("thing", "b")?,
    ];
    for n in from..to {
        let stream = &streams[(n % 2) as usize];
        store
            .append(stream, ExpectedRevision::Any, vec![event_data(n)?])
            .await
            .with_context(|| format!("failed to append event {n}"))?;
    }
    Ok(())
}

pub(crate) async fn all_events(store: &SharedEventStore) -> anyhow::Result<Vec<RecordedEvent>> {
    Ok(store.read_all(0, &AllFilter::everything(), 100_000).await?)
}

pub(crate) fn relay_config(topology: &BusTopology) -> RelayConfig {
    let mut config = RelayConfig::for_context(CONTEXT);
    config.topology = topology.clone();
    config.ack_timeout = Duration::from_secs(1);
    config
}

pub(crate) struct RunningRelay {
    pub progress: watch::Receiver<u64>,
    pub shutdown: CancellationToken,
    pub task: JoinHandle<Result<(), RelayError>>,
}

impl RunningRelay {
    pub(crate) fn spawn(
        store: &SharedEventStore,
        jetstream: &jetstream::Context,
        config: RelayConfig,
    ) -> Self {
        let relay = Relay::new(Arc::clone(store), jetstream.clone(), config);
        let progress = relay.progress();
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(relay.run(shutdown.clone()));
        Self {
            progress,
            shutdown,
            task,
        }
    }

    /// Waits (bounded) until everything up to `position` is in JetStream.
    pub(crate) async fn reached(&mut self, position: u64) -> anyhow::Result<()> {
        tokio::time::timeout(WAIT, self.progress.wait_for(|p| *p >= position))
            .await
            .with_context(|| format!("relay did not reach position {position} within {WAIT:?}"))?
            .context("relay stopped before reaching the position")?;
        Ok(())
    }

    pub(crate) async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        tokio::time::timeout(WAIT, self.task)
            .await
            .context("relay did not stop in time")??
            .context("relay failed")
    }
}

/// Every message of a stream, in sequence order.
pub(crate) async fn read_stream(
    jetstream: &jetstream::Context,
    name: &str,
) -> anyhow::Result<Vec<StreamMessage>> {
    let mut stream = jetstream.get_stream(name).await?;
    let last = stream.info().await?.state.last_sequence;
    let mut messages = Vec::new();
    for sequence in 1..=last {
        messages.push(stream.get_raw_message(sequence).await?);
    }
    Ok(messages)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> anyhow::Result<&'a str> {
    headers
        .get(name)
        .map(|v| v.as_str())
        .with_context(|| format!("header {name} is missing"))
}

/// The stream holds exactly the store's events, once each, in position order.
fn assert_exactly_once_in_order(
    messages: &[StreamMessage],
    expected: &[RecordedEvent],
) -> anyhow::Result<()> {
    let got: Vec<String> = messages
        .iter()
        .map(|m| header(&m.headers, cloudevents::ID).map(str::to_owned))
        .collect::<anyhow::Result<_>>()?;
    let want: Vec<String> = expected.iter().map(|e| e.event_id.to_string()).collect();
    if got != want {
        let mut seen = std::collections::HashSet::new();
        let duplicates = got.iter().filter(|id| !seen.insert(*id)).count();
        let missing = want.iter().filter(|id| !got.contains(id)).count();
        bail!(
            "stream holds {} messages for {} events: {duplicates} duplicates, {missing} missing, or out of order",
            got.len(),
            want.len()
        );
    }
    Ok(())
}

/// A duplicate window shorter than the outages and restarts below, so
/// `Nats-Msg-Id` dedup alone could not hide a republished event.
fn short_dedup_topology() -> BusTopology {
    BusTopology {
        duplicate_window: Duration::from_millis(100),
        ..BusTopology::with_prefix(&unique_prefix())
    }
}

#[tokio::test]
async fn relay_publishes_every_event_once_with_cloudevents_headers() -> anyhow::Result<()> {
    let (_db, store) = pg_store().await?;
    let prefix = unique_prefix();
    let topology = BusTopology::with_prefix(&prefix);
    let client = connect(&shared_nats_url()).await?;
    let jetstream = jetstream::new(client.clone());
    // A plain NATS subscriber, as a service in another language would be.
    let mut raw = client.subscribe(format!("{prefix}.>")).await?;

    append_events(&store, 0, 12).await?;
    let mut relay = RunningRelay::spawn(&store, &jetstream, relay_config(&topology));
    let expected = all_events(&store).await?;
    relay.reached(store.head_position().await?).await?;

    let messages = read_stream(&jetstream, &topology.context_stream_name(CONTEXT)).await?;
    assert_exactly_once_in_order(&messages, &expected)?;
    for (message, event) in messages.iter().zip(&expected) {
        let district = event
            .metadata
            .district
            .as_ref()
            .map_or("city", |d| d.as_str());
        assert_eq!(
            message.subject.as_str(),
            format!("{prefix}.platform.{district}.thing.ThingHappened")
        );
        assert_eq!(decode_parts(&message.headers, &message.payload)?, *event);
        let headers = &message.headers;
        assert_eq!(header(headers, "Nats-Msg-Id")?, event.event_id.to_string());
        assert_eq!(header(headers, "ce-specversion")?, "1.0");
        assert_eq!(header(headers, "ce-id")?, event.event_id.to_string());
        assert_eq!(header(headers, "ce-source")?, "/gongzhi/platform");
        assert_eq!(header(headers, "ce-type")?, EVENT_TYPE);
        assert_eq!(header(headers, "ce-subject")?, event.stream.as_str());
        assert_eq!(
            header(headers, "ce-time")?,
            cloudevents::format_time(event.recorded_at)
        );
        assert_eq!(
            header(headers, "ce-datacontenttype")?,
            "application/protobuf"
        );
        assert_eq!(header(headers, "content-type")?, "application/protobuf");
        assert_eq!(
            header(headers, "ce-dataschema")?,
            format!("proto:{EVENT_TYPE}")
        );
        assert_eq!(
            Some(header(headers, "traceparent")?),
            event.metadata.traceparent.as_deref()
        );
        assert_eq!(
            Some(header(headers, "tracestate")?),
            event.metadata.tracestate.as_deref()
        );
        assert_eq!(
            header(headers, "gongzhi-stream-revision")?,
            event.revision.to_string()
        );
        assert_eq!(
            header(headers, "gongzhi-position")?,
            event.position.to_string()
        );
        assert_eq!(
            headers.get("gongzhi-district").map(|v| v.as_str()),
            event.metadata.district.as_ref().map(|d| d.as_str())
        );
        assert_eq!(
            header(headers, "gongzhi-correlation-id")?,
            event.metadata.correlation_id.to_string()
        );
        assert_eq!(
            Some(header(headers, "gongzhi-causation-id")?.to_owned()),
            event.metadata.causation_id.map(|id| id.to_string())
        );
        assert_eq!(header(headers, "gongzhi-actor")?, event.metadata.actor);
        assert_eq!(
            header(headers, "gongzhi-schema-version")?,
            event.metadata.schema_version.to_string()
        );
        assert_eq!(message.payload.as_ref(), event.payload.as_slice());
    }

    use futures::StreamExt;
    for event in &expected {
        let message = tokio::time::timeout(WAIT, raw.next())
            .await
            .context("raw subscriber got too few messages")?
            .context("raw subscription closed")?;
        let headers = message
            .headers
            .as_ref()
            .context("raw message without headers")?;
        assert_eq!(header(headers, "ce-id")?, event.event_id.to_string());
        assert_eq!(
            header(headers, "gongzhi-position")?,
            event.position.to_string()
        );
        assert_eq!(message.payload.as_ref(), event.payload.as_slice());
    }

    let checkpoint = store.load_checkpoint("relay-platform").await?;
    assert_eq!(checkpoint, store.head_position().await?);
    relay.stop().await
}

/// Events that EventStoreDB clients appended to streams of their own (type
/// outside `gongzhi.`, JSON payload) sit in `$all` between Gongzhi's: the
/// relay passes over them and publishes the rest in order.
#[tokio::test]
async fn relay_passes_over_events_appended_by_eventstoredb_clients() -> anyhow::Result<()> {
    let (_db, store) = pg_store().await?;
    let topology = BusTopology::with_prefix(&unique_prefix());
    let jetstream = jetstream::new(connect(&shared_nats_url()).await?);
    append_events(&store, 0, 2).await?;
    let mut external = EventMetadata::new(Some(DistrictCode::parse("500108")?), "external");
    external.content_type = Some("application/json".to_owned());
    store
        .append(
            &StreamName::new("order", Uuid::new_v4())?,
            ExpectedRevision::NoStream,
            vec![EventData {
                event_id: Uuid::new_v4(),
                event_type: "OrderPlaced".to_owned(),
                payload: br#"{"total":12}"#.to_vec(),
                metadata: external,
            }],
        )
        .await?;
    append_events(&store, 2, 4).await?;

    let mut relay = RunningRelay::spawn(&store, &jetstream, relay_config(&topology));
    relay.reached(store.head_position().await?).await?;
    let ours: Vec<RecordedEvent> = all_events(&store)
        .await?
        .into_iter()
        .filter(|event| event.event_type == EVENT_TYPE)
        .collect();
    ensure!(ours.len() == 4);
    let messages = read_stream(&jetstream, &topology.context_stream_name(CONTEXT)).await?;
    assert_exactly_once_in_order(&messages, &ours)?;
    relay.stop().await
}

#[tokio::test]
async fn relay_loses_and_duplicates_nothing_when_nats_goes_down_mid_load() -> anyhow::Result<()> {
    const TOTAL: u32 = 600;
    // The writer pauses here until the server is down, so a good share of
    // the appends provably happen during the outage.
    const GATE: u32 = 350;
    const DURING_OUTAGE: u32 = 150;

    let (_db, store) = pg_store().await?;
    let mut server = NatsServer::start_new().await?;
    let topology = short_dedup_topology();
    let client = connect(&server.url()).await?;
    let jetstream = jetstream::new(client);
    let mut relay = RunningRelay::spawn(&store, &jetstream, relay_config(&topology));

    let (server_down_tx, server_down_rx) = tokio::sync::oneshot::channel::<()>();
    let (appended_tx, mut appended) = watch::channel(0u32);
    let writer_store = Arc::clone(&store);
    // Ends after TOTAL appends or at the first failed append (returned).
    let writer = tokio::spawn(async move {
        let mut server_down = Some(server_down_rx);
        for n in 0..TOTAL {
            if n == GATE
                && let Some(gate) = server_down.take()
            {
                gate.await.context("the test dropped the gate")?;
            }
            append_events(&writer_store, n, n + 1).await?;
            appended_tx.send_replace(n + 1);
        }
        anyhow::Ok(())
    });

    relay.reached(50).await?;
    server.stop()?;
    let stopped_at = *appended.borrow();
    ensure!(stopped_at < TOTAL, "the writer finished before the outage");
    let _ = server_down_tx.send(());
    tokio::time::timeout(
        WAIT,
        appended.wait_for(|n| *n >= stopped_at + DURING_OUTAGE),
    )
    .await
    .context("appends stalled while nats was down")??;
    server.start().await?;

    tokio::time::timeout(WAIT, writer)
        .await
        .context("writer did not finish")???;
    let head = store.head_position().await?;
    assert_eq!(head, u64::from(TOTAL));
    relay.reached(head).await?;
    relay.stop().await?;

    let messages = read_stream(&jetstream, &topology.context_stream_name(CONTEXT)).await?;
    assert_exactly_once_in_order(&messages, &all_events(&store).await?)
}

#[tokio::test]
async fn restarted_relay_resumes_from_its_checkpoint_without_duplicates() -> anyhow::Result<()> {
    let (_db, store) = pg_store().await?;
    let topology = short_dedup_topology();
    let jetstream = jetstream::new(connect(&shared_nats_url()).await?);
    let config = relay_config(&topology);

    append_events(&store, 0, 10).await?;
    let mut first = RunningRelay::spawn(&store, &jetstream, config.clone());
    first.reached(10).await?;
    first.stop().await?;
    assert_eq!(store.load_checkpoint(&config.name).await?, 10);

    // As if the relay had died after its acks but before saving the
    // checkpoint: the restart must not publish events 5..10 again.
    store.save_checkpoint(&config.name, 4).await?;
    append_events(&store, 10, 20).await?;
    let mut second = RunningRelay::spawn(&store, &jetstream, config.clone());
    second.reached(20).await?;
    second.stop().await?;
    assert_eq!(store.load_checkpoint(&config.name).await?, 20);

    let messages = read_stream(&jetstream, &topology.context_stream_name(CONTEXT)).await?;
    assert_exactly_once_in_order(&messages, &all_events(&store).await?)
}
