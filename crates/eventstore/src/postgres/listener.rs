//! Wake-ups for PostgreSQL subscriptions from `LISTEN/NOTIFY`: `append`
//! notifies [`NOTIFY_CHANNEL`] inside its transaction, so the notification
//! arrives at commit.
//!
//! The listener connects and listens in `arm`, before the subscription's
//! read, so no commit after that read is missed. If the listening connection
//! is lost, notifications sent meanwhile are lost too: the listener is dropped,
//! `wait` returns, and the next `arm` listens again before the re-read. A long
//! safety timeout also wakes the reader; that is a rare re-read, not polling.

use super::NOTIFY_CHANNEL;
use super::errors::map_pg_error;
use crate::StoreError;
use crate::subscription::NewEvents;
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use std::time::Duration;

const SAFETY_REREAD_AFTER: Duration = Duration::from_secs(30);

pub(super) struct Notifications {
    pool: PgPool,
    listener: Option<PgListener>,
}

impl Notifications {
    pub(super) fn new(pool: PgPool) -> Self {
        Self {
            pool,
            listener: None,
        }
    }
}

#[async_trait::async_trait]
impl NewEvents for Notifications {
    async fn arm(&mut self) -> Result<(), StoreError> {
        if self.listener.is_some() {
            return Ok(());
        }
        let mut listener = PgListener::connect_with(&self.pool)
            .await
            .map_err(map_pg_error)?;
        listener
            .listen(NOTIFY_CHANNEL)
            .await
            .map_err(map_pg_error)?;
        self.listener = Some(listener);
        Ok(())
    }

    async fn wait(&mut self) -> Result<(), StoreError> {
        let Some(listener) = self.listener.as_mut() else {
            return Ok(());
        };
        match tokio::time::timeout(SAFETY_REREAD_AFTER, listener.try_recv()).await {
            Ok(Ok(Some(_notification))) => {
                // One read covers every commit so far: drop the queued ones.
                while listener.next_buffered().is_some() {}
                Ok(())
            }
            Ok(Ok(None)) => {
                tracing::warn!(
                    channel = NOTIFY_CHANNEL,
                    "event store listener lost its connection, listening again"
                );
                self.listener = None;
                Ok(())
            }
            Ok(Err(error)) => Err(map_pg_error(error)),
            Err(_elapsed) => Ok(()),
        }
    }
}
