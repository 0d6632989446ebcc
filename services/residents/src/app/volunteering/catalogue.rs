//! The reward catalogue and redemption (see the module contract of
//! `app::volunteering`).

use super::{
    POINTS_CATEGORY, REWARD_CATEGORY, VolunteeringApp, VolunteeringAppError, VolunteeringError,
    later, refused,
};
use crate::domain::participation::volunteering::{
    Points, PointsCommand, PointsError, PointsState, Reward, RewardCommand,
};
use gongzhi_commands::{CommandError, Receipt};
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_server::CommandContext;
use uuid::Uuid;

/// What staff put in or change in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueEntry {
    pub name: String,
    pub cost: i64,
    pub stock: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redeemed {
    pub redemption_id: Uuid,
    /// The account's balance once this redemption is paid.
    pub balance: i64,
    /// The points account's receipt, with `position` raised to the stock
    /// take so one `min_position` covers both.
    pub receipt: Receipt,
}

/// The redemption a request makes: the same on every retry of it.
pub(super) fn redemption_id(context: &CommandContext) -> Uuid {
    Uuid::new_v5(&context.event_id(0), b"redemption")
}

/// Event ids of a redemption's follow-up writes on other streams, keyed by
/// the redemption so every retry writes them once.
fn follow_up_event_id(redemption_id: Uuid, step: &str, n: usize) -> Uuid {
    Uuid::new_v5(&redemption_id, format!("{step}\n{n}").as_bytes())
}

impl VolunteeringApp {
    pub async fn add_catalogue_item(
        &self,
        context: &CommandContext,
        district: DistrictCode,
        entry: CatalogueEntry,
    ) -> Result<(Uuid, Receipt), VolunteeringAppError> {
        let item_id = Uuid::new_v5(&context.event_id(0), b"reward");
        let command = RewardCommand::List {
            item_id: item_id.to_string(),
            district: district.clone(),
            name: entry.name,
            cost: entry.cost,
            stock: entry.stock,
        };
        let receipt = self
            .run_request::<Reward>(context, &district, (REWARD_CATEGORY, &item_id), command)
            .await?;
        Ok((item_id, receipt))
    }

    pub async fn update_catalogue_item(
        &self,
        context: &CommandContext,
        district: DistrictCode,
        item_id: Uuid,
        entry: CatalogueEntry,
    ) -> Result<Receipt, VolunteeringAppError> {
        let command = RewardCommand::Change {
            district: district.clone(),
            name: entry.name,
            cost: entry.cost,
            stock: entry.stock,
        };
        self.run_request::<Reward>(context, &district, (REWARD_CATEGORY, &item_id), command)
            .await
    }

    /// A resident spends `cost` points on one of `item_id`, at the price
    /// they saw.
    pub async fn redeem(
        &self,
        context: &CommandContext,
        district: DistrictCode,
        resident_id: Uuid,
        item_id: Uuid,
        cost: i64,
    ) -> Result<Redeemed, VolunteeringAppError> {
        self.participation
            .ensure_resident_here(&district, resident_id)
            .await?;
        let redemption_id = redemption_id(context);
        let now = self.participation.now();
        let take = RewardCommand::Take {
            district: district.clone(),
            redemption_id: redemption_id.to_string(),
            volunteer_id: resident_id.to_string(),
            cost,
        };
        let account = self.state::<Points>(POINTS_CATEGORY, &resident_id).await?;
        let earlier = match &account {
            PointsState::Open(account) => account.redemptions.get(&redemption_id.to_string()),
            PointsState::Absent => None,
        };
        match earlier {
            Some(redemption) if redemption.refunded => {
                return Err(refused(VolunteeringError::RedemptionRefunded));
            }
            // A retry: paid before, resume with the stock take.
            Some(_) => {}
            None => {
                // Everything the item would refuse is refused before any
                // points move, so such a refusal changes nothing.
                let item = self.state::<Reward>(REWARD_CATEGORY, &item_id).await?;
                Reward::decide(&item, take.clone()).map_err(refused)?;
                if account == PointsState::Absent {
                    return Err(refused(PointsError::InsufficientPoints {
                        balance: 0,
                        cost,
                    }));
                }
            }
        }
        let paid = self
            .run_request::<Points>(
                context,
                &district,
                (POINTS_CATEGORY, &resident_id),
                PointsCommand::Redeem {
                    district: district.clone(),
                    redemption_id: redemption_id.to_string(),
                    item_id: item_id.to_string(),
                    cost,
                    at: now,
                },
            )
            .await?;
        let taken = self
            .run::<Reward>(context, &district, (REWARD_CATEGORY, &item_id), take, |n| {
                follow_up_event_id(redemption_id, "take", n)
            })
            .await;
        let taken = match taken {
            Ok(taken) => taken,
            Err(VolunteeringAppError::Command(CommandError::Domain(rule))) => {
                // Stock ran out or the price changed since the check: give
                // the points back, once, and answer why.
                self.run::<Points>(
                    context,
                    &district,
                    (POINTS_CATEGORY, &resident_id),
                    PointsCommand::Refund {
                        district: district.clone(),
                        redemption_id: redemption_id.to_string(),
                        at: now,
                    },
                    |n| follow_up_event_id(redemption_id, "refund", n),
                )
                .await?;
                return Err(refused(rule));
            }
            // Nothing decided: a retry resumes with the take.
            Err(other) => return Err(other),
        };
        let balance = match self.state::<Points>(POINTS_CATEGORY, &resident_id).await? {
            PointsState::Open(account) => account.balance,
            PointsState::Absent => 0,
        };
        Ok(Redeemed {
            redemption_id,
            balance,
            receipt: Receipt {
                position: later(paid.position, &taken),
                ..paid
            },
        })
    }
}
