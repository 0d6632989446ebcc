//! A projection as a bus [`EventHandler`], so the same projection runs behind
//! a JetStream consumer in production and in-process delivery in `gongzhi dev`.
//! The apply span continues the trace of the command that wrote the event.

use crate::{ProjectionError, ProjectionHandle};
use gongzhi_bus::{EventHandler, HandlerError};
use gongzhi_eventstore::RecordedEvent;

pub struct ProjectionHandler {
    handle: ProjectionHandle,
    name: String,
}

impl ProjectionHandler {
    pub fn new(handle: ProjectionHandle) -> Self {
        let name = format!("projection-{}", handle.name());
        Self { handle, name }
    }
}

#[async_trait::async_trait]
impl EventHandler for ProjectionHandler {
    fn name(&self) -> &str {
        &self.name
    }

    /// The apply span (continuing the command's trace) is opened per event
    /// inside the apply.
    async fn handle(&self, event: &RecordedEvent) -> Result<(), HandlerError> {
        self.handle
            .apply(event)
            .await
            .map(drop)
            .map_err(handler_error)
    }

    async fn dead_lettered(&self, event: &RecordedEvent) -> Result<(), HandlerError> {
        self.handle.skip(event).await.map_err(handler_error)
    }

    async fn handle_batch(&self, events: &[RecordedEvent]) -> Option<Result<(), HandlerError>> {
        Some(
            self.handle
                .apply_batch(events)
                .await
                .map(drop)
                .map_err(handler_error),
        )
    }
}

fn handler_error(error: ProjectionError) -> HandlerError {
    match error {
        error @ ProjectionError::Apply { .. } => HandlerError::permanent(error.to_string()),
        error => HandlerError::retryable(error.to_string()),
    }
}
