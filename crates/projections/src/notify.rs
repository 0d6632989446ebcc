//! Read-your-writes across replicas.
//!
//! Replicas of one service share a durable JetStream consumer and one
//! read-model database, so the replica that applies an event is often not the
//! one whose query waits for it. Every checkpoint move on PostgreSQL therefore
//! sends a notification on [`CHANNEL`] in the transaction that moves it
//! (PostgreSQL delivers it only if that transaction commits). Its payload
//! names the projection, the sending process and the new checkpoints
//! ([`Payload`]), so each process's ONE listening connection updates its
//! in-memory [`AppliedPositions`] without a query, and ignores its own
//! notifications (its applies updated memory at commit already).
//!
//! Notifications sent while the listening connection is down are lost, so
//! after every reconnect every projection is marked stale: the next waiter
//! re-reads its checkpoints once, for all waiters. Whatever committed while
//! nobody listened is in the table by then, and whatever commits later is
//! heard.

use crate::ProjectionError;
use crate::applied::AppliedPositions;
use gongzhi_bus::backoff::Backoff;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::{Any, Transaction};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// The channel every projection's checkpoint moves are announced on.
pub(crate) const CHANNEL: &str = "gongzhi_projections";
/// Names the listening connection in `pg_stat_activity`, so operators (and
/// the reconnect test) can tell it from pooled connections.
pub const LISTENER_APPLICATION_NAME: &str = "gongzhi-projections-listener";

/// A notification's payload, one item per line:
/// `<projection>\n<process>\n<key> <position>\n...`. The projection name
/// is checked at registration (no whitespace); a key holding a line break
/// is not announced, the notification then carries no positions and makes
/// receivers re-read. A payload that is only a projection name (older
/// versions) also means "re-read".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Payload {
    pub projection: String,
    pub process: Option<Uuid>,
    /// Empty: positions unknown, re-read the checkpoints.
    pub moved: Vec<(String, u64)>,
}

impl Payload {
    pub fn encode(projection: &str, process: Uuid, moved: &[(String, u64)]) -> String {
        let mut text = format!("{projection}\n{process}");
        if moved.iter().any(|(key, _)| key.contains('\n')) {
            return text;
        }
        for (key, position) in moved {
            text.push_str(&format!("\n{key} {position}"));
        }
        text
    }

    pub fn decode(text: &str) -> Self {
        let mut lines = text.split('\n');
        let projection = lines.next().unwrap_or_default().to_owned();
        let process = lines.next().and_then(|p| Uuid::parse_str(p).ok());
        let moved = lines
            .map(|line| {
                line.rsplit_once(' ')
                    .and_then(|(key, p)| Some((key.to_owned(), p.parse().ok()?)))
            })
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default();
        Self {
            projection,
            process,
            moved,
        }
    }
}

/// Announces, inside the caller's transaction, that `projection`'s
/// checkpoints moved to `moved` (empty: to somewhere receivers must re-read).
pub(crate) async fn notify_in(
    tx: &mut Transaction<'static, Any>,
    projection: &str,
    process: Uuid,
    moved: &[(String, u64)],
) -> Result<(), ProjectionError> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(Payload::encode(projection, process, moved))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The applied positions of the handles registered in this process, by
/// projection name. Weak, so a dropped handle is forgotten.
#[derive(Default)]
struct Waiters {
    by_name: Mutex<HashMap<String, Vec<Weak<AppliedPositions>>>>,
}

impl Waiters {
    fn register(&self, name: &str, applied: &Arc<AppliedPositions>) {
        let mut by_name = self.by_name.lock().unwrap_or_else(|e| e.into_inner());
        by_name
            .entry(name.to_owned())
            .or_default()
            .push(Arc::downgrade(applied));
    }

    fn deliver(&self, payload: &Payload) {
        let mut by_name = self.by_name.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(handles) = by_name.get_mut(&payload.projection) {
            for_live(handles, |applied| {
                if payload.moved.is_empty() {
                    applied.mark_stale();
                } else {
                    applied.advance(payload.moved.iter().map(|(k, p)| (k.as_str(), *p)));
                }
            });
        }
    }

    fn mark_all_stale(&self) {
        let mut by_name = self.by_name.lock().unwrap_or_else(|e| e.into_inner());
        for handles in by_name.values_mut() {
            for_live(handles, AppliedPositions::mark_stale);
        }
    }
}

fn for_live(handles: &mut Vec<Weak<AppliedPositions>>, mut f: impl FnMut(&AppliedPositions)) {
    handles.retain(|handle| match handle.upgrade() {
        Some(applied) => {
            f(&applied);
            true
        }
        None => false,
    });
}

/// The per-process listening connection and the task that reads it. Shared by
/// the [`crate::ReadModelDb`] and every handle it registered; the task stops
/// when the last of them is dropped.
pub struct CheckpointListener {
    /// Tags this process's notifications, so it can skip its own.
    process: Uuid,
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
        let process = Uuid::new_v4();
        let task = tokio::spawn(run(options, listener, waiters.clone(), process));
        Ok(Arc::new(Self {
            process,
            waiters,
            task,
        }))
    }

    pub(crate) fn process(&self) -> Uuid {
        self.process
    }

    pub(crate) fn register(&self, name: &str, applied: &Arc<AppliedPositions>) {
        self.waiters.register(name, applied);
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
async fn run(
    options: PgConnectOptions,
    mut listener: PgListener,
    waiters: Arc<Waiters>,
    process: Uuid,
) {
    let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(5));
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => {
                let payload = Payload::decode(notification.payload());
                if payload.process != Some(process) {
                    waiters.deliver(&payload);
                }
            }
            Ok(None) => {
                // The listener reconnected and listens again by itself.
                tracing::warn!("projection listener reconnected; waiters re-read checkpoints");
                waiters.mark_all_stale();
            }
            Err(error) => {
                tracing::warn!(error = %error, "projection listener lost its connection, reconnecting");
                listener = reconnect(&options, &mut backoff).await;
                waiters.mark_all_stale();
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
    fn payloads_round_trip() {
        let process = Uuid::new_v4();
        let moved = vec![
            ("residents".to_owned(), 42),
            ("city/500108 x".to_owned(), 7),
        ];
        let decoded = Payload::decode(&Payload::encode("notices", process, &moved));
        assert_eq!(
            decoded,
            Payload {
                projection: "notices".into(),
                process: Some(process),
                moved
            }
        );
        let old = Payload::decode("notices");
        assert_eq!(old.projection, "notices");
        assert!(old.process.is_none() && old.moved.is_empty());
        let odd = Payload::decode(&Payload::encode("n", process, &[("a\nb".to_owned(), 1)]));
        assert!(odd.moved.is_empty(), "no positions: receivers re-read");
    }

    #[test]
    fn a_notification_moves_only_that_projections_handles() {
        let waiters = Waiters::default();
        let notices = Arc::new(AppliedPositions::default());
        let cases = Arc::new(AppliedPositions::default());
        waiters.register("notices", &notices);
        waiters.register("cases", &cases);
        waiters.deliver(&Payload::decode(
            "notices\n00000000-0000-0000-0000-000000000000\nplatform 5",
        ));
        assert_eq!(notices.subscribe().borrow().position("platform"), 5);
        assert_eq!(cases.subscribe().borrow().position("platform"), 0);
        let (before_notices, before_cases) = (
            notices.subscribe().borrow().stale,
            cases.subscribe().borrow().stale,
        );
        waiters.deliver(&Payload::decode("unknown"));
        waiters.mark_all_stale();
        assert_eq!(notices.subscribe().borrow().stale, before_notices + 1);
        assert_eq!(cases.subscribe().borrow().stale, before_cases + 1);
    }

    #[test]
    fn dropped_handles_are_forgotten() {
        let waiters = Waiters::default();
        let kept = Arc::new(AppliedPositions::default());
        waiters.register("notices", &kept);
        waiters.register("notices", &Arc::new(AppliedPositions::default()));
        waiters.mark_all_stale();
        let by_name = waiters.by_name.lock().unwrap_or_else(|e| e.into_inner());
        assert_eq!(by_name.get("notices").map(Vec::len), Some(1));
    }
}
