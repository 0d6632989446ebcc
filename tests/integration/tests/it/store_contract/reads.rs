//! Reads: one stream in both directions, `$all` with filters, events by id,
//! checkpoints.

use super::{event, events, new_stream};
use anyhow::ensure;
use gongzhi_eventstore::{
    AllFilter, Direction, EventStore, ExpectedRevision, ReadFrom, StoreError,
};
use std::sync::Arc;

fn revisions(events: &[gongzhi_eventstore::RecordedEvent]) -> Vec<u64> {
    events.iter().map(|e| e.revision).collect()
}

pub async fn reads_forward_backward_from_revision_and_from_end(
    store: Arc<dyn EventStore>,
) -> anyhow::Result<()> {
    let stream = new_stream("resident")?;
    store
        .append(&stream, ExpectedRevision::NoStream, events(5)?)
        .await?;
    let read = |direction, from, max| {
        let store = store.clone();
        let stream = stream.clone();
        async move { store.read_stream(&stream, direction, from, max).await }
    };
    ensure!(revisions(&read(Direction::Forward, ReadFrom::Start, 3).await?) == [0, 1, 2]);
    ensure!(revisions(&read(Direction::Forward, ReadFrom::Revision(3), 10).await?) == [3, 4]);
    ensure!(revisions(&read(Direction::Forward, ReadFrom::End, 10).await?).is_empty());
    ensure!(revisions(&read(Direction::Forward, ReadFrom::Revision(9), 10).await?).is_empty());
    ensure!(revisions(&read(Direction::Backward, ReadFrom::End, 2).await?) == [4, 3]);
    ensure!(revisions(&read(Direction::Backward, ReadFrom::Revision(2), 10).await?) == [2, 1, 0]);
    ensure!(revisions(&read(Direction::Backward, ReadFrom::Start, 10).await?) == [0]);
    let all = read(Direction::Forward, ReadFrom::Start, 10).await?;
    ensure!(all.windows(2).all(|w| w[1].position > w[0].position));
    Ok(())
}

pub async fn unknown_stream_is_not_found(store: Arc<dyn EventStore>) -> anyhow::Result<()> {
    let stream = new_stream("resident")?;
    for direction in [Direction::Forward, Direction::Backward] {
        let read = store
            .read_stream(&stream, direction, ReadFrom::Start, 10)
            .await;
        match read {
            Err(StoreError::StreamNotFound { stream: missing }) => ensure!(missing == stream),
            other => anyhow::bail!("expected stream not found, got {other:?}"),
        }
    }
    Ok(())
}

pub async fn read_all_filters_by_category_and_event_type_prefix(
    store: Arc<dyn EventStore>,
) -> anyhow::Result<()> {
    let start = store.head_position().await?;
    let resident = new_stream("resident")?;
    let grid = new_stream("grid")?;
    let residents = vec![
        event("gongzhi.residents.v1.ResidentRegistered")?,
        event("gongzhi.residents.v1.ResidentMoved")?,
    ];
    store
        .append(&resident, ExpectedRevision::NoStream, residents)
        .await?;
    store
        .append(
            &grid,
            ExpectedRevision::NoStream,
            vec![event("gongzhi.grids.v1.GridDrawn")?],
        )
        .await?;
    // `_` must match itself only, not any character.
    store
        .append(
            &grid,
            ExpectedRevision::Any,
            vec![event("gongzhi.gridsXv1.Lookalike")?],
        )
        .await?;

    let types = |events: Vec<gongzhi_eventstore::RecordedEvent>| -> Vec<String> {
        events.into_iter().map(|e| e.event_type).collect()
    };
    let everything = store.read_all(start, &AllFilter::everything(), 100).await?;
    ensure!(everything.len() == 4);
    ensure!(everything.windows(2).all(|w| w[1].position > w[0].position));
    ensure!(everything.iter().all(|e| e.position > start));

    let only_residents = types(
        store
            .read_all(start, &AllFilter::categories(["resident"]), 100)
            .await?,
    );
    ensure!(
        only_residents
            == [
                "gongzhi.residents.v1.ResidentRegistered",
                "gongzhi.residents.v1.ResidentMoved"
            ]
    );

    let by_prefix = AllFilter::everything().with_event_type_prefix("gongzhi.grids.");
    ensure!(types(store.read_all(start, &by_prefix, 100).await?) == ["gongzhi.grids.v1.GridDrawn"]);
    let underscore = AllFilter::everything().with_event_type_prefix("gongzhi.grids_");
    ensure!(store.read_all(start, &underscore, 100).await?.is_empty());

    let both = AllFilter::categories(["resident", "grid"])
        .with_event_type_prefix("gongzhi.residents.v1.ResidentM");
    ensure!(
        types(store.read_all(start, &both, 100).await?) == ["gongzhi.residents.v1.ResidentMoved"]
    );

    let page = store.read_all(start, &AllFilter::everything(), 2).await?;
    ensure!(page.len() == 2 && page[0].position == everything[0].position);
    let after_first = store
        .read_all(everything[0].position, &AllFilter::everything(), 100)
        .await?;
    ensure!(after_first.len() == 3 && after_first[0].position == everything[1].position);
    Ok(())
}

pub async fn read_all_backward_reads_newest_first_before_a_position(
    store: Arc<dyn EventStore>,
) -> anyhow::Result<()> {
    let start = store.head_position().await?;
    let resident = new_stream("resident")?;
    let grid = new_stream("grid")?;
    store
        .append(&resident, ExpectedRevision::NoStream, events(3)?)
        .await?;
    store
        .append(
            &grid,
            ExpectedRevision::NoStream,
            vec![event("gongzhi.grids.v1.GridDrawn")?],
        )
        .await?;
    let forward = store.read_all(start, &AllFilter::everything(), 100).await?;
    let positions = |events: &[gongzhi_eventstore::RecordedEvent]| -> Vec<u64> {
        events.iter().map(|e| e.position).collect()
    };
    let mut newest_first = positions(&forward);
    newest_first.reverse();

    let from_end = store
        .read_all_backward(u64::MAX, &AllFilter::everything(), 4)
        .await?;
    ensure!(positions(&from_end) == newest_first);
    let before_last = store
        .read_all_backward(newest_first[0], &AllFilter::everything(), 2)
        .await?;
    ensure!(positions(&before_last) == newest_first[1..3]);
    let residents = store
        .read_all_backward(u64::MAX, &AllFilter::categories(["resident"]), 10)
        .await?;
    ensure!(residents.iter().take(3).all(|e| e.stream == resident));
    ensure!(positions(&residents[..3]) == newest_first[1..]);
    let grids = AllFilter::everything().with_event_type_prefix("gongzhi.grids.");
    ensure!(positions(&store.read_all_backward(u64::MAX, &grids, 1).await?) == newest_first[..1]);
    ensure!(
        store
            .read_all_backward(1, &AllFilter::everything(), 10)
            .await?
            .is_empty()
    );
    Ok(())
}

pub async fn find_event_locates_an_event_by_id(store: Arc<dyn EventStore>) -> anyhow::Result<()> {
    let stream = new_stream("resident")?;
    let batch = events(2)?;
    let result = store
        .append(&stream, ExpectedRevision::NoStream, batch.clone())
        .await?;
    let found = store.find_event(batch[1].event_id).await?;
    let Some(found) = found else {
        anyhow::bail!("appended event not found");
    };
    ensure!(found.stream == stream && found.revision == 1 && found.position == result.position);
    ensure!(found.metadata == batch[1].metadata && found.payload == batch[1].payload);
    ensure!(store.find_event(uuid::Uuid::new_v4()).await?.is_none());
    Ok(())
}

pub async fn checkpoints_start_at_zero_and_persist(
    store: Arc<dyn EventStore>,
) -> anyhow::Result<()> {
    ensure!(store.load_checkpoint("relay").await? == 0);
    store.save_checkpoint("relay", 5).await?;
    store.save_checkpoint("other", 9).await?;
    ensure!(store.load_checkpoint("relay").await? == 5);
    store.save_checkpoint("relay", 7).await?;
    ensure!(store.load_checkpoint("relay").await? == 7);
    ensure!(store.load_checkpoint("other").await? == 9);
    Ok(())
}
