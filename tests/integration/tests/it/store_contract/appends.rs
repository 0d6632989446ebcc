//! Appends: expected-revision checks with their typed errors, empty and
//! oversized appends.

use super::{event, events, new_stream};
use anyhow::ensure;
use gongzhi_eventstore::{
    AppendResult, DEFAULT_MAX_EVENT_BYTES, Direction, EventStore, ExpectedRevision, ReadFrom,
    StoreError, StoreErrorKind,
};
use std::sync::Arc;

fn actual_revision(result: Result<AppendResult, StoreError>) -> anyhow::Result<Option<u64>> {
    match result {
        Err(StoreError::WrongExpectedRevision { actual, .. }) => Ok(actual),
        other => anyhow::bail!("expected a wrong expected revision error, got {other:?}"),
    }
}

pub async fn appends_to_a_new_stream(store: Arc<dyn EventStore>) -> anyhow::Result<()> {
    let stream = new_stream("resident")?;
    let written = events(2)?;
    let result = store
        .append(&stream, ExpectedRevision::NoStream, written.clone())
        .await?;
    ensure!(result.next_expected_revision == 1, "{result:?}");
    ensure!(store.head_position().await? == result.position);

    let read = store
        .read_stream(&stream, Direction::Forward, ReadFrom::Start, 10)
        .await?;
    ensure!(read.len() == 2);
    for (revision, (recorded, data)) in read.iter().zip(&written).enumerate() {
        ensure!(recorded.revision == revision as u64);
        ensure!(recorded.event_id == data.event_id);
        ensure!(recorded.event_type == data.event_type);
        ensure!(recorded.payload == data.payload);
        ensure!(recorded.metadata == data.metadata);
        ensure!(recorded.stream == stream);
    }
    ensure!(read[0].position >= 1 && read[1].position == read[0].position + 1);
    ensure!(read[1].position == result.position);
    Ok(())
}

pub async fn no_stream_on_an_existing_stream_reports_the_actual_revision(
    store: Arc<dyn EventStore>,
) -> anyhow::Result<()> {
    let stream = new_stream("resident")?;
    store
        .append(&stream, ExpectedRevision::NoStream, events(2)?)
        .await?;
    let refused = store
        .append(&stream, ExpectedRevision::NoStream, events(1)?)
        .await;
    ensure!(actual_revision(refused)? == Some(1));
    Ok(())
}

pub async fn stream_exists_and_exact_on_a_missing_stream_report_no_stream(
    store: Arc<dyn EventStore>,
) -> anyhow::Result<()> {
    let stream = new_stream("resident")?;
    let head = store.head_position().await?;
    let refused = store
        .append(&stream, ExpectedRevision::StreamExists, events(1)?)
        .await;
    ensure!(actual_revision(refused)?.is_none());
    let refused = store
        .append(&stream, ExpectedRevision::Exact(0), events(1)?)
        .await;
    ensure!(actual_revision(refused)?.is_none());
    ensure!(
        store.head_position().await? == head,
        "a refused append wrote something"
    );
    let missing = store
        .read_stream(&stream, Direction::Forward, ReadFrom::Start, 1)
        .await;
    ensure!(
        matches!(missing, Err(StoreError::StreamNotFound { .. })),
        "{missing:?}"
    );

    store
        .append(&stream, ExpectedRevision::NoStream, events(1)?)
        .await?;
    let result = store
        .append(&stream, ExpectedRevision::StreamExists, events(1)?)
        .await?;
    ensure!(result.next_expected_revision == 1);
    Ok(())
}

pub async fn exact_revision_must_match(store: Arc<dyn EventStore>) -> anyhow::Result<()> {
    let stream = new_stream("grid")?;
    let first = store
        .append(&stream, ExpectedRevision::NoStream, events(3)?)
        .await?;
    ensure!(first.next_expected_revision == 2);
    for stale in [0, 1, 3] {
        let refused = store
            .append(&stream, ExpectedRevision::Exact(stale), events(1)?)
            .await;
        ensure!(actual_revision(refused)? == Some(2), "exact {stale}");
    }
    let next = store
        .append(&stream, ExpectedRevision::Exact(2), events(2)?)
        .await?;
    ensure!(next.next_expected_revision == 4);
    ensure!(next.position == first.position + 2);
    Ok(())
}

pub async fn any_appends_wherever_the_stream_is(store: Arc<dyn EventStore>) -> anyhow::Result<()> {
    let stream = new_stream("grid")?;
    let first = store
        .append(&stream, ExpectedRevision::Any, events(1)?)
        .await?;
    ensure!(first.next_expected_revision == 0);
    let second = store
        .append(&stream, ExpectedRevision::Any, events(2)?)
        .await?;
    ensure!(second.next_expected_revision == 2);
    ensure!(second.position > first.position);
    Ok(())
}

pub async fn empty_append_is_refused(store: Arc<dyn EventStore>) -> anyhow::Result<()> {
    let stream = new_stream("grid")?;
    let refused = store
        .append(&stream, ExpectedRevision::Any, Vec::new())
        .await;
    ensure!(
        refused.as_ref().err().map(StoreError::kind) == Some(StoreErrorKind::EmptyAppend),
        "{refused:?}"
    );
    Ok(())
}

pub async fn oversized_event_is_refused_and_nothing_is_written(
    store: Arc<dyn EventStore>,
) -> anyhow::Result<()> {
    let stream = new_stream("grid")?;
    let head = store.head_position().await?;
    let small = event("gongzhi.grids.v1.GridDrawn")?;
    let mut large = event("gongzhi.grids.v1.GridDrawn")?;
    large.payload = vec![7; DEFAULT_MAX_EVENT_BYTES + 1];
    let large_id = large.event_id;
    let refused = store
        .append(&stream, ExpectedRevision::Any, vec![small.clone(), large])
        .await;
    match refused {
        Err(StoreError::EventTooLarge {
            event_id,
            size,
            max,
        }) => {
            ensure!(event_id == large_id && size > max && max == DEFAULT_MAX_EVENT_BYTES);
        }
        other => anyhow::bail!("expected event too large, got {other:?}"),
    }
    ensure!(store.head_position().await? == head);
    ensure!(store.find_event(small.event_id).await?.is_none());
    Ok(())
}
