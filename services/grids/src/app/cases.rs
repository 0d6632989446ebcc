//! Cases through the application layer: the case id derived from the
//! request, deadlines computed on the district's working calendar, every
//! command run through [`gongzhi_commands::execute`] with deterministic
//! event ids, queries answered from the `cases` read model with
//! read-your-writes.
//!
//! Contract: times come from the app's [`Clock`] (the system clock in
//! production), never from the domain. A merge writes on the duplicate
//! first and then on the surviving case; a retry of the same request finds
//! both writes and replays them.

mod commands;
mod deadlines;
mod error;
mod queries;
mod service_units;

pub use commands::{CaseChange, ReportCase, SYSTEM_ACTOR, summon_id_of};
pub use error::{CaseAppError, CaseAppErrorKind};
pub use gongzhi_kernel::{Clock, FakeClock, SystemClock};
pub use queries::{CasePage, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

use super::config::GridsConfig;
use gongzhi_eventstore::SharedEventStore;
use gongzhi_projections::ProjectionHandle;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub struct CasesApp {
    pub(crate) store: SharedEventStore,
    pub(crate) cases: ProjectionHandle,
    pub(crate) config: Arc<GridsConfig>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) max_wait: Duration,
    /// Providers under contract ([`crate::projections::ServiceUnitsProjection`]);
    /// without it a dispatch to a provider is refused.
    pub(crate) service_units: Option<ProjectionHandle>,
}

impl CasesApp {
    /// On the system clock; `max_wait` bounds a query's `min_position` wait.
    pub fn new(
        store: SharedEventStore,
        cases: ProjectionHandle,
        config: Arc<GridsConfig>,
        max_wait: Duration,
    ) -> Self {
        Self {
            store,
            cases,
            config,
            clock: Arc::new(SystemClock),
            max_wait,
            service_units: None,
        }
    }

    /// The same app checking dispatches to providers against `handle`.
    pub fn with_service_units(mut self, handle: ProjectionHandle) -> Self {
        self.service_units = Some(handle);
        self
    }

    /// The same app reading time from `clock` (tests use a [`FakeClock`]).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn read_model(&self) -> &ProjectionHandle {
        &self.cases
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }
}
