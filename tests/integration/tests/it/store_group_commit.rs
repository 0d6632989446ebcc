//! Group commit (concurrent PostgreSQL appends sharing one transaction) keeps
//! the store's guarantees: within one group, appends racing for the same
//! revision of one stream still have exactly one winner, appends with `Any`
//! to one stream get consecutive revisions, an event id already stored still
//! answers as a retry, and `$all` stays gapless in revision order per stream.

use crate::store_contract::{event, events, new_stream, pg_store};
use anyhow::ensure;
use futures::future::join_all;
use gongzhi_eventstore::{
    AllFilter, Direction, EventStore, ExpectedRevision, ReadFrom, StoreError,
};

const RACERS: usize = 12;
const ROUNDS: u64 = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_exact_appends_have_one_winner_per_revision() -> anyhow::Result<()> {
    let fixture = pg_store().await?;
    let store = fixture.store.clone();
    let stream = new_stream("resident")?;
    store
        .append(&stream, ExpectedRevision::NoStream, events(1)?)
        .await?;
    for round in 0..ROUNDS {
        let attempts = (0..RACERS).map(|_| {
            let (store, stream) = (store.clone(), stream.clone());
            async move {
                let events = events(2)?;
                Ok::<_, anyhow::Error>(
                    store
                        .append(&stream, ExpectedRevision::Exact(round * 2), events)
                        .await,
                )
            }
        });
        let mut winners = 0;
        for outcome in join_all(attempts).await {
            match outcome? {
                Ok(result) => {
                    winners += 1;
                    ensure!(result.next_expected_revision == round * 2 + 2);
                }
                Err(StoreError::WrongExpectedRevision { .. }) => {}
                Err(other) => return Err(other.into()),
            }
        }
        ensure!(winners == 1, "round {round}: {winners} winners");
    }
    let read = store
        .read_stream(&stream, Direction::Forward, ReadFrom::Start, 1_000)
        .await?;
    let revisions: Vec<u64> = read.iter().map(|e| e.revision).collect();
    ensure!(revisions == (0..=ROUNDS * 2).collect::<Vec<_>>());
    gapless(store.as_ref(), ROUNDS * 2 + 1).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_any_appends_to_one_stream_get_consecutive_revisions() -> anyhow::Result<()> {
    let fixture = pg_store().await?;
    let store = fixture.store.clone();
    let stream = new_stream("resident")?;
    let appends = (0..RACERS * 4).map(|i| {
        let (store, stream) = (store.clone(), stream.clone());
        async move {
            store
                .append(&stream, ExpectedRevision::Any, events(1 + i % 3)?)
                .await
                .map_err(anyhow::Error::from)
        }
    });
    let mut total = 0;
    for result in join_all(appends).await {
        result?;
    }
    for i in 0..RACERS * 4 {
        total += 1 + i % 3;
    }
    let read = store
        .read_stream(&stream, Direction::Forward, ReadFrom::Start, 10_000)
        .await?;
    ensure!(read.len() == total);
    for (expected, event) in read.iter().enumerate() {
        ensure!(event.revision == expected as u64, "revisions contiguous");
    }
    ensure!(
        read.windows(2).all(|w| w[0].position < w[1].position),
        "positions follow revisions"
    );
    gapless(store.as_ref(), total as u64).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn retries_in_a_group_answer_like_the_original() -> anyhow::Result<()> {
    let fixture = pg_store().await?;
    let store = fixture.store.clone();
    let streams: Vec<_> = (0..RACERS)
        .map(|_| new_stream("resident"))
        .collect::<anyhow::Result<_>>()?;
    let batches: Vec<_> = (0..RACERS)
        .map(|_| events(2))
        .collect::<anyhow::Result<_>>()?;
    let first =
        join_all(streams.iter().zip(&batches).map(|(stream, batch)| {
            store.append(stream, ExpectedRevision::NoStream, batch.clone())
        }))
        .await;
    // The same appends again, with fresh ones interleaved in the same group.
    let again = join_all(streams.iter().zip(&batches).map(|(stream, batch)| {
        let store = store.clone();
        async move {
            let fresh = store.append(
                stream,
                ExpectedRevision::Any,
                vec![event("gongzhi.residents.v1.X")?],
            );
            let retry = store.append(stream, ExpectedRevision::NoStream, batch.clone());
            let (fresh, retry) = tokio::join!(fresh, retry);
            Ok::<_, anyhow::Error>((fresh?, retry))
        }
    }))
    .await;
    for (original, repeated) in first.into_iter().zip(again) {
        let original = original?;
        let (_, retry) = repeated?;
        ensure!(
            retry? == original,
            "a retry answers with the original result"
        );
    }
    gapless(store.as_ref(), (RACERS * 3) as u64).await
}

/// `$all` holds exactly positions 1..=count.
async fn gapless(store: &dyn EventStore, count: u64) -> anyhow::Result<()> {
    let all = store.read_all(0, &AllFilter::everything(), 100_000).await?;
    let positions: Vec<u64> = all.iter().map(|e| e.position).collect();
    ensure!(
        positions == (1..=count).collect::<Vec<_>>(),
        "gapless positions, got {positions:?}"
    );
    Ok(())
}
