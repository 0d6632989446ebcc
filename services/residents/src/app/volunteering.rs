//! Volunteering and points (积分) in the application layer: activities,
//! points accounts and the reward catalogue, over three kinds of streams
//! (`activity-<uuid>`, `points-<resident id>`, `reward-<uuid>`).
//!
//! Contract:
//! - The caller who schedules an activity is its organiser; the activity
//!   decider lets only that caller record, amend and certify ("whoever
//!   organises records, whoever records certifies"). A volunteer must live in
//!   the district, and so must a resident organiser.
//! - **Certification reaches each points account exactly once.** After the
//!   activity stream holds `ActivityCertified`, the app reads the certified
//!   attendance back from that stream (the source of truth, not the command)
//!   and credits each volunteer with `Earn`, whose event ids are derived from
//!   (activity, volunteer) alone. Whatever request, caller or process writes a
//!   credit, it has the same id: a second writer finds it and replays, a
//!   concurrent one loses the revision race and then decides nothing, because
//!   the account already lists the activity (the points decider keys credits
//!   by activity). A certification interrupted before all credits were
//!   written is completed by retrying it (same `request_id`: replayed
//!   receipt) or by the organiser certifying again (refused as
//!   `ACTIVITY_ALREADY_CERTIFIED`, after the missing credits are written).
//! - **Redemption** checks the item first, then pays from the account (the
//!   decider refuses anything that would make the balance negative), then
//!   takes one from the item's stock, keyed by the redemption id. If stock ran
//!   out or the price changed in between, the payment is refunded (ids keyed
//!   by the redemption) and the refusal answered; a retry resumes where the
//!   first attempt stopped and never pays or takes twice.
//! - Any refusal before the first write changes nothing.

mod activities;
mod catalogue;
mod queries;

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;

pub use activities::{Certification, Organiser, ScheduleActivity};
pub use catalogue::{CatalogueEntry, Redeemed};
pub use queries::{
    ActivityFilter, ActivityPage, ActivityView, AttendanceView, CatalogueItemView, LedgerEntry,
    LedgerKind, PointsAccountView,
};

use super::participation::{ParticipationApp, ParticipationError, RuleError};
use crate::domain::participation::volunteering::{ActivityError, CatalogueError, PointsError};
use gongzhi_commands::{CommandError, Receipt, execute, load};
use gongzhi_eventstore::{StoreError, StreamName};
use gongzhi_kernel::{Decider, DistrictCode, EventCodec};
use gongzhi_projections::ProjectionHandle;
use gongzhi_server::CommandContext;
use std::fmt::Display;
use uuid::Uuid;

pub const ACTIVITY_CATEGORY: &str = "activity";
pub const POINTS_CATEGORY: &str = "points";
pub const REWARD_CATEGORY: &str = "reward";

/// Why a volunteering command was refused, over its three deciders.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VolunteeringError {
    #[error(transparent)]
    Activity(#[from] ActivityError),
    #[error(transparent)]
    Points(#[from] PointsError),
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    /// A retried redemption whose first attempt was refunded.
    #[error("this request's redemption was refunded because the item could not be taken")]
    RedemptionRefunded,
}

impl RuleError for VolunteeringError {
    fn reason(&self) -> &'static str {
        match self {
            Self::Activity(e) => e.reason(),
            Self::Points(e) => e.reason(),
            Self::Catalogue(e) => e.reason(),
            Self::RedemptionRefunded => "POINTS_REDEMPTION_REFUNDED",
        }
    }

    fn hides_existence(&self) -> bool {
        matches!(
            self,
            Self::Activity(ActivityError::NotFound | ActivityError::WrongDistrict { .. })
                | Self::Points(PointsError::NotFound | PointsError::WrongDistrict { .. })
                | Self::Catalogue(
                    CatalogueError::NotFound
                        | CatalogueError::UnknownItem { .. }
                        | CatalogueError::WrongDistrict { .. }
                )
        )
    }
}

pub type VolunteeringAppError = ParticipationError<VolunteeringError>;

#[derive(Clone)]
pub struct VolunteeringApp {
    participation: ParticipationApp,
    read_model: ProjectionHandle,
}

impl VolunteeringApp {
    pub fn new(participation: ParticipationApp, read_model: ProjectionHandle) -> Self {
        Self {
            participation,
            read_model,
        }
    }

    /// Runs `command` on `<category>-<id>` with the given event ids, so a
    /// write that several requests may attempt (a credit, a stock take) has
    /// one identity whoever writes it.
    async fn run<D>(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        (category, id): (&str, &(dyn Display + Sync)),
        command: D::Command,
        event_id: impl Fn(usize) -> Uuid,
    ) -> Result<Receipt, VolunteeringAppError>
    where
        D: Decider,
        D::Command: Clone,
        D::Error: Into<VolunteeringError>,
        D::Event: EventCodec,
    {
        let stream = StreamName::new(category, id).map_err(StoreError::from)?;
        let metadata = context.metadata(Some(district.clone()));
        execute::<D>(
            self.participation.store().as_ref(),
            &stream,
            command,
            event_id,
            &metadata,
        )
        .await
        .map_err(widen)
    }

    /// Runs `command` with the request's own event ids.
    async fn run_request<D>(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        stream: (&str, &(dyn Display + Sync)),
        command: D::Command,
    ) -> Result<Receipt, VolunteeringAppError>
    where
        D: Decider,
        D::Command: Clone,
        D::Error: Into<VolunteeringError>,
        D::Event: EventCodec,
    {
        self.run::<D>(context, district, stream, command, |n| {
            context.event_id(super::event_index(n))
        })
        .await
    }

    async fn state<D>(
        &self,
        category: &str,
        id: &(dyn Display + Sync),
    ) -> Result<D::State, VolunteeringAppError>
    where
        D: Decider,
        D::Error: Into<VolunteeringError>,
        D::Event: EventCodec,
    {
        let stream = StreamName::new(category, id).map_err(StoreError::from)?;
        let (state, _) = load::<D>(self.participation.store().as_ref(), &stream)
            .await
            .map_err(widen)?;
        Ok(state)
    }
}

fn widen<E: Into<VolunteeringError>>(error: CommandError<E>) -> VolunteeringAppError {
    match error {
        CommandError::Domain(rule) => {
            ParticipationError::Command(CommandError::Domain(rule.into()))
        }
        CommandError::Store(store) => ParticipationError::Store(store),
        CommandError::Decode(decode) => ParticipationError::Command(CommandError::Decode(decode)),
    }
}

/// A refusal of one of the deciders, as the app reports it.
fn refused(rule: impl Into<VolunteeringError>) -> VolunteeringAppError {
    ParticipationError::Command(CommandError::Domain(rule.into()))
}

/// The later of two receipts' positions: what a follow-up query waits for.
fn later(position: u64, receipt: &Receipt) -> u64 {
    position.max(receipt.position)
}
