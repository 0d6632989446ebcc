//! The district's catalogue of purchasable services (政府购买服务指导性目录)
//! as a pure decider over stream `catalogue-<uuid>` (one per district).
//!
//! Contract: only public services for residents and auxiliary services may
//! be published; goods, works, works bundled with services, financing and
//! staff dispatch are refused (财政部令第102号, art. 10). An item code is
//! published once; a withdrawn item can no longer be planned for.

use super::text::{blank, time};
use chrono::{DateTime, Utc};
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::procurement::v1 as pb;
use std::collections::BTreeMap;

pub use pb::ServiceNature;

pub const ITEM_CODE_MAX_CHARS: usize = 64;

gongzhi_kernel::proto_events! {
    /// Stream `catalogue-<uuid>`.
    pub enum CatalogueEvent in "gongzhi.procurement.v1" from pb {
        ItemPublished(CatalogueItemPublished),
        ItemWithdrawn(CatalogueItemWithdrawn),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum CatalogueCommand {
    Publish {
        district: DistrictCode,
        item_code: String,
        name: String,
        nature: ServiceNature,
        stable: bool,
        dispatchable: bool,
        at: DateTime<Utc>,
    },
    Withdraw {
        district: DistrictCode,
        item_code: String,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CatalogueState {
    pub items: BTreeMap<String, CatalogueItem>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CatalogueItem {
    pub district: String,
    pub name: String,
    pub nature: ServiceNature,
    pub stable: bool,
    pub dispatchable: bool,
    pub withdrawn: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error(
        "{0:?} cannot be bought as a service: goods, works, works with services, financing and staff dispatch are excluded"
    )]
    NotPurchasable(ServiceNature),
    #[error("{field} is required")]
    Required { field: &'static str },
    #[error("catalogue item {0} is already published")]
    ItemExists(String),
    #[error("catalogue item {0} is not in the catalogue")]
    ItemNotFound(String),
    #[error("catalogue item {0} is withdrawn")]
    ItemWithdrawn(String),
}

impl CatalogueError {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::NotPurchasable(_) => "NOT_A_PURCHASABLE_SERVICE",
            Self::Required { .. } => "CATALOGUE_FIELD_REQUIRED",
            Self::ItemExists(_) => "CATALOGUE_ITEM_EXISTS",
            Self::ItemNotFound(_) => "CATALOGUE_ITEM_NOT_FOUND",
            Self::ItemWithdrawn(_) => "CATALOGUE_ITEM_WITHDRAWN",
        }
    }

    /// The catalogue is public within its district: nothing is hidden.
    pub fn hides_existence(&self) -> bool {
        false
    }
}

impl CatalogueState {
    /// The item a purchase may be planned for: published and not withdrawn.
    pub fn purchasable(&self, item_code: &str) -> Result<&CatalogueItem, CatalogueError> {
        let item = self
            .items
            .get(item_code)
            .ok_or_else(|| CatalogueError::ItemNotFound(item_code.to_owned()))?;
        if item.withdrawn {
            return Err(CatalogueError::ItemWithdrawn(item_code.to_owned()));
        }
        Ok(item)
    }
}

pub struct Catalogue;

impl Decider for Catalogue {
    type State = CatalogueState;
    type Command = CatalogueCommand;
    type Event = CatalogueEvent;
    type Error = CatalogueError;

    fn decide(
        state: &CatalogueState,
        command: CatalogueCommand,
    ) -> Result<Vec<CatalogueEvent>, CatalogueError> {
        match command {
            CatalogueCommand::Publish {
                district,
                item_code,
                name,
                nature,
                stable,
                dispatchable,
                at,
            } => {
                if blank(&item_code) {
                    return Err(CatalogueError::Required { field: "item_code" });
                }
                if blank(&name) {
                    return Err(CatalogueError::Required { field: "name" });
                }
                match nature {
                    ServiceNature::Unspecified => {
                        return Err(CatalogueError::Required { field: "nature" });
                    }
                    ServiceNature::PublicService | ServiceNature::AuxiliaryService => {}
                    excluded => return Err(CatalogueError::NotPurchasable(excluded)),
                }
                if state.items.contains_key(&item_code) {
                    return Err(CatalogueError::ItemExists(item_code));
                }
                Ok(vec![CatalogueEvent::ItemPublished(
                    pb::CatalogueItemPublished {
                        district: district.to_string(),
                        item_code,
                        name,
                        nature: nature as i32,
                        stable,
                        dispatchable,
                        published_at: time(at),
                    },
                )])
            }
            CatalogueCommand::Withdraw {
                district,
                item_code,
                reason,
            } => {
                state.purchasable(&item_code)?;
                if blank(&reason) {
                    return Err(CatalogueError::Required { field: "reason" });
                }
                Ok(vec![CatalogueEvent::ItemWithdrawn(
                    pb::CatalogueItemWithdrawn {
                        district: district.to_string(),
                        item_code,
                        reason,
                    },
                )])
            }
        }
    }

    fn evolve(mut state: CatalogueState, event: &CatalogueEvent) -> CatalogueState {
        match event {
            CatalogueEvent::ItemPublished(e) => {
                state.items.insert(
                    e.item_code.clone(),
                    CatalogueItem {
                        district: e.district.clone(),
                        name: e.name.clone(),
                        nature: ServiceNature::try_from(e.nature)
                            .unwrap_or(ServiceNature::Unspecified),
                        stable: e.stable,
                        dispatchable: e.dispatchable,
                        withdrawn: false,
                    },
                );
            }
            CatalogueEvent::ItemWithdrawn(e) => {
                if let Some(item) = state.items.get_mut(&e.item_code) {
                    item.withdrawn = true;
                }
            }
        }
        state
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is how a test fails"
)]
#[path = "catalogue_tests.rs"]
mod tests;
