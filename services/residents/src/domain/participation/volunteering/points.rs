//! A volunteer's points account as a pure decider, in stream
//! `points-<volunteer id>`. The first `Earn` opens it.
//!
//! Rules: each activity is credited once. A repeated `Earn` for the same
//! activity with the same points is a no-op (no event), so the application
//! may safely redeliver certification events; the same activity with other
//! points is refused as counted twice. A redemption is refused, changing
//! nothing, if the balance would go negative; each redemption is refunded at
//! most once, for exactly its cost. Hence balance = sum(distinct activities'
//! points) - sum(redemptions) + sum(refunds) >= 0. Amounts are positive
//! integers. Every command acts only in the account's own district.

use super::PointsEvent;
use chrono::{DateTime, SecondsFormat, Utc};
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::residents::v1 as pb;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PointsCommand {
    Earn {
        district: DistrictCode,
        volunteer_id: String,
        activity_id: String,
        points: i64,
    },
    Redeem {
        district: DistrictCode,
        redemption_id: String,
        /// Already checked against the catalogue by the application.
        item_id: String,
        cost: i64,
        at: DateTime<Utc>,
    },
    Refund {
        district: DistrictCode,
        redemption_id: String,
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redemption {
    pub item_id: String,
    pub cost: i64,
    pub refunded: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointsAccount {
    pub volunteer_id: String,
    pub district: String,
    pub balance: i64,
    /// Points credited per activity: the proof nothing is counted twice.
    pub earned: BTreeMap<String, i64>,
    pub redemptions: BTreeMap<String, Redemption>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PointsState {
    #[default]
    Absent,
    Open(PointsAccount),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PointsError {
    #[error("points account not found")]
    NotFound,
    #[error("points account belongs to district {actual}, not {given}")]
    WrongDistrict { given: String, actual: String },
    #[error("points account belongs to volunteer {actual}, not {given}")]
    WrongVolunteer { given: String, actual: String },
    #[error("{field} is required")]
    Required { field: &'static str },
    #[error("amount must be positive, got {amount}")]
    AmountNotPositive { amount: i64 },
    #[error("activity {activity_id} is already counted with {counted} points; counted twice")]
    CountedTwice { activity_id: String, counted: i64 },
    #[error("cannot redeem {cost} points, only {balance} held")]
    InsufficientPoints { balance: i64, cost: i64 },
    #[error("redemption {redemption_id} already exists")]
    RedemptionExists { redemption_id: String },
    #[error("redemption {redemption_id} not found")]
    RedemptionNotFound { redemption_id: String },
    #[error("redemption {redemption_id} is already refunded")]
    AlreadyRefunded { redemption_id: String },
    #[error("balance would exceed the largest representable amount")]
    BalanceOverflow,
}

impl PointsError {
    /// Stable reason code for `google.rpc.ErrorInfo`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::NotFound => "POINTS_ACCOUNT_NOT_FOUND",
            Self::WrongDistrict { .. } => "POINTS_ACCOUNT_WRONG_DISTRICT",
            Self::WrongVolunteer { .. } => "POINTS_ACCOUNT_WRONG_VOLUNTEER",
            Self::Required { .. } => "POINTS_FIELD_REQUIRED",
            Self::AmountNotPositive { .. } => "POINTS_AMOUNT_NOT_POSITIVE",
            Self::CountedTwice { .. } => "POINTS_ACTIVITY_COUNTED_TWICE",
            Self::InsufficientPoints { .. } => "POINTS_INSUFFICIENT",
            Self::RedemptionExists { .. } => "POINTS_REDEMPTION_EXISTS",
            Self::RedemptionNotFound { .. } => "POINTS_REDEMPTION_NOT_FOUND",
            Self::AlreadyRefunded { .. } => "POINTS_ALREADY_REFUNDED",
            Self::BalanceOverflow => "POINTS_BALANCE_OVERFLOW",
        }
    }
}

pub struct Points;

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn required(value: &str, field: &'static str) -> Result<(), PointsError> {
    if value.trim().is_empty() {
        return Err(PointsError::Required { field });
    }
    Ok(())
}

fn positive(amount: i64) -> Result<i64, PointsError> {
    if amount <= 0 {
        return Err(PointsError::AmountNotPositive { amount });
    }
    Ok(amount)
}

fn open<'a>(
    state: &'a PointsState,
    district: &DistrictCode,
) -> Result<&'a PointsAccount, PointsError> {
    let PointsState::Open(account) = state else {
        return Err(PointsError::NotFound);
    };
    if account.district != district.as_str() {
        return Err(PointsError::WrongDistrict {
            given: district.to_string(),
            actual: account.district.clone(),
        });
    }
    Ok(account)
}

fn credit(balance: i64, amount: i64) -> Result<i64, PointsError> {
    balance
        .checked_add(amount)
        .ok_or(PointsError::BalanceOverflow)
}

fn earn(
    state: &PointsState,
    district: DistrictCode,
    volunteer_id: String,
    activity_id: String,
    points: i64,
) -> Result<Vec<PointsEvent>, PointsError> {
    required(&volunteer_id, "volunteer id")?;
    required(&activity_id, "activity id")?;
    let points = positive(points)?;
    let balance = match state {
        PointsState::Absent => 0,
        PointsState::Open(_) => {
            let account = open(state, &district)?;
            if account.volunteer_id != volunteer_id {
                return Err(PointsError::WrongVolunteer {
                    given: volunteer_id,
                    actual: account.volunteer_id.clone(),
                });
            }
            match account.earned.get(&activity_id) {
                // A redelivered certification: already counted, nothing to do.
                Some(&counted) if counted == points => return Ok(Vec::new()),
                Some(&counted) => {
                    return Err(PointsError::CountedTwice {
                        activity_id,
                        counted,
                    });
                }
                None => account.balance,
            }
        }
    };
    Ok(vec![PointsEvent::Earned(pb::PointsEarned {
        volunteer_id,
        district: district.to_string(),
        activity_id,
        points,
        balance_after: credit(balance, points)?,
    })])
}

impl Decider for Points {
    type State = PointsState;
    type Command = PointsCommand;
    type Event = PointsEvent;
    type Error = PointsError;

    fn decide(
        state: &PointsState,
        command: PointsCommand,
    ) -> Result<Vec<PointsEvent>, PointsError> {
        let event = match command {
            PointsCommand::Earn {
                district,
                volunteer_id,
                activity_id,
                points,
            } => return earn(state, district, volunteer_id, activity_id, points),
            PointsCommand::Redeem {
                district,
                redemption_id,
                item_id,
                cost,
                at,
            } => {
                let account = open(state, &district)?;
                required(&redemption_id, "redemption id")?;
                required(&item_id, "item id")?;
                let cost = positive(cost)?;
                if account.redemptions.contains_key(&redemption_id) {
                    return Err(PointsError::RedemptionExists { redemption_id });
                }
                if cost > account.balance {
                    return Err(PointsError::InsufficientPoints {
                        balance: account.balance,
                        cost,
                    });
                }
                PointsEvent::Redeemed(pb::PointsRedeemed {
                    volunteer_id: account.volunteer_id.clone(),
                    district: district.to_string(),
                    redemption_id,
                    item_id,
                    cost,
                    redeemed_at: rfc3339(at),
                    balance_after: account.balance - cost,
                })
            }
            PointsCommand::Refund {
                district,
                redemption_id,
                at,
            } => {
                let account = open(state, &district)?;
                let Some(redemption) = account.redemptions.get(&redemption_id) else {
                    return Err(PointsError::RedemptionNotFound { redemption_id });
                };
                if redemption.refunded {
                    return Err(PointsError::AlreadyRefunded { redemption_id });
                }
                PointsEvent::Refunded(pb::PointsRefunded {
                    volunteer_id: account.volunteer_id.clone(),
                    district: district.to_string(),
                    redemption_id,
                    points: redemption.cost,
                    refunded_at: rfc3339(at),
                    balance_after: credit(account.balance, redemption.cost)?,
                })
            }
        };
        Ok(vec![event])
    }

    fn evolve(state: PointsState, event: &PointsEvent) -> PointsState {
        match (state, event) {
            (PointsState::Absent, PointsEvent::Earned(e)) => PointsState::Open(PointsAccount {
                volunteer_id: e.volunteer_id.clone(),
                district: e.district.clone(),
                balance: e.balance_after,
                earned: BTreeMap::from([(e.activity_id.clone(), e.points)]),
                redemptions: BTreeMap::new(),
            }),
            (PointsState::Open(mut account), PointsEvent::Earned(e)) => {
                account.earned.insert(e.activity_id.clone(), e.points);
                account.balance = e.balance_after;
                PointsState::Open(account)
            }
            (PointsState::Open(mut account), PointsEvent::Redeemed(e)) => {
                account.redemptions.insert(
                    e.redemption_id.clone(),
                    Redemption {
                        item_id: e.item_id.clone(),
                        cost: e.cost,
                        refunded: false,
                    },
                );
                account.balance = e.balance_after;
                PointsState::Open(account)
            }
            (PointsState::Open(mut account), PointsEvent::Refunded(e)) => {
                if let Some(redemption) = account.redemptions.get_mut(&e.redemption_id) {
                    redemption.refunded = true;
                }
                account.balance = e.balance_after;
                PointsState::Open(account)
            }
            (state, _) => state,
        }
    }
}

#[cfg(test)]
#[path = "points_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "points_properties.rs"]
mod properties;
