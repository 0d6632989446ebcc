//! Application layer: loads an aggregate's stream, decides, appends with the
//! revision read as the expected revision (through `gongzhi_commands`), and
//! answers queries from the read models with read-your-writes. Times come
//! from the service's [`Clock`], never from the domain.
//!
//! Contract: every command runs in the caller's district; an aggregate of
//! another district answers "not found". A decision another aggregate relies
//! on (hiring, fund use, committee election) is read from the assembly's own
//! stream, the source of truth, never from a read model.

pub mod assemblies;
pub mod committees;
pub mod disputes;
mod error;
pub mod estate_list;
pub mod estates;
pub mod fund;
pub mod late_filing;
pub mod management;

pub use error::{AppError, RuleError};

use chrono::{DateTime, NaiveDate, Utc};
use gongzhi_commands::{Receipt, execute, load};
use gongzhi_eventstore::{SharedEventStore, StoreError, StreamName};
use gongzhi_kernel::{Clock, Decider, DistrictCode, EventCodec};
use gongzhi_projections::ProjectionHandle;
use gongzhi_server::CommandContext;
use sqlx::{Any, Transaction};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

pub const ESTATE_CATEGORY: &str = "estate";
pub const ASSEMBLY_CATEGORY: &str = "assembly";
pub const COMMITTEE_CATEGORY: &str = "committee";
pub const MANAGEMENT_CATEGORY: &str = "management";
pub const FEE_CATEGORY: &str = "propertyfee";
pub const FUND_CATEGORY: &str = "fund";
pub const DISPUTE_CATEGORY: &str = "dispute";

/// Every stream category this context writes, for the projections' sources.
pub const CATEGORIES: [&str; 7] = [
    ESTATE_CATEGORY,
    ASSEMBLY_CATEGORY,
    COMMITTEE_CATEGORY,
    MANAGEMENT_CATEGORY,
    FEE_CATEGORY,
    FUND_CATEGORY,
    DISPUTE_CATEGORY,
];

/// The read models the queries answer from.
#[derive(Clone)]
pub struct ReadModels {
    pub estates: ProjectionHandle,
    pub assemblies: ProjectionHandle,
    pub committees: ProjectionHandle,
    pub contracts: ProjectionHandle,
    pub fund: ProjectionHandle,
    pub disputes: ProjectionHandle,
    pub company_ratings: ProjectionHandle,
    /// Residents known from the residents context's events.
    pub resident_links: ProjectionHandle,
}

#[derive(Clone)]
pub struct PropertyApp {
    pub(crate) store: SharedEventStore,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) max_wait: Duration,
    pub(crate) read_models: ReadModels,
}

/// A command writes a handful of events; past u32 there is no such command.
fn event_index(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl PropertyApp {
    pub fn new(
        store: SharedEventStore,
        clock: Arc<dyn Clock>,
        max_wait: Duration,
        read_models: ReadModels,
    ) -> Self {
        Self {
            store,
            clock,
            max_wait,
            read_models,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today in China Standard Time (UTC+8), the calendar the law counts in.
    pub fn today(&self) -> NaiveDate {
        (self.clock.now() + chrono::TimeDelta::hours(8)).date_naive()
    }

    /// `on`, or today when the request left the date out.
    pub fn date_or_today(&self, on: Option<NaiveDate>) -> NaiveDate {
        on.unwrap_or_else(|| self.today())
    }

    /// Runs `command` on `<category>-<id>` with the request's deterministic
    /// event ids and the district in the metadata.
    pub async fn run<D>(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        category: &str,
        id: Uuid,
        command: D::Command,
    ) -> Result<Receipt, AppError>
    where
        D: Decider,
        D::Command: Clone,
        D::Error: RuleError + 'static,
        D::Event: EventCodec,
    {
        let stream = StreamName::new(category, id).map_err(StoreError::from)?;
        let metadata = context.metadata(Some(district.clone()));
        Ok(execute::<D>(
            self.store.as_ref(),
            &stream,
            command,
            |n| context.event_id(event_index(n)),
            &metadata,
        )
        .await?)
    }

    /// The current state of `<category>-<id>`, folded from its events.
    pub async fn state<D>(&self, category: &str, id: Uuid) -> Result<D::State, AppError>
    where
        D: Decider,
        D::Error: RuleError + 'static,
        D::Event: EventCodec,
    {
        let stream = StreamName::new(category, id).map_err(StoreError::from)?;
        let (state, _) = load::<D>(self.store.as_ref(), &stream).await?;
        Ok(state)
    }

    /// A read transaction on `projection` once it holds every event up to
    /// `min_position` (bounded by `max_wait`).
    pub async fn read_after(
        &self,
        projection: &ProjectionHandle,
        min_position: u64,
    ) -> Result<Transaction<'static, Any>, AppError> {
        projection.wait_for(min_position, self.max_wait).await?;
        Ok(projection.read().await?)
    }
}

/// A new aggregate's id, derived from the request so a retry finds it again.
pub fn new_id(context: &CommandContext, kind: &str) -> Uuid {
    Uuid::new_v5(&context.event_id(0), kind.as_bytes())
}
