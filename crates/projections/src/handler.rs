//! A projection as a bus [`EventHandler`], so the same projection runs behind
//! a JetStream consumer in production and in-process delivery in `gongzhi dev`.

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

    async fn handle(&self, event: &RecordedEvent) -> Result<(), HandlerError> {
        match self.handle.apply(event).await {
            Ok(_) => Ok(()),
            Err(error @ ProjectionError::Apply { .. }) => {
                Err(HandlerError::permanent(error.to_string()))
            }
            Err(error) => Err(HandlerError::retryable(error.to_string())),
        }
    }
}
