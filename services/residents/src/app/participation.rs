//! What every participation area (proposals, ratings, meetings, elections,
//! volunteering, wishes) shares in the application layer: the store, the
//! clock, the bounded read-your-writes wait, and one way to run a decider
//! command with deterministic event ids in the caller's district.
//!
//! Contract: times come from [`ParticipationApp::now`] (the system clock in
//! production, a [`FakeClock`] in tests), never from the domain. A resident
//! named in a command must have a stream in this district and not have moved
//! out, checked against the resident's own stream (the source of truth), not a
//! read model.

use super::{RESIDENT_CATEGORY, event_index};
use crate::domain::{Resident, ResidentState};
use chrono::{DateTime, Utc};
use gongzhi_commands::{CommandError, Receipt, execute, load};
use gongzhi_eventstore::{SharedEventStore, StoreError, StreamName};
use gongzhi_kernel::{Clock, Decider, DistrictCode, SystemClock};
use gongzhi_projections::{ProjectionError, ProjectionHandle};
use gongzhi_server::CommandContext;
use sqlx::{Any, Transaction};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

pub use gongzhi_kernel::FakeClock;

/// A domain refusal with a stable reason code. `hides_existence` is true for
/// "not found" and "wrong district": both answer NOT_FOUND so a caller learns
/// nothing about another district's data.
pub trait RuleError: std::error::Error {
    fn reason(&self) -> &'static str;
    fn hides_existence(&self) -> bool;
}

/// Why a participation command or query failed, over the area's domain error.
#[derive(Debug, thiserror::Error)]
pub enum ParticipationError<E: std::error::Error + 'static> {
    #[error(transparent)]
    Command(#[from] CommandError<E>),
    /// A resident named in the request has no stream in this district or
    /// moved out.
    #[error("resident {0} does not live in this district")]
    ResidentNotHere(Uuid),
    /// The item asked for is not in the read model of this district.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The application refuses before deciding (e.g. a catalogue or a
    /// uniqueness rule spanning streams), with a stable reason code.
    #[error("{message}")]
    Refused {
        reason: &'static str,
        message: String,
    },
    #[error(transparent)]
    Projection(#[from] ProjectionError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Opening a resident's sealed data (an age from the ID number) failed.
    #[error(transparent)]
    Privacy(#[from] gongzhi_privacy::PrivacyError),
}

impl<E: std::error::Error + 'static> From<sqlx::Error> for ParticipationError<E> {
    fn from(error: sqlx::Error) -> Self {
        Self::Projection(ProjectionError::from(error))
    }
}

#[derive(Clone)]
pub struct ParticipationApp {
    pub(crate) store: SharedEventStore,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) max_wait: Duration,
}

impl ParticipationApp {
    pub fn new(store: SharedEventStore, max_wait: Duration) -> Self {
        Self {
            store,
            clock: Arc::new(SystemClock),
            max_wait,
        }
    }

    /// The same app reading time from `clock` (tests use a [`FakeClock`]).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn store(&self) -> &SharedEventStore {
        &self.store
    }

    /// Runs `command` on stream `<category>-<id>` with the request's
    /// deterministic event ids and the district in the metadata.
    pub async fn run<D>(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        category: &str,
        id: Uuid,
        command: D::Command,
    ) -> Result<Receipt, ParticipationError<D::Error>>
    where
        D: Decider,
        D::Command: Clone,
        D::Error: std::error::Error + 'static,
        D::Event: gongzhi_kernel::EventCodec,
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
    pub async fn state<D>(
        &self,
        category: &str,
        id: Uuid,
    ) -> Result<D::State, ParticipationError<D::Error>>
    where
        D: Decider,
        D::Error: std::error::Error + 'static,
        D::Event: gongzhi_kernel::EventCodec,
    {
        let stream = StreamName::new(category, id).map_err(StoreError::from)?;
        let (state, _) = load::<D>(self.store.as_ref(), &stream).await?;
        Ok(state)
    }

    /// Fails with [`ParticipationError::ResidentNotHere`] unless the resident
    /// lives in `district` now.
    pub async fn ensure_resident_here<E: std::error::Error + 'static>(
        &self,
        district: &DistrictCode,
        resident_id: Uuid,
    ) -> Result<(), ParticipationError<E>> {
        let stream = StreamName::new(RESIDENT_CATEGORY, resident_id).map_err(StoreError::from)?;
        let (state, _) = load::<Resident>(self.store.as_ref(), &stream)
            .await
            .map_err(|error| match error {
                CommandError::Store(store) => ParticipationError::Store(store),
                _ => ParticipationError::ResidentNotHere(resident_id),
            })?;
        match state {
            ResidentState::Present {
                district: actual,
                moved_out: false,
                ..
            } if actual == district.as_str() => Ok(()),
            _ => Err(ParticipationError::ResidentNotHere(resident_id)),
        }
    }

    /// A read transaction on `projection` once it holds every event up to
    /// `min_position` (bounded by the app's `max_wait`).
    pub async fn read_after<E: std::error::Error + 'static>(
        &self,
        projection: &ProjectionHandle,
        min_position: u64,
    ) -> Result<Transaction<'static, Any>, ParticipationError<E>> {
        projection.wait_for(min_position, self.max_wait).await?;
        Ok(projection.read().await?)
    }
}
