//! Application layer: seals personal data per resident, claims ID numbers,
//! runs commands against the store and answers queries from the read model,
//! opening and masking personal data for the caller. No gRPC types here.

mod changes;
pub(crate) mod claim;
pub mod config;
pub mod elections;
pub mod electorate;
mod error;
#[cfg(test)]
pub(crate) mod fixture;
pub(crate) mod households;
pub mod meetings;
pub mod participation;
pub mod proposals;
mod queries;
pub mod ratings;
mod register;
mod replay;
pub mod sealing;
pub mod volunteering;
pub mod wishes;

pub use changes::{ResidentChange, ResidentChangeKind};
pub use error::AppError;
pub use households::{HOUSEHOLD_CATEGORY, HouseholdAppError, HouseholdChange, HouseholdView};
pub use participation::{ParticipationApp, ParticipationError, RuleError};
pub use queries::{CommunityCount, PersonalDataView, ResidentFilter, ResidentPage, ResidentView};
pub use register::RegisterResident;
pub use volunteering::{VolunteeringApp, VolunteeringAppError, VolunteeringError};
pub use wishes::{WishAppError, WishFilter, WishPage, WishView, WishesApp};

use gongzhi_eventstore::SharedEventStore;
use gongzhi_privacy::Vault;
use gongzhi_projections::ProjectionHandle;
use std::time::Duration;

pub const RESIDENT_CATEGORY: &str = "resident";

#[derive(Clone)]
pub struct ResidentsApp {
    pub(crate) store: SharedEventStore,
    pub(crate) vault: Vault,
    pub(crate) residents: ProjectionHandle,
    pub(crate) households: Option<ProjectionHandle>,
    pub(crate) max_wait: Duration,
}

impl ResidentsApp {
    pub fn new(
        store: SharedEventStore,
        vault: Vault,
        residents: ProjectionHandle,
        max_wait: Duration,
    ) -> Self {
        Self {
            store,
            vault,
            residents,
            households: None,
            max_wait,
        }
    }
}

/// A command writes a handful of events; past u32 there is no such command.
pub(crate) fn event_index(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
