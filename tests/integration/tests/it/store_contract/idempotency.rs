//! Idempotent retries: the same event ids at the same place answer the
//! original result and write nothing; ids found elsewhere conflict.

use super::{events, new_stream};
use anyhow::ensure;
use gongzhi_eventstore::{
    Direction, EventStore, ExpectedRevision, ReadFrom, StoreError, StoreErrorKind,
};
use std::sync::Arc;

async fn stream_length(
    store: &dyn EventStore,
    stream: &gongzhi_eventstore::StreamName,
) -> anyhow::Result<usize> {
    Ok(store
        .read_stream(stream, Direction::Forward, ReadFrom::Start, 1000)
        .await?
        .len())
}

fn kind<T>(result: &Result<T, StoreError>) -> Option<StoreErrorKind> {
    result.as_ref().err().map(StoreError::kind)
}

pub async fn same_ids_at_the_same_place_return_the_original_result(
    store: Arc<dyn EventStore>,
) -> anyhow::Result<()> {
    let stream = new_stream("resident")?;
    let batch = events(2)?;
    let original = store
        .append(&stream, ExpectedRevision::NoStream, batch.clone())
        .await?;
    store
        .append(&stream, ExpectedRevision::Any, events(1)?)
        .await?;
    let head = store.head_position().await?;

    for expected in [
        ExpectedRevision::NoStream,
        ExpectedRevision::Any,
        ExpectedRevision::StreamExists,
    ] {
        let retried = store.append(&stream, expected, batch.clone()).await?;
        ensure!(
            retried == original,
            "retry with {expected} answered {retried:?}, not {original:?}"
        );
    }
    ensure!(store.head_position().await? == head, "a retry wrote events");
    ensure!(stream_length(store.as_ref(), &stream).await? == 3);
    Ok(())
}

pub async fn retry_with_exact_revision_after_success_is_idempotent(
    store: Arc<dyn EventStore>,
) -> anyhow::Result<()> {
    let stream = new_stream("resident")?;
    store
        .append(&stream, ExpectedRevision::NoStream, events(2)?)
        .await?;
    let batch = events(2)?;
    let original = store
        .append(&stream, ExpectedRevision::Exact(1), batch.clone())
        .await?;
    ensure!(original.next_expected_revision == 3);
    store
        .append(&stream, ExpectedRevision::Exact(3), events(1)?)
        .await?;
    let head = store.head_position().await?;

    let retried = store
        .append(&stream, ExpectedRevision::Exact(1), batch.clone())
        .await?;
    ensure!(retried == original, "{retried:?} != {original:?}");
    // Same ids, but where this expectation would not have put them.
    let misplaced = store
        .append(&stream, ExpectedRevision::Exact(0), batch)
        .await;
    match misplaced {
        Err(StoreError::WrongExpectedRevision { actual, .. }) => ensure!(actual == Some(4)),
        other => anyhow::bail!("expected wrong expected revision, got {other:?}"),
    }
    ensure!(store.head_position().await? == head);
    ensure!(stream_length(store.as_ref(), &stream).await? == 5);
    Ok(())
}

pub async fn partial_or_misplaced_ids_conflict(store: Arc<dyn EventStore>) -> anyhow::Result<()> {
    let stream = new_stream("resident")?;
    let other_stream = new_stream("resident")?;
    let batch = events(2)?;
    store
        .append(&stream, ExpectedRevision::NoStream, batch.clone())
        .await?;
    let head = store.head_position().await?;

    let fresh = events(1)?;
    let partial = vec![batch[0].clone(), fresh[0].clone()];
    let refused = store.append(&stream, ExpectedRevision::Any, partial).await;
    ensure!(
        kind(&refused) == Some(StoreErrorKind::EventIdConflict),
        "partial: {refused:?}"
    );

    let refused = store
        .append(&other_stream, ExpectedRevision::Any, batch.clone())
        .await;
    ensure!(
        kind(&refused) == Some(StoreErrorKind::EventIdConflict),
        "other stream: {refused:?}"
    );

    let reordered = vec![batch[1].clone(), batch[0].clone()];
    let refused = store
        .append(&stream, ExpectedRevision::Any, reordered)
        .await;
    ensure!(
        kind(&refused) == Some(StoreErrorKind::EventIdConflict),
        "reordered: {refused:?}"
    );

    ensure!(
        store.head_position().await? == head,
        "a refused append wrote events"
    );
    ensure!(store.find_event(fresh[0].event_id).await?.is_none());
    let missing = store
        .read_stream(&other_stream, Direction::Forward, ReadFrom::Start, 1)
        .await;
    ensure!(kind(&missing) == Some(StoreErrorKind::StreamNotFound));
    Ok(())
}

pub async fn concurrent_identical_appends_write_once(
    store: Arc<dyn EventStore>,
) -> anyhow::Result<()> {
    for expected in [ExpectedRevision::Any, ExpectedRevision::NoStream] {
        let stream = new_stream("resident")?;
        let batch = events(3)?;
        let attempts = (0..8).map(|_| {
            let store = store.clone();
            let stream = stream.clone();
            let batch = batch.clone();
            // Ends with its append; joined below, so an error or panic fails
            // the test. The runtime drops it if the test fails first.
            tokio::spawn(async move { store.append(&stream, expected, batch).await })
        });
        let results = futures::future::try_join_all(attempts).await?;
        let first = results[0].as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
        for result in &results {
            ensure!(
                result.as_ref().ok() == Some(first),
                "{expected}: {result:?} differs from {first:?}"
            );
        }
        ensure!(first.next_expected_revision == 2);
        ensure!(stream_length(store.as_ref(), &stream).await? == 3);
    }
    Ok(())
}
