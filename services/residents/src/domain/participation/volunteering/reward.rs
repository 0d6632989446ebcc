//! One catalogue item as a pure decider, in stream `reward-<uuid>`: district
//! staff list it and change its name, price and stock; each redemption takes
//! one from stock, at most once.
//!
//! Rules: an item is listed once, with a name, a positive price and a stock;
//! every command acts only in the item's own district. Taking one needs the
//! item in stock and the price the redeemer saw (see
//! [`RewardItem::check_redeemable`]); taking again for the same redemption is
//! a no-op (no event), so the application may retry a redemption safely.
//! Stock never goes below zero.

use super::{CatalogueError, RewardEvent, RewardItem};
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::residents::v1 as pb;
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RewardCommand {
    List {
        item_id: String,
        district: DistrictCode,
        name: String,
        cost: i64,
        stock: u32,
    },
    Change {
        district: DistrictCode,
        name: String,
        cost: i64,
        stock: u32,
    },
    Take {
        district: DistrictCode,
        redemption_id: String,
        volunteer_id: String,
        /// The price the redeemer saw and paid.
        cost: i64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewardFacts {
    pub district: String,
    pub item: RewardItem,
    /// Redemptions that took one: the proof none takes twice.
    pub taken_by: BTreeSet<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum RewardState {
    #[default]
    Absent,
    Listed(RewardFacts),
}

pub struct Reward;

fn listed<'a>(
    state: &'a RewardState,
    district: &DistrictCode,
) -> Result<&'a RewardFacts, CatalogueError> {
    let RewardState::Listed(facts) = state else {
        return Err(CatalogueError::NotFound);
    };
    if facts.district != district.as_str() {
        return Err(CatalogueError::WrongDistrict {
            given: district.to_string(),
            actual: facts.district.clone(),
        });
    }
    Ok(facts)
}

impl Decider for Reward {
    type State = RewardState;
    type Command = RewardCommand;
    type Event = RewardEvent;
    type Error = CatalogueError;

    fn decide(
        state: &RewardState,
        command: RewardCommand,
    ) -> Result<Vec<RewardEvent>, CatalogueError> {
        let event = match command {
            RewardCommand::List {
                item_id,
                district,
                name,
                cost,
                stock,
            } => {
                if let RewardState::Listed(facts) = state {
                    return Err(CatalogueError::AlreadyListed {
                        item_id: facts.item.item_id.clone(),
                    });
                }
                let item = RewardItem::new(&item_id, &name, cost, stock)?;
                RewardEvent::Listed(pb::RewardItemListed {
                    item_id: item.item_id,
                    district: district.to_string(),
                    name: item.name,
                    cost: item.cost,
                    stock: item.stock,
                })
            }
            RewardCommand::Change {
                district,
                name,
                cost,
                stock,
            } => {
                let facts = listed(state, &district)?;
                let item = RewardItem::new(&facts.item.item_id, &name, cost, stock)?;
                RewardEvent::Changed(pb::RewardItemChanged {
                    item_id: item.item_id,
                    district: district.to_string(),
                    name: item.name,
                    cost: item.cost,
                    stock: item.stock,
                })
            }
            RewardCommand::Take {
                district,
                redemption_id,
                volunteer_id,
                cost,
            } => {
                let facts = listed(state, &district)?;
                if redemption_id.trim().is_empty() {
                    return Err(CatalogueError::Required {
                        field: "redemption id",
                    });
                }
                if facts.taken_by.contains(&redemption_id) {
                    // A retried redemption: its item already left stock.
                    return Ok(Vec::new());
                }
                facts.item.check_redeemable(cost)?;
                RewardEvent::Taken(pb::RewardItemTaken {
                    item_id: facts.item.item_id.clone(),
                    district: district.to_string(),
                    redemption_id,
                    volunteer_id,
                    cost,
                    stock_after: facts.item.stock - 1,
                })
            }
        };
        Ok(vec![event])
    }

    fn evolve(state: RewardState, event: &RewardEvent) -> RewardState {
        match (state, event) {
            (RewardState::Absent, RewardEvent::Listed(e)) => RewardState::Listed(RewardFacts {
                district: e.district.clone(),
                item: RewardItem {
                    item_id: e.item_id.clone(),
                    name: e.name.clone(),
                    cost: e.cost,
                    stock: e.stock,
                },
                taken_by: BTreeSet::new(),
            }),
            (RewardState::Listed(mut facts), RewardEvent::Changed(e)) => {
                facts.item.name = e.name.clone();
                facts.item.cost = e.cost;
                facts.item.stock = e.stock;
                RewardState::Listed(facts)
            }
            (RewardState::Listed(mut facts), RewardEvent::Taken(e)) => {
                facts.item.stock = e.stock_after;
                facts.taken_by.insert(e.redemption_id.clone());
                RewardState::Listed(facts)
            }
            (state, _) => state,
        }
    }
}

#[cfg(test)]
#[path = "reward_tests.rs"]
mod tests;
