//! The grid map's application layer: runs [`crate::domain::geo::GridCommand`]s against the grid
//! streams (`grid-<15-digit code>`) and answers queries from the `grid_map`
//! and `grid_population` read models. No gRPC types here.
//!
//! Queries take a `min_position` and wait (at most `max_wait`) until the read
//! model has applied every event up to it, so a caller reads its own writes.
//!
//! Locating a point uses an in-memory [`crate::domain::geo::GridIndex`] per
//! district built from the read model and tagged with the read model's
//! checkpoint; it is rebuilt lazily by the first query that finds the
//! checkpoint moved (see `locate.rs`).

mod commands;
mod error;
mod locate;
mod queries;

pub use error::{GridMapError, GridMapErrorKind};
pub use locate::LocatedGrid;
pub use queries::{DEFAULT_PAGE_SIZE, GridFilter, GridPage, GridView, MAX_PAGE_SIZE};

use gongzhi_eventstore::SharedEventStore;
use gongzhi_projections::ProjectionHandle;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Stream category of the unit grid aggregate.
pub const GRID_CATEGORY: &str = "grid";

#[derive(Clone)]
pub struct GridMapApp {
    store: SharedEventStore,
    grids: ProjectionHandle,
    population: ProjectionHandle,
    max_wait: Duration,
    index: Arc<Mutex<Option<Arc<locate::IndexSnapshot>>>>,
}

impl GridMapApp {
    /// `grids` is the handle of [`crate::projections::GridMapProjection`],
    /// `population` that of [`crate::projections::GridPopulationProjection`].
    pub fn new(
        store: SharedEventStore,
        grids: ProjectionHandle,
        population: ProjectionHandle,
        max_wait: Duration,
    ) -> Self {
        Self {
            store,
            grids,
            population,
            max_wait,
            index: Arc::new(Mutex::new(None)),
        }
    }
}
