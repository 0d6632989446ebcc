//! Read-your-writes across replicas.
//!
//! Replicas of one service share a durable JetStream consumer and one
//! read-model database, so the replica that applies an event is often not the
//! one whose query waits for it. Every checkpoint move on PostgreSQL therefore
//! sends `NOTIFY gongzhi_projections, '<projection>'` in the transaction that
//! moves it (PostgreSQL delivers it only if that transaction commits), and
//! each process keeps ONE listening connection that wakes its local waiters,
//! which then re-read the checkpoints.
//!
//! Notifications sent while the listening connection is down are lost, so
//! after every reconnect all waiters are woken to re-read the checkpoints:
//! whatever committed while nobody listened is in the table by then, and
//! whatever commits later is heard.

use crate::ProjectionError;
use gongzhi_bus::backoff::Backoff;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::{Any, Transaction};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The channel every projection's checkpoint moves are announced on; the
/// payload is the projection name.
pub(crate) const CHANNEL: &str = "gongzhi_projections";
/// Names the listening connection in `pg_stat_activity`, so operators (and
/// the reconnect test) can tell it from pooled connections.
pub const LISTENER_APPLICATION_NAME: &str = "gongzhi-projections-listener";

/// Wakes the waiters of one handle: they re-read the checkpoints. The value
/// is only a counter; what matters is that it changed.
pub(crate) fn wake(sender: &watch::Sender<u64>) {
    sender.send_modify(|count| *count = count.wrapping_add(1));
}

/// Announces, inside the caller's transaction, that `projection`'s
/// checkpoints moved. Projection names are checked at registration.
pub(crate) async fn notify_in(
    tx: &mut Transaction<'static, Any>,
    projection: &str,
) -> Result<(), ProjectionError> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(projection)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Wake senders of the handles registered in this process, by projection
/// name. Weak, so a dropped handle does not keep its sender alive.
#[derive(Default)]
struct Waiters {
    by_name: Mutex<HashMap<String, Vec<Weak<watch::Sender<u64>>>>>,
}

impl Waiters {
    fn register(&self, name: &str, sender: &Arc<watch::Sender<u64>>) {
        let mut by_name = self.by_name.lock().unwrap_or_else(|e| e.into_inner());
        by_name
            .entry(name.to_owned())
            .or_default()
            .push(Arc::downgrade(sender));
    }

    fn wake(&self, name: &str) {
        let mut by_name = self.by_name.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(senders) = by_name.get_mut(name) {
            wake_live(senders);
        }
    }

    fn wake_all(&self) {
        let mut by_name = self.by_name.lock().unwrap_or_else(|e| e.into_inner());
        for senders in by_name.values_mut() {
            wake_live(senders);
        }
    }
}

fn wake_live(senders: &mut Vec<Weak<watch::Sender<u64>>>) {
    senders.retain(|sender| match sender.upgrade() {
        Some(sender) => {
            wake(&sender);
            true
        }
        None => false,
    });
}

/// The per-process listening connection and the task that reads it. Shared by
/// the [`crate::ReadModelDb`] and every handle it registered; the task stops
/// when the last of them is dropped.
pub struct CheckpointListener {
    waiters: Arc<Waiters>,
    task: JoinHandle<()>,
}

impl CheckpointListener {
    /// Connects and listens before returning, so a handle registered after
    /// this never misses a notification of a commit that follows.
    pub(crate) async fn start(url: &str) -> Result<Arc<Self>, ProjectionError> {
        let options = url
            .parse::<PgConnectOptions>()?
            .application_name(LISTENER_APPLICATION_NAME);
        let listener = listen(&options).await?;
        let waiters = Arc::new(Waiters::default());
        let task = tokio::spawn(run(options, listener, waiters.clone()));
        Ok(Arc::new(Self { waiters, task }))
    }

    pub(crate) fn register(&self, name: &str, sender: &Arc<watch::Sender<u64>>) {
        self.waiters.register(name, sender);
    }
}

impl Drop for CheckpointListener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn listen(options: &PgConnectOptions) -> Result<PgListener, sqlx::Error> {
    // A pool of one without timeouts: the listener uses it to get its
    // connection back after a loss.
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .max_lifetime(None)
        .idle_timeout(None)
        .connect_with(options.clone())
        .await?;
    let mut listener = PgListener::connect_with(&pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Runs until aborted by [`CheckpointListener`]'s drop. Never gives up: while
/// the database is unreachable queries fail on their own, and once it is
/// back the waiters must hear about checkpoints again.
async fn run(options: PgConnectOptions, mut listener: PgListener, waiters: Arc<Waiters>) {
    let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(5));
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => waiters.wake(notification.payload()),
            Ok(None) => {
                // The listener reconnected and listens again by itself.
                tracing::warn!("projection listener reconnected; waiters re-read checkpoints");
                waiters.wake_all();
            }
            Err(error) => {
                tracing::warn!(error = %error, "projection listener lost its connection, reconnecting");
                listener = reconnect(&options, &mut backoff).await;
                waiters.wake_all();
            }
        }
    }
}

async fn reconnect(options: &PgConnectOptions, backoff: &mut Backoff) -> PgListener {
    loop {
        tokio::time::sleep(backoff.next_delay()).await;
        match listen(options).await {
            Ok(listener) => {
                backoff.reset();
                tracing::info!("projection listener listening again");
                return listener;
            }
            Err(error) => {
                tracing::warn!(error = %error, "projection listener cannot reconnect yet");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notification_wakes_only_that_projections_handles() {
        let waiters = Waiters::default();
        let notices = Arc::new(watch::Sender::new(0));
        let cases = Arc::new(watch::Sender::new(0));
        waiters.register("notices", &notices);
        waiters.register("cases", &cases);
        let (mut notices_rx, cases_rx) = (notices.subscribe(), cases.subscribe());
        waiters.wake("notices");
        assert!(notices_rx.has_changed().unwrap_or(false));
        assert!(!cases_rx.has_changed().unwrap_or(true));
        notices_rx.borrow_and_update();
        waiters.wake("unknown");
        assert!(!notices_rx.has_changed().unwrap_or(true));
        waiters.wake_all();
        assert!(notices_rx.has_changed().unwrap_or(false));
        assert!(cases_rx.has_changed().unwrap_or(false));
    }

    #[test]
    fn dropped_handles_are_forgotten() {
        let waiters = Waiters::default();
        let kept = Arc::new(watch::Sender::new(0));
        waiters.register("notices", &kept);
        waiters.register("notices", &Arc::new(watch::Sender::new(0)));
        waiters.wake_all();
        let by_name = waiters.by_name.lock().unwrap_or_else(|e| e.into_inner());
        assert_eq!(by_name.get("notices").map(Vec::len), Some(1));
    }
}
