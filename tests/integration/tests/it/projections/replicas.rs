//! Read-your-writes across replicas: two processes of one service share a
//! durable consumer and a read-model database, so the replica that applies an
//! event is often not the one whose query waits for it. Two independent
//! [`ReadModelDb`]s over one database stand for the two processes.
//!
//! Every waiter here is parked (its first check found the projection behind)
//! before the other replica applies, and its wait is far longer than any
//! wakeup needs: it returns `Ok` only if something woke it, and the only
//! thing that can is the other replica's NOTIFY (or the listener's re-read
//! after a reconnect). Without them it would end in `NotCaughtUp`.

use super::publish;
use crate::support::pg::{TestDb, fresh_database, server_url};
use gongzhi_eventstore::{PostgresEventStore, SharedEventStore};
use gongzhi_platform::projections::NoticesProjection;
use gongzhi_projections::{LISTENER_APPLICATION_NAME, ProjectionHandle, ReadModelDb};
use sqlx::{Connection, PgConnection};
use std::sync::Arc;
use std::time::Duration;

/// Generous: a wakeup takes milliseconds; only a missing one reaches this.
const REPLICA_WAIT: Duration = Duration::from_secs(30);
/// Bounds the test's own waits so a broken runtime fails instead of hanging.
const GUARD: Duration = Duration::from_secs(60);

async fn store(db: &TestDb) -> anyhow::Result<SharedEventStore> {
    let store = PostgresEventStore::new(db.pool.clone());
    store.migrate().await?;
    Ok(Arc::new(store))
}

/// One replica: its own read-model connections and its own listener.
async fn replica(db: &TestDb, store: &SharedEventStore) -> anyhow::Result<ProjectionHandle> {
    let read_models = ReadModelDb::postgres(&db.url).await?;
    Ok(read_models
        .register(Arc::new(NoticesProjection), store.clone())
        .await?)
}

/// Waits on `waiter` for a fresh notice applied by `applier`, and returns
/// the wait's outcome.
async fn wait_on_one_apply_on_other(
    store: &SharedEventStore,
    waiter: &ProjectionHandle,
    applier: &ProjectionHandle,
    title: &str,
) -> anyhow::Result<()> {
    let event = publish(store, title).await?;
    let mut waiting = waiter.waiting();
    let already = *waiting.borrow();
    let wait = {
        let waiter = waiter.clone();
        tokio::spawn(async move { waiter.wait_for(event.position, REPLICA_WAIT).await })
    };
    tokio::time::timeout(GUARD, waiting.wait_for(|n| *n > already)).await??;
    assert!(applier.apply(&event).await?, "the other replica applies it");
    tokio::time::timeout(GUARD, wait).await???;
    assert!(waiter.caught_up(event.position).await?);
    Ok(())
}

async fn listener_pids(db: &TestDb) -> anyhow::Result<Vec<i32>> {
    let mut pids: Vec<i32> = sqlx::query_scalar(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
         AND application_name = $1",
    )
    .bind(LISTENER_APPLICATION_NAME)
    .fetch_all(&db.pool)
    .await?;
    pids.sort_unstable();
    Ok(pids)
}

#[tokio::test]
async fn a_wait_is_woken_by_an_apply_in_another_replica() -> anyhow::Result<()> {
    let db = fresh_database().await?;
    let store = store(&db).await?;
    let a = replica(&db, &store).await?;
    let b = replica(&db, &store).await?;
    assert_eq!(
        listener_pids(&db).await?.len(),
        2,
        "one listening connection per process"
    );
    wait_on_one_apply_on_other(&store, &a, &b, "applied by b").await?;
    wait_on_one_apply_on_other(&store, &b, &a, "applied by a").await?;
    // Several waiters in one process share its one listener.
    let event = publish(&store, "many waiters").await?;
    let mut waiting = a.waiting();
    let waits: Vec<_> = (0..5)
        .map(|_| {
            let a = a.clone();
            tokio::spawn(async move { a.wait_for(event.position, REPLICA_WAIT).await })
        })
        .collect();
    tokio::time::timeout(GUARD, waiting.wait_for(|n| *n == 5)).await??;
    assert_eq!(listener_pids(&db).await?.len(), 2);
    assert!(b.apply(&event).await?);
    for wait in waits {
        tokio::time::timeout(GUARD, wait).await???;
    }
    assert_eq!(*a.waiting().borrow(), 0, "no waiter left behind");
    Ok(())
}

#[tokio::test]
async fn a_wait_still_works_after_the_listener_connection_is_killed() -> anyhow::Result<()> {
    let db = fresh_database().await?;
    let store = store(&db).await?;
    let a = replica(&db, &store).await?;
    let b = replica(&db, &store).await?;
    let before = listener_pids(&db).await?;
    assert_eq!(before.len(), 2);
    let terminated: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND application_name = $1",
    )
    .bind(LISTENER_APPLICATION_NAME)
    .fetch_all(&db.pool)
    .await?;
    assert_eq!(terminated, vec![true, true], "both listeners killed");
    // Whether b's NOTIFY reaches a's new connection or fires while a is
    // still reconnecting (then a re-reads the checkpoints once listening),
    // the wait must end Ok.
    wait_on_one_apply_on_other(&store, &a, &b, "after the kill").await?;
    let after = listener_pids(&db).await?;
    assert!(
        after.iter().all(|pid| !before.contains(pid)),
        "a listens on a new connection: before {before:?}, after {after:?}"
    );
    // And notifications flow on the new connection.
    wait_on_one_apply_on_other(&store, &a, &b, "later").await?;
    wait_on_one_apply_on_other(&store, &b, &a, "later still").await?;
    assert_eq!(listener_pids(&db).await?.len(), 2);
    Ok(())
}

/// The NOTIFY of an apply made while a's listener is down is lost for good;
/// a must still see that apply, by re-reading the checkpoints once it
/// listens again. Connections to the database are refused meanwhile, so the
/// apply certainly falls in the gap (pooled connections stay open).
#[tokio::test]
async fn an_apply_made_while_the_listener_is_down_is_seen_after_it_reconnects() -> anyhow::Result<()>
{
    let db = fresh_database().await?;
    let store = store(&db).await?;
    let a = replica(&db, &store).await?;
    let b = replica(&db, &store).await?;
    // Warms every pool this test uses while connections are refused.
    wait_on_one_apply_on_other(&store, &a, &b, "warm up").await?;

    let event = publish(&store, "in the gap").await?;
    let mut waiting = a.waiting();
    let wait = {
        let a = a.clone();
        tokio::spawn(async move { a.wait_for(event.position, REPLICA_WAIT).await })
    };
    tokio::time::timeout(GUARD, waiting.wait_for(|n| *n == 1)).await??;
    let allow = |allowed: bool| {
        format!(
            r#"ALTER DATABASE "{}" WITH ALLOW_CONNECTIONS {allowed}"#,
            db.name
        )
    };
    // PostgreSQL refuses this from a connection to the database itself.
    let mut admin = PgConnection::connect(&server_url()).await?;
    sqlx::query(&allow(false)).execute(&mut admin).await?;
    let refused = async {
        let terminated: Vec<bool> = sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND application_name = $1",
        )
        .bind(LISTENER_APPLICATION_NAME)
        .fetch_all(&db.pool)
        .await?;
        assert_eq!(terminated, vec![true, true], "both listeners killed");
        assert!(b.apply(&event).await?, "b applies while nobody listens");
        assert!(
            !wait.is_finished(),
            "nothing can wake a before its listener is back"
        );
        anyhow::Ok(())
    }
    .await;
    sqlx::query(&allow(true)).execute(&mut admin).await?;
    admin.close().await?;
    refused?;
    tokio::time::timeout(GUARD, wait).await???;
    // b's listener may still be backing off; its wait ends only once it is
    // back, whichever way it learns of a's apply.
    wait_on_one_apply_on_other(&store, &b, &a, "after the gap").await?;
    assert_eq!(listener_pids(&db).await?.len(), 2, "both listen again");
    Ok(())
}

/// Replicas sharing a consumer with a whole pull in flight each get part of
/// the stream, so one may be handed a later event before the other applies
/// an earlier one. The later apply must not move the checkpoint past the
/// earlier event (it would be skipped for good): it applies the events its
/// batch lacks from the store first, in `$all` order, and the other
/// replica's copy is then skipped.
#[tokio::test]
async fn a_replica_handed_a_later_event_applies_the_earlier_ones_first() -> anyhow::Result<()> {
    let db = fresh_database().await?;
    let store = store(&db).await?;
    let a = replica(&db, &store).await?;
    let b = replica(&db, &store).await?;
    let first = publish(&store, "1 to b").await?;
    let second = publish(&store, "2 to a").await?;
    let third = publish(&store, "3 to b").await?;
    // b's batch has a hole: the second event went to a.
    assert_eq!(b.apply_batch(&[first.clone(), third.clone()]).await?, 3);
    assert_eq!(super::titles(&b).await?, vec!["1 to b", "2 to a", "3 to b"]);
    assert!(!a.apply(&second).await?, "already applied from the store");
    assert!(!a.apply(&first).await?);
    assert!(a.caught_up(third.position).await?);
    assert_eq!(super::titles(&a).await?, vec!["1 to b", "2 to a", "3 to b"]);
    Ok(())
}
