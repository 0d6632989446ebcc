//! Catch-up subscriptions: history first, then live events, without a gap at
//! the switch. No sleeps: each step waits on the event it needs, bounded by
//! [`PATIENCE`].

use super::{PATIENCE, event, events, new_stream};
use anyhow::{Context, ensure};
use futures::StreamExt;
use gongzhi_eventstore::{
    AllFilter, EventStore, EventSubscription, ExpectedRevision, RecordedEvent,
};
use std::sync::Arc;

async fn next_event(subscription: &mut EventSubscription) -> anyhow::Result<RecordedEvent> {
    let next = tokio::time::timeout(PATIENCE, subscription.next())
        .await
        .context("no event reached the subscription in time")?;
    Ok(next.context("the subscription ended")??)
}

pub async fn catches_up_then_receives_live_events(
    store: Arc<dyn EventStore>,
) -> anyhow::Result<()> {
    let stream = new_stream("resident")?;
    let history = events(3)?;
    store
        .append(&stream, ExpectedRevision::NoStream, history.clone())
        .await?;

    let mut subscription = store.subscribe_all(0, AllFilter::everything());
    let mut last_position = 0;
    for expected in &history {
        let received = next_event(&mut subscription).await?;
        ensure!(received.event_id == expected.event_id);
        ensure!(received.position > last_position);
        last_position = received.position;
    }
    // Caught up: everything appended from now on arrives live.
    let live = events(2)?;
    store
        .append(&stream, ExpectedRevision::Exact(2), live[..1].to_vec())
        .await?;
    store
        .append(&stream, ExpectedRevision::Exact(3), live[1..].to_vec())
        .await?;
    for expected in &live {
        let received = next_event(&mut subscription).await?;
        ensure!(received.event_id == expected.event_id);
        ensure!(received.position > last_position);
        last_position = received.position;
    }

    // A subscription from a position starts right after it.
    let mut from_middle = store.subscribe_all(last_position - 1, AllFilter::everything());
    ensure!(next_event(&mut from_middle).await?.event_id == live[1].event_id);
    Ok(())
}

pub async fn filtered_subscription_skips_other_categories(
    store: Arc<dyn EventStore>,
) -> anyhow::Result<()> {
    let resident = new_stream("resident")?;
    let grid = new_stream("grid")?;
    store
        .append(
            &grid,
            ExpectedRevision::Any,
            vec![event("gongzhi.grids.v1.GridDrawn")?],
        )
        .await?;
    let first = events(1)?;
    store
        .append(&resident, ExpectedRevision::Any, first.clone())
        .await?;

    let mut subscription = store.subscribe_all(0, AllFilter::categories(["resident"]));
    ensure!(next_event(&mut subscription).await?.event_id == first[0].event_id);

    store
        .append(
            &grid,
            ExpectedRevision::Any,
            vec![event("gongzhi.grids.v1.GridDrawn")?],
        )
        .await?;
    let second = events(1)?;
    store
        .append(&resident, ExpectedRevision::Any, second.clone())
        .await?;
    let received = next_event(&mut subscription).await?;
    ensure!(
        received.event_id == second[0].event_id,
        "got {}",
        received.event_type
    );
    Ok(())
}

/// History spans several pages and writers keep appending while the
/// subscription catches up: every position must arrive exactly once, in
/// order, across the switch to live.
pub async fn no_gap_when_switching_to_live_under_concurrent_appends(
    store: Arc<dyn EventStore>,
) -> anyhow::Result<()> {
    const HISTORY_BATCHES: usize = 11;
    const BATCH: usize = 100;
    const LIVE_APPENDS: usize = 150;
    let start = store.head_position().await?;
    for _ in 0..HISTORY_BATCHES {
        store
            .append(
                &new_stream("resident")?,
                ExpectedRevision::NoStream,
                events(BATCH)?,
            )
            .await?;
    }

    let mut subscription = store.subscribe_all(start, AllFilter::everything());
    let writer_store = store.clone();
    // Ends when its appends are done; an error fails the test through the
    // join below. Aborted with the test's runtime if the test fails first.
    let writer = tokio::spawn(async move {
        let streams = [
            new_stream("grid")?,
            new_stream("grid")?,
            new_stream("grid")?,
        ];
        let mut written = Vec::with_capacity(LIVE_APPENDS);
        for index in 0..LIVE_APPENDS {
            let data = events(1)?;
            let stream = &streams[index % streams.len()];
            writer_store
                .append(stream, ExpectedRevision::Any, data.clone())
                .await?;
            written.push(data[0].event_id);
        }
        anyhow::Ok(written)
    });

    let total = HISTORY_BATCHES * BATCH + LIVE_APPENDS;
    let mut received = Vec::with_capacity(total);
    while received.len() < total {
        received.push(next_event(&mut subscription).await?);
    }
    let written_live = writer.await??;

    let positions: Vec<u64> = received.iter().map(|e| e.position).collect();
    let expected_positions: Vec<u64> = (start + 1..=start + total as u64).collect();
    ensure!(
        positions == expected_positions,
        "positions arrived out of order, twice, or with a gap"
    );
    let stored = store
        .read_all(start, &AllFilter::everything(), total + 10)
        .await?;
    ensure!(stored.len() == total);
    for (stored, got) in stored.iter().zip(&received) {
        ensure!(stored.event_id == got.event_id && stored.position == got.position);
    }
    let received_ids: std::collections::HashSet<_> = received.iter().map(|e| e.event_id).collect();
    ensure!(written_live.iter().all(|id| received_ids.contains(id)));
    Ok(())
}

/// Kills the backend that LISTENs for the subscription, then appends: the
/// notification is lost with the connection, so the subscription must listen
/// again and re-read rather than wait for a notification that never comes.
pub async fn survives_losing_the_listener_connection(
    store: Arc<dyn EventStore>,
    admin: &sqlx::PgPool,
) -> anyhow::Result<()> {
    let stream = new_stream("resident")?;
    let first = events(1)?;
    store
        .append(&stream, ExpectedRevision::NoStream, first.clone())
        .await?;
    let mut subscription = store.subscribe_all(0, AllFilter::everything());
    ensure!(next_event(&mut subscription).await?.event_id == first[0].event_id);

    let killed: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()",
    )
    .fetch_all(admin)
    .await?;
    ensure!(
        killed == [true],
        "expected to kill exactly one listener, killed {killed:?}"
    );

    let second = events(1)?;
    store
        .append(&stream, ExpectedRevision::Exact(0), second.clone())
        .await?;
    ensure!(next_event(&mut subscription).await?.event_id == second[0].event_id);
    let third = events(1)?;
    store
        .append(&stream, ExpectedRevision::Exact(1), third.clone())
        .await?;
    ensure!(next_event(&mut subscription).await?.event_id == third[0].event_id);
    Ok(())
}
