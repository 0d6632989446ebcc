//! Application layer of the PPP context: commands load a stream, decide and
//! append with the revision read as the expected one; queries answer from
//! read models after waiting (bounded) for the caller's `min_position`.
//! No gRPC types here.

pub mod config;
mod consultation;
mod error;
mod export;
mod measure;
pub(crate) mod portfolio;
pub(crate) mod projects;
pub mod queries;
mod withdraw;

pub use consultation::Consultation;
pub use error::AppError;
pub use export::{OCDS_BASE_URI, OcdsExport};
pub use portfolio::PORTFOLIO_CATEGORY;
pub use projects::{IdentifyProject, PROJECT_CATEGORY};

use config::PppConfig;
use gongzhi_commands::{Receipt, execute};
use gongzhi_eventstore::{SharedEventStore, StoreError, StreamName};
use gongzhi_kernel::{Clock, Decider, EventCodec};
use gongzhi_projections::ProjectionHandle;
use gongzhi_server::CommandContext;
use std::sync::Arc;
use std::time::Duration;

/// The read models the queries and the settlement read.
#[derive(Clone)]
pub struct ReadModels {
    /// Projects and their settled periods.
    pub projects: ProjectionHandle,
    pub portfolio: ProjectionHandle,
    /// Residents' ratings of facilities and grid cases by site (reactor).
    pub feedback: ProjectionHandle,
}

#[derive(Clone)]
pub struct PppApp {
    pub(crate) store: SharedEventStore,
    pub(crate) config: Arc<PppConfig>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) max_wait: Duration,
    pub(crate) read: ReadModels,
}

impl PppApp {
    pub fn new(
        store: SharedEventStore,
        config: Arc<PppConfig>,
        clock: Arc<dyn Clock>,
        max_wait: Duration,
        read: ReadModels,
    ) -> Self {
        Self {
            store,
            config,
            clock,
            max_wait,
            read,
        }
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Runs one command; its event ids start at `first_event` of the
    /// request, so a command writing to two streams keeps them apart.
    pub(crate) async fn run<D>(
        &self,
        context: &CommandContext,
        stream: &StreamName,
        district: &gongzhi_kernel::DistrictCode,
        command: D::Command,
        first_event: u32,
    ) -> Result<Receipt, gongzhi_commands::CommandError<D::Error>>
    where
        D: Decider,
        D::Command: Clone,
        D::Event: EventCodec,
    {
        let metadata = context.metadata(Some(district.clone()));
        execute::<D>(
            self.store.as_ref(),
            stream,
            command,
            |n| context.event_id(first_event.saturating_add(u32::try_from(n).unwrap_or(u32::MAX))),
            &metadata,
        )
        .await
    }

    pub(crate) async fn read_after(
        &self,
        projection: &ProjectionHandle,
        min_position: u64,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, AppError> {
        projection.wait_for(min_position, self.max_wait).await?;
        Ok(projection.read().await?)
    }
}

pub(crate) fn stream(category: &str, id: impl std::fmt::Display) -> Result<StreamName, AppError> {
    StreamName::new(category, id).map_err(|e| AppError::Store(StoreError::from(e)))
}
