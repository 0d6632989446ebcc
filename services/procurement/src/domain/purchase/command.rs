//! Commands of a purchase, with times passed in.

use super::{Evaluator, PurchaseMethod};
use chrono::{DateTime, NaiveDate, Utc};
use gongzhi_kernel::DistrictCode;

/// Local rules of the district, with their defaults. (local)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Days after an award during which bidders may challenge it
    /// (政府采购质疑和投诉办法 art. 10: 7 working days).
    pub standstill_days: i64,
    /// An evaluation at least this passes (and releases the final payment).
    pub pass_mark: u32,
    pub max_term_months: u32,
    /// For a stable service with a secured budget (财政部令第102号 art. 24).
    pub max_stable_term_months: u32,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            standstill_days: 7,
            pass_mark: 60,
            max_term_months: 12,
            max_stable_term_months: 36,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchasePlan {
    pub purchase_id: String,
    pub title: String,
    /// A purchasable item of the district's catalogue (checked by the caller
    /// against the catalogue stream).
    pub item_code: String,
    pub stable_service: bool,
    /// Grid cases may be dispatched to the provider of this service.
    pub dispatchable: bool,
    pub budget_fen: u64,
    pub budget_secured: bool,
    pub method: PurchaseMethod,
    pub justification: String,
    pub invited_provider_ids: Vec<String>,
    pub price_weight: u32,
    /// (criterion id, weight) in order.
    pub criteria: Vec<(String, u32)>,
}

/// Residents' ratings of the purchased service: how many and the sum of
/// their stars, exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Satisfaction {
    pub count: u64,
    pub star_sum: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestonePlan {
    pub milestone_id: String,
    pub title: String,
    pub due: NaiveDate,
    pub payment_fen: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractTerms {
    pub contract_id: String,
    pub starts_on: NaiveDate,
    pub term_months: u32,
    pub milestones: Vec<MilestonePlan>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PurchaseCommand {
    Plan {
        district: DistrictCode,
        plan: PurchasePlan,
        at: DateTime<Utc>,
    },
    Publish {
        district: DistrictCode,
        deadline: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    Bid {
        district: DistrictCode,
        provider_id: String,
        price_fen: u64,
        at: DateTime<Utc>,
    },
    ReviewQualification {
        district: DistrictCode,
        provider_id: String,
        qualified: bool,
        reason: String,
        at: DateTime<Utc>,
    },
    /// Criterion points (0..100, in plan order) of every qualified bid;
    /// empty lists for lowest-price methods.
    Score {
        district: DistrictCode,
        points: Vec<(String, Vec<u32>)>,
        at: DateTime<Utc>,
    },
    Award {
        district: DistrictCode,
        provider_id: String,
        rules: Rules,
        at: DateTime<Utc>,
    },
    Challenge {
        district: DistrictCode,
        provider_id: String,
        grounds: String,
        at: DateTime<Utc>,
    },
    ResolveChallenge {
        district: DistrictCode,
        upheld: bool,
        reasoning: String,
    },
    SignContract {
        district: DistrictCode,
        terms: ContractTerms,
        rules: Rules,
        at: DateTime<Utc>,
    },
    Monitor {
        district: DistrictCode,
        milestone_id: String,
        satisfactory: bool,
        note: String,
        at: DateTime<Utc>,
    },
    Deliver {
        district: DistrictCode,
        milestone_id: String,
        at: DateTime<Utc>,
    },
    Evaluate {
        district: DistrictCode,
        evaluator: Evaluator,
        evaluator_name: String,
        score: u32,
        satisfaction: Satisfaction,
        rules: Rules,
        at: DateTime<Utc>,
    },
    Pay {
        district: DistrictCode,
        milestone_id: String,
        at: DateTime<Utc>,
    },
}
