//! Concurrent writers against `$all` readers: the proof that a reader never
//! skips an event committed after a later position became visible.
//!
//! 16 writers append 1-3 events at a time to random streams while a
//! `subscribe_all` reader and a reader looping `read_all(after = last seen)`
//! run. Both must see strictly increasing positions and, at the end, exactly
//! the committed events. Positions taken from a plain sequence fail this: a
//! writer holding position `p` commits after `p + 1` is visible, the looping
//! reader moves past `p`, and `p` is never read.

use crate::store_contract::{
    PATIENCE, StoreFixture, event, new_stream, pg_store, sqlite_file_store,
};
use anyhow::{Context, ensure};
use futures::StreamExt;
use gongzhi_eventstore::{AllFilter, EventStore, ExpectedRevision, StreamName};
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::watch;

const WRITERS: u64 = 16;
const APPENDS_PER_WRITER: u64 = 40;
const STREAMS: usize = 24;
/// Bound on the whole run; generous for a 2-core machine.
const RUN_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_readers_never_skip_under_concurrent_writers() -> anyhow::Result<()> {
    readers_never_skip(pg_store().await?).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_readers_never_skip_under_concurrent_writers() -> anyhow::Result<()> {
    readers_never_skip(sqlite_file_store().await?).await
}

/// A tiny deterministic generator: the test needs variety, not quality.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound
    }
}

/// Each reader reports position -> event id, failing on any position that is
/// not above the previous one.
type Seen = BTreeMap<u64, uuid::Uuid>;

async fn readers_never_skip(fixture: StoreFixture) -> anyhow::Result<()> {
    let store = fixture.store.clone();
    let streams: Arc<Vec<StreamName>> = Arc::new(
        (0..STREAMS)
            .map(|_| new_stream("resident"))
            .collect::<anyhow::Result<_>>()?,
    );
    // `None` while writers run; then the final head the readers must reach.
    let (stop_tx, stop_rx) = watch::channel(None::<u64>);

    // Readers first, so they run through the whole write phase. Each ends
    // when it reaches the final head, or with the first error; the test's
    // runtime drops them if the test fails before.
    let subscriber = tokio::spawn(subscription_reader(store.clone(), stop_rx.clone()));
    let poller = tokio::spawn(polling_reader(store.clone(), stop_rx));

    let writers = (0..WRITERS)
        .map(|writer| tokio::spawn(write_batches(store.clone(), streams.clone(), writer)));
    let written = tokio::time::timeout(RUN_LIMIT, futures::future::try_join_all(writers))
        .await
        .context("writers did not finish in time")?;
    let mut committed = Seen::new();
    for batch in written? {
        for (position, event_id) in batch? {
            ensure!(
                committed.insert(position, event_id).is_none(),
                "two appends reported position {position}"
            );
        }
    }
    let head = committed.last_key_value().map_or(0, |(&p, _)| p);
    stop_tx.send_replace(Some(head));

    let from_subscription = tokio::time::timeout(RUN_LIMIT, subscriber)
        .await
        .context("subscriber stuck")???;
    let from_polling = tokio::time::timeout(RUN_LIMIT, poller)
        .await
        .context("poller stuck")???;

    let stored: Seen = store
        .read_all(0, &AllFilter::everything(), usize::MAX)
        .await?
        .into_iter()
        .map(|e| (e.position, e.event_id))
        .collect();
    ensure!(
        stored.len() == committed.len(),
        "{} stored, {} appended",
        stored.len(),
        committed.len()
    );
    ensure!(
        stored.keys().copied().eq(1..=head),
        "positions are not gapless from 1 to {head}"
    );
    ensure!(
        stored == committed,
        "stored events differ from what the writers were told"
    );
    ensure!(
        from_subscription == stored,
        "the subscription missed or misplaced events"
    );
    ensure!(
        from_polling == stored,
        "the polling reader missed or misplaced events"
    );
    Ok(())
}

/// Appends 1-3 events to random streams; returns (position, event id) of
/// every event, computed from each append's result.
async fn write_batches(
    store: Arc<dyn EventStore>,
    streams: Arc<Vec<StreamName>>,
    writer: u64,
) -> anyhow::Result<Vec<(u64, uuid::Uuid)>> {
    let mut random = Lcg(writer + 1);
    let mut written = Vec::new();
    for _ in 0..APPENDS_PER_WRITER {
        let stream = &streams[random.below(STREAMS as u64) as usize];
        let count = 1 + random.below(3);
        let batch = (0..count)
            .map(|_| event("gongzhi.residents.v1.ResidentMoved"))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let result = store
            .append(stream, ExpectedRevision::Any, batch.clone())
            .await?;
        // An append's events take consecutive positions ending at `position`.
        for (offset, data) in batch.iter().rev().enumerate() {
            written.push((result.position - offset as u64, data.event_id));
        }
    }
    Ok(written)
}

fn record(
    seen: &mut Seen,
    position: u64,
    event_id: uuid::Uuid,
    reader: &str,
) -> anyhow::Result<()> {
    if let Some((&last, _)) = seen.last_key_value() {
        ensure!(
            position > last,
            "{reader} saw position {position} after {last}"
        );
    }
    seen.insert(position, event_id);
    Ok(())
}

fn reached(stop: &watch::Receiver<Option<u64>>, seen: &Seen) -> bool {
    let last = seen.last_key_value().map_or(0, |(&p, _)| p);
    stop.borrow().is_some_and(|head| last >= head)
}

async fn subscription_reader(
    store: Arc<dyn EventStore>,
    mut stop: watch::Receiver<Option<u64>>,
) -> anyhow::Result<Seen> {
    let mut subscription = store.subscribe_all(0, AllFilter::everything());
    let mut seen = Seen::new();
    while !reached(&stop, &seen) {
        tokio::select! {
            next = subscription.next() => {
                let recorded = next.context("subscription ended")??;
                record(&mut seen, recorded.position, recorded.event_id, "subscription")?;
            }
            changed = stop.changed() => changed.context("the test dropped the stop signal")?,
        }
    }
    Ok(seen)
}

async fn polling_reader(
    store: Arc<dyn EventStore>,
    stop: watch::Receiver<Option<u64>>,
) -> anyhow::Result<Seen> {
    let mut seen = Seen::new();
    let deadline = tokio::time::Instant::now() + RUN_LIMIT + PATIENCE;
    while !reached(&stop, &seen) {
        ensure!(
            tokio::time::Instant::now() < deadline,
            "polling reader never reached the head"
        );
        let after = seen.last_key_value().map_or(0, |(&p, _)| p);
        let page = store.read_all(after, &AllFilter::everything(), 50).await?;
        if page.is_empty() {
            // Let the writers run; this reader exists to race them.
            tokio::task::yield_now().await;
        }
        for recorded in page {
            record(
                &mut seen,
                recorded.position,
                recorded.event_id,
                "polling reader",
            )?;
        }
    }
    Ok(seen)
}
