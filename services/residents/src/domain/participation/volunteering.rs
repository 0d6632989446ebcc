//! Volunteering and points (积分): "whoever organises records, whoever
//! records certifies".
//!
//! - [`Activity`] (stream `activity-<uuid>`): the organiser plans, records
//!   and amends each volunteer's minutes, and certifies once; certification
//!   freezes attendance and lists each volunteer's points,
//!   floor(minutes * points_per_hour / 60).
//! - [`Points`] (stream `points-<volunteer id>`): credits each certified
//!   activity once, pays redemptions and takes each refund once; the balance
//!   is never negative. The application feeds `Earn` from `ActivityCertified`.
//! - [`Reward`] (stream `reward-<uuid>`): one catalogue item, listed and
//!   changed by district staff; each redemption takes one from its stock
//!   once, at the price the redeemer saw. [`Catalogue`] holds the same rules
//!   over a set of items.

mod activity;
mod catalogue;
mod codec;
mod points;
mod reward;

pub use activity::{
    Activity, ActivityCommand, ActivityError, ActivityFacts, ActivityState, Attendance,
    MAX_DURATION_MINUTES, MAX_POINTS_PER_HOUR, points_for,
};
pub use catalogue::{Catalogue, CatalogueError, RewardItem};
pub use codec::{ActivityEvent, PointsEvent, RewardEvent};
pub use points::{Points, PointsAccount, PointsCommand, PointsError, PointsState, Redemption};
pub use reward::{Reward, RewardCommand, RewardFacts, RewardState};
