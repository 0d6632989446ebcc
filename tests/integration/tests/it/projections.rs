//! Projection runtime against real PostgreSQL (and SQLite for the embedded
//! mode): checkpoint in the same transaction, rebuild while serving,
//! read-your-writes.

mod replicas;

use crate::support::pg::fresh_database;
use gongzhi_eventstore::{
    EventData, EventMetadata, ExpectedRevision, PostgresEventStore, SharedEventStore,
    SqliteEventStore, StreamName,
};
use gongzhi_kernel::{DistrictCode, EventCodec, RecordedEvent};
use gongzhi_platform::domain::NoticeEvent;
use gongzhi_platform::projections::{NoticesProjection, list_notices};
use gongzhi_projections::{ProjectionError, ProjectionHandle, ReadModelDb};
use gongzhi_proto::gongzhi::platform::v1 as pb;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

const DISTRICT: &str = "500108";
const WAIT: Duration = Duration::from_secs(10);

async fn postgres() -> anyhow::Result<(
    crate::support::pg::TestDb,
    SharedEventStore,
    ProjectionHandle,
)> {
    let db = fresh_database().await?;
    let store = PostgresEventStore::new(db.pool.clone());
    store.migrate().await?;
    let store: SharedEventStore = Arc::new(store);
    let read_models = ReadModelDb::postgres(&db.url).await?;
    let handle = read_models
        .register(Arc::new(NoticesProjection), store.clone())
        .await?;
    Ok((db, store, handle))
}

async fn sqlite(dir: &std::path::Path) -> anyhow::Result<(SharedEventStore, ProjectionHandle)> {
    let store = SqliteEventStore::open(dir.join("events.db")).await?;
    store.migrate().await?;
    let store: SharedEventStore = Arc::new(store);
    let read_models = ReadModelDb::sqlite(dir.join("readmodels")).await?;
    let handle = read_models
        .register(Arc::new(NoticesProjection), store.clone())
        .await?;
    Ok((store, handle))
}

/// Appends a published notice and returns the recorded event.
async fn publish(store: &SharedEventStore, title: &str) -> anyhow::Result<RecordedEvent> {
    let notice_id = Uuid::new_v4();
    let stream = StreamName::new("notice", notice_id)?;
    let event = NoticeEvent::Published(pb::NoticePublished {
        notice_id: notice_id.to_string(),
        district: DISTRICT.into(),
        title: title.into(),
        body: "body".into(),
        published_by: "tester".into(),
    });
    let data = EventData {
        event_id: Uuid::new_v4(),
        event_type: event.event_type().to_owned(),
        payload: event.encode(),
        metadata: EventMetadata::new(Some(DistrictCode::parse(DISTRICT)?), "tester"),
    };
    store
        .append(&stream, ExpectedRevision::NoStream, vec![data])
        .await?;
    let recorded = store
        .read_stream(
            &stream,
            gongzhi_eventstore::Direction::Forward,
            gongzhi_eventstore::ReadFrom::Start,
            1,
        )
        .await?;
    recorded
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("event just written is missing"))
}

async fn count(handle: &ProjectionHandle) -> anyhow::Result<i64> {
    let mut tx = handle.read().await?;
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notices")
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(count)
}

async fn has_title(handle: &ProjectionHandle, title: &str) -> anyhow::Result<bool> {
    let mut tx = handle.read().await?;
    let found: Option<String> =
        sqlx::query_scalar("SELECT notice_id FROM notices WHERE title = $1")
            .bind(title)
            .fetch_optional(&mut *tx)
            .await?;
    tx.commit().await?;
    Ok(found.is_some())
}

async fn titles(handle: &ProjectionHandle) -> anyhow::Result<Vec<String>> {
    let mut titles: Vec<String> = list_notices(handle, DISTRICT, true)
        .await?
        .into_iter()
        .map(|n| n.title)
        .collect();
    titles.sort();
    Ok(titles)
}

#[tokio::test]
async fn redelivered_event_is_applied_once_postgres() -> anyhow::Result<()> {
    let (_db, store, handle) = postgres().await?;
    let event = publish(&store, "a").await?;
    assert!(handle.apply(&event).await?, "first delivery applies");
    assert!(
        !handle.apply(&event).await?,
        "redelivery is skipped by the checkpoint"
    );
    assert_eq!(titles(&handle).await?, vec!["a"]);
    assert_eq!(
        handle.checkpoints().await?.get("platform"),
        Some(&event.position)
    );
    Ok(())
}

#[tokio::test]
async fn redelivered_event_is_applied_once_sqlite() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (store, handle) = sqlite(dir.path()).await?;
    let event = publish(&store, "a").await?;
    assert!(handle.apply(&event).await?);
    assert!(!handle.apply(&event).await?);
    assert_eq!(titles(&handle).await?, vec!["a"]);
    Ok(())
}

#[tokio::test]
async fn events_of_other_categories_are_ignored() -> anyhow::Result<()> {
    let (_db, store, handle) = postgres().await?;
    let stream = StreamName::new("other", Uuid::new_v4())?;
    let data = EventData {
        event_id: Uuid::new_v4(),
        event_type: "gongzhi.platform.v1.Unrelated".into(),
        payload: vec![1, 2, 3],
        metadata: EventMetadata::new(None, "tester"),
    };
    let written = store
        .append(&stream, ExpectedRevision::Any, vec![data])
        .await?;
    let events = store
        .read_all(0, &gongzhi_eventstore::AllFilter::everything(), 10)
        .await?;
    assert!(!handle.apply(&events[0]).await?, "not a notice event");
    // Nothing matching lies at or below that position, so a read-your-writes
    // wait on it returns at once even though the checkpoint never moved.
    handle
        .wait_for(written.position, Duration::from_millis(1))
        .await?;
    Ok(())
}

#[tokio::test]
async fn read_your_writes_waits_for_the_projection() -> anyhow::Result<()> {
    let (_db, store, handle) = postgres().await?;
    let event = publish(&store, "first").await?;
    let early = handle
        .wait_for(event.position, Duration::from_millis(50))
        .await;
    assert!(
        matches!(early, Err(ProjectionError::NotCaughtUp { wanted, .. }) if wanted == event.position)
    );

    let waiter = {
        let handle = handle.clone();
        tokio::spawn(async move { handle.wait_for(event.position, WAIT).await })
    };
    handle.apply(&event).await?;
    waiter.await??;
    assert_eq!(titles(&handle).await?, vec!["first"]);
    let status = handle.status().await?;
    assert_eq!(
        (status.position, status.pending_events),
        (event.position, 0)
    );
    Ok(())
}

#[tokio::test]
async fn lag_counts_pending_events() -> anyhow::Result<()> {
    let (_db, store, handle) = postgres().await?;
    let first = publish(&store, "1").await?;
    publish(&store, "2").await?;
    publish(&store, "3").await?;
    handle.apply(&first).await?;
    let status = handle.status().await?;
    assert_eq!(status.pending_events, 2);
    assert!(status.seconds_behind >= 0.0);
    Ok(())
}

/// Rebuild replays the store into generation 2 while generation 1 keeps
/// serving and keeps taking live events; an event applied live in the middle
/// of the rebuild must be in the new generation after the switch.
async fn rebuild_while_serving(
    store: SharedEventStore,
    handle: ProjectionHandle,
) -> anyhow::Result<()> {
    for n in 0..1_200 {
        let event = publish(&store, &format!("old-{n:04}")).await?;
        handle.apply(&event).await?;
    }
    assert_eq!(
        count(&handle).await?,
        1_200,
        "every notice applied before the rebuild"
    );
    let (paused_tx, paused_rx) = tokio::sync::oneshot::channel::<()>();
    let (resume_tx, resume_rx) = std::sync::mpsc::channel::<()>();
    let rebuilding = {
        let handle = handle.clone();
        tokio::spawn(async move {
            let mut paused = Some(paused_tx);
            handle
                .rebuild(move |_progress| {
                    // Hold the rebuild after its first page until the test
                    // has used the old generation.
                    if let Some(paused) = paused.take() {
                        let _ = paused.send(());
                        // block_in_place hands this worker's queued tasks to
                        // another thread while the rebuild is held.
                        let _ = tokio::task::block_in_place(|| resume_rx.recv());
                    }
                })
                .await
        })
    };
    paused_rx.await?;
    assert_eq!(
        handle.generation().await?,
        1,
        "old generation still live during the rebuild"
    );
    assert_eq!(count(&handle).await?, 1_200, "old generation keeps serving");
    let live = publish(&store, "live-during-rebuild").await?;
    assert!(
        handle.apply(&live).await?,
        "live events still go to the old generation"
    );
    resume_tx.send(())?;
    let generation = rebuilding.await??;
    assert_eq!(generation, 2);
    assert_eq!(handle.generation().await?, 2);
    assert_eq!(
        count(&handle).await?,
        1_201,
        "every notice exactly once in the new generation"
    );
    assert!(has_title(&handle, "live-during-rebuild").await?);
    assert!(
        !handle.apply(&live).await?,
        "the new generation's checkpoint already passed it"
    );
    let next = publish(&store, "after").await?;
    assert!(handle.apply(&next).await?);
    assert_eq!(count(&handle).await?, 1_202);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rebuild_while_serving_postgres() -> anyhow::Result<()> {
    let (db, store, handle) = postgres().await?;
    rebuild_while_serving(store, handle).await?;
    let old_schema: Option<String> =
        sqlx::query_scalar("SELECT schema_name::text FROM information_schema.schemata WHERE schema_name = 'rm_notices_g1'")
            .fetch_optional(&db.pool)
            .await?;
    assert_eq!(
        old_schema, None,
        "the old generation is dropped after the switch"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rebuild_while_serving_sqlite() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (store, handle) = sqlite(dir.path()).await?;
    rebuild_while_serving(store, handle).await?;
    assert!(!dir.path().join("readmodels/rm_notices_g1.db").exists());
    // The live generation survives a restart.
    let read_models = ReadModelDb::sqlite(dir.path().join("readmodels")).await?;
    let store: SharedEventStore =
        Arc::new(SqliteEventStore::open(dir.path().join("events.db")).await?);
    let reopened = read_models
        .register(Arc::new(NoticesProjection), store)
        .await?;
    assert_eq!(reopened.generation().await?, 2);
    assert_eq!(count(&reopened).await?, 1_202);
    Ok(())
}
