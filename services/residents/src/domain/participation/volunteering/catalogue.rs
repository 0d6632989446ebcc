//! The reward catalogue (积分兑换): items on offer with their price in points
//! and their stock. Pure values and the rules for taking one; each item's
//! stream (`reward-<uuid>`, see [`super::Reward`]) applies them to its own
//! stock.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewardItem {
    pub item_id: String,
    pub name: String,
    pub cost: i64,
    pub stock: u32,
}

impl RewardItem {
    pub fn new(item_id: &str, name: &str, cost: i64, stock: u32) -> Result<Self, CatalogueError> {
        if item_id.trim().is_empty() {
            return Err(CatalogueError::Required { field: "item id" });
        }
        if name.trim().is_empty() {
            return Err(CatalogueError::Required { field: "name" });
        }
        if cost <= 0 {
            return Err(CatalogueError::CostNotPositive { cost });
        }
        Ok(Self {
            item_id: item_id.to_owned(),
            name: name.to_owned(),
            cost,
            stock,
        })
    }

    /// One may be taken at `cost`: in stock, and the caller saw the current
    /// price (a stale price is refused, not charged).
    pub fn check_redeemable(&self, cost: i64) -> Result<(), CatalogueError> {
        if self.stock == 0 {
            return Err(CatalogueError::OutOfStock {
                item_id: self.item_id.clone(),
            });
        }
        if self.cost != cost {
            return Err(CatalogueError::CostMismatch {
                item_id: self.item_id.clone(),
                given: cost,
                actual: self.cost,
            });
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("{field} is required")]
    Required { field: &'static str },
    #[error("cost must be positive, got {cost}")]
    CostNotPositive { cost: i64 },
    #[error("item {item_id} is listed twice")]
    DuplicateItem { item_id: String },
    #[error("item {item_id} is not in the catalogue")]
    UnknownItem { item_id: String },
    #[error("item {item_id} is out of stock")]
    OutOfStock { item_id: String },
    #[error("item {item_id} costs {actual} points, not {given}")]
    CostMismatch {
        item_id: String,
        given: i64,
        actual: i64,
    },
    #[error("catalogue item not found")]
    NotFound,
    #[error("item {item_id} is already listed")]
    AlreadyListed { item_id: String },
    #[error("item belongs to district {actual}, not {given}")]
    WrongDistrict { given: String, actual: String },
}

impl CatalogueError {
    /// Stable reason code for `google.rpc.ErrorInfo`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Required { .. } => "REWARD_FIELD_REQUIRED",
            Self::CostNotPositive { .. } => "REWARD_COST_NOT_POSITIVE",
            Self::DuplicateItem { .. } => "REWARD_DUPLICATE_ITEM",
            Self::UnknownItem { .. } => "REWARD_UNKNOWN_ITEM",
            Self::OutOfStock { .. } => "REWARD_OUT_OF_STOCK",
            Self::CostMismatch { .. } => "REWARD_COST_MISMATCH",
            Self::NotFound => "REWARD_NOT_FOUND",
            Self::AlreadyListed { .. } => "REWARD_ALREADY_LISTED",
            Self::WrongDistrict { .. } => "REWARD_WRONG_DISTRICT",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalogue {
    items: BTreeMap<String, RewardItem>,
}

impl Catalogue {
    pub fn new(items: Vec<RewardItem>) -> Result<Self, CatalogueError> {
        let mut catalogue = Self::default();
        for item in items {
            if catalogue.items.contains_key(&item.item_id) {
                return Err(CatalogueError::DuplicateItem {
                    item_id: item.item_id,
                });
            }
            catalogue.items.insert(item.item_id.clone(), item);
        }
        Ok(catalogue)
    }

    pub fn item(&self, item_id: &str) -> Option<&RewardItem> {
        self.items.get(item_id)
    }

    /// The item may be redeemed at `cost`: it exists, is in stock, and the
    /// caller saw its current price (a stale price is refused, not charged).
    pub fn check(&self, item_id: &str, cost: i64) -> Result<&RewardItem, CatalogueError> {
        let Some(item) = self.items.get(item_id) else {
            return Err(CatalogueError::UnknownItem {
                item_id: item_id.to_owned(),
            });
        };
        item.check_redeemable(cost)?;
        Ok(item)
    }

    /// Takes one from stock after a redemption, checked as [`Self::check`].
    pub fn take_one(&mut self, item_id: &str, cost: i64) -> Result<(), CatalogueError> {
        self.check(item_id, cost)?;
        if let Some(item) = self.items.get_mut(item_id) {
            item.stock -= 1;
        }
        Ok(())
    }

    /// Puts one back after a refund.
    pub fn put_back(&mut self, item_id: &str) -> Result<(), CatalogueError> {
        let Some(item) = self.items.get_mut(item_id) else {
            return Err(CatalogueError::UnknownItem {
                item_id: item_id.to_owned(),
            });
        };
        item.stock = item.stock.saturating_add(1);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Catalogue {
        Catalogue::new(vec![
            RewardItem::new("haircut", "free haircut", 50, 1).expect("valid item"),
            RewardItem::new("rice", "5 kg rice", 120, 0).expect("valid item"),
        ])
        .expect("distinct items")
    }

    #[test]
    fn an_item_needs_an_id_a_name_and_a_positive_cost() {
        assert_eq!(
            RewardItem::new(" ", "x", 1, 1),
            Err(CatalogueError::Required { field: "item id" })
        );
        assert_eq!(
            RewardItem::new("x", "", 1, 1),
            Err(CatalogueError::Required { field: "name" })
        );
        assert_eq!(
            RewardItem::new("x", "x", 0, 1).map_err(|e| e.reason()),
            Err("REWARD_COST_NOT_POSITIVE")
        );
    }

    #[test]
    fn an_item_is_listed_once() {
        let item = RewardItem::new("x", "x", 1, 1).expect("valid item");
        assert_eq!(
            Catalogue::new(vec![item.clone(), item]),
            Err(CatalogueError::DuplicateItem {
                item_id: "x".into()
            })
        );
    }

    #[test]
    fn check_refuses_unknown_out_of_stock_and_stale_prices() {
        let catalogue = catalogue();
        assert_eq!(
            catalogue.check("haircut", 50).map(|i| i.name.as_str()),
            Ok("free haircut")
        );
        assert_eq!(
            catalogue.check("car", 50).map_err(|e| e.reason()),
            Err("REWARD_UNKNOWN_ITEM")
        );
        assert_eq!(
            catalogue.check("rice", 120).map_err(|e| e.reason()),
            Err("REWARD_OUT_OF_STOCK")
        );
        assert_eq!(
            catalogue.check("haircut", 40),
            Err(CatalogueError::CostMismatch {
                item_id: "haircut".into(),
                given: 40,
                actual: 50
            })
        );
    }

    #[test]
    fn taking_the_last_one_empties_stock_and_a_refund_puts_it_back() {
        let mut catalogue = catalogue();
        assert_eq!(catalogue.take_one("haircut", 50), Ok(()));
        assert_eq!(
            catalogue.take_one("haircut", 50).map_err(|e| e.reason()),
            Err("REWARD_OUT_OF_STOCK")
        );
        assert_eq!(catalogue.put_back("haircut"), Ok(()));
        assert_eq!(catalogue.item("haircut").map(|i| i.stock), Some(1));
    }
}
