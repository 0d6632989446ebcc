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
//! - [`Catalogue`]: the rewards on offer; the application checks an item and
//!   its price there before redeeming.

mod activity;
mod catalogue;
mod codec;
mod points;

pub use activity::{
    Activity, ActivityCommand, ActivityError, ActivityFacts, ActivityState, Attendance,
    MAX_DURATION_MINUTES, MAX_POINTS_PER_HOUR, points_for,
};
pub use catalogue::{Catalogue, CatalogueError, RewardItem};
pub use codec::{ActivityEvent, PointsEvent};
pub use points::{Points, PointsAccount, PointsCommand, PointsError, PointsState, Redemption};
