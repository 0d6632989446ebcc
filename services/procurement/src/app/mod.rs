//! Application layer: runs the deciders against the store with
//! deterministic event ids, checks rules that span streams (a provider
//! registered in the district, a purchasable catalogue item) by loading
//! those streams (the source of truth), and answers queries from the
//! `procurement` read model with read-your-writes. No gRPC types here.
//!
//! Times come from the app's clock (the system clock in production, a
//! [`gongzhi_kernel::FakeClock`] in tests), never from the domain.

mod error;
pub mod export;
pub mod providers;
pub mod purchases;
pub mod queries;
pub mod venture_queries;
pub mod ventures;

pub use error::{AppError, RuleError};

use crate::domain::catalogue::{Catalogue, CatalogueState};
use crate::domain::provider::{Provider, ProviderState};
use crate::domain::purchase::Rules;
use crate::domain::venture::GradeBands;
use chrono::{DateTime, Utc};
use gongzhi_commands::{Receipt, execute, load};
use gongzhi_eventstore::{SharedEventStore, StoreError, StreamName};
use gongzhi_kernel::{Clock, Decider, DistrictCode, EventCodec};
use gongzhi_projections::ProjectionHandle;
use gongzhi_server::{CommandContext, GONGZHI_NAMESPACE};
use sqlx::{Any, Transaction};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

pub const PROVIDER_CATEGORY: &str = "provider";
pub const CATALOGUE_CATEGORY: &str = "catalogue";
pub const PURCHASE_CATEGORY: &str = "purchase";
pub const VENTURE_CATEGORY: &str = "ventureround";

/// One provider per unified social credit code and district.
pub fn provider_id(district: &DistrictCode, code: &str) -> Uuid {
    Uuid::new_v5(
        &GONGZHI_NAMESPACE,
        format!("provider\n{district}\n{code}").as_bytes(),
    )
}

/// One catalogue stream per district.
pub fn catalogue_id(district: &DistrictCode) -> Uuid {
    Uuid::new_v5(
        &GONGZHI_NAMESPACE,
        format!("catalogue\n{district}").as_bytes(),
    )
}

/// A new aggregate's id, the same on every retry of the request.
pub fn new_id(context: &CommandContext, kind: &str) -> Uuid {
    Uuid::new_v5(&context.correlation_id(), kind.as_bytes())
}

#[derive(Clone)]
pub struct ProcurementApp {
    pub(crate) store: SharedEventStore,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) max_wait: Duration,
    pub(crate) rules: Rules,
    pub(crate) bands: GradeBands,
    pub(crate) read_model: ProjectionHandle,
}

impl ProcurementApp {
    pub fn new(
        store: SharedEventStore,
        clock: Arc<dyn Clock>,
        max_wait: Duration,
        read_model: ProjectionHandle,
    ) -> Self {
        Self {
            store,
            clock,
            max_wait,
            rules: Rules::default(),
            bands: GradeBands::default(),
            read_model,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Runs `command` on stream `<category>-<id>` with the request's event
    /// ids and the district in the metadata.
    pub(crate) async fn run<D>(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        category: &str,
        id: Uuid,
        command: D::Command,
    ) -> Result<Receipt, AppError<D::Error>>
    where
        D: Decider,
        D::Command: Clone,
        D::Error: std::error::Error + 'static,
        D::Event: EventCodec,
    {
        let stream = StreamName::new(category, id).map_err(StoreError::from)?;
        let metadata = context.metadata(Some(district.clone()));
        Ok(execute::<D>(
            self.store.as_ref(),
            &stream,
            command,
            |n| context.event_id(u32::try_from(n).unwrap_or(u32::MAX)),
            &metadata,
        )
        .await?)
    }

    async fn state<D, E>(&self, category: &str, id: Uuid) -> Result<D::State, AppError<E>>
    where
        D: Decider,
        D::Event: EventCodec,
        E: std::error::Error + 'static,
    {
        let stream = StreamName::new(category, id).map_err(StoreError::from)?;
        match load::<D>(self.store.as_ref(), &stream).await {
            Ok((state, _)) => Ok(state),
            Err(gongzhi_commands::CommandError::Store(store)) => Err(AppError::Store(store)),
            Err(gongzhi_commands::CommandError::Decode(decode)) => Err(AppError::Decode(decode)),
            Err(gongzhi_commands::CommandError::Domain(_)) => Err(AppError::NotFound("stream")),
        }
    }

    /// Fails with `PROVIDER_NOT_REGISTERED` unless `provider_id` is a
    /// registered provider of `district`.
    pub(crate) async fn ensure_provider<E: std::error::Error + 'static>(
        &self,
        district: &DistrictCode,
        provider_id: Uuid,
    ) -> Result<(), AppError<E>> {
        match self
            .state::<Provider, E>(PROVIDER_CATEGORY, provider_id)
            .await?
        {
            ProviderState::Present(facts) if facts.district == district.as_str() => Ok(()),
            _ => Err(AppError::Refused {
                reason: "PROVIDER_NOT_REGISTERED",
                message: format!("provider {provider_id} is not registered in district {district}"),
            }),
        }
    }

    pub(crate) async fn catalogue<E: std::error::Error + 'static>(
        &self,
        district: &DistrictCode,
    ) -> Result<CatalogueState, AppError<E>> {
        self.state::<Catalogue, E>(CATALOGUE_CATEGORY, catalogue_id(district))
            .await
    }

    /// A read transaction on the read model once it holds every event up to
    /// `min_position` (bounded by `max_wait`).
    pub(crate) async fn read_after<E: std::error::Error + 'static>(
        &self,
        min_position: u64,
    ) -> Result<Transaction<'static, Any>, AppError<E>> {
        self.read_model
            .wait_for(min_position, self.max_wait)
            .await?;
        Ok(self.read_model.read().await?)
    }
}
