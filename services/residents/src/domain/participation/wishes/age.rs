//! How long an unclaimed wish has waited, in bands a read model shows so that
//! overlooked wishes stand out. Pure: the caller passes `now`; the read model
//! applies it to OPEN wishes only.

use chrono::{DateTime, TimeDelta, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum WishAge {
    /// Less than `fresh_below` old (default 3 days).
    Fresh,
    /// Less than `waiting_below` (default 7 days).
    Waiting,
    /// Less than `stale_below` (default 14 days).
    Stale,
    /// Older: nobody has taken it up.
    Overlooked,
}

/// Band limits, strictly increasing; a district may configure its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WishAgeThresholds {
    fresh_below: TimeDelta,
    waiting_below: TimeDelta,
    stale_below: TimeDelta,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("wish age thresholds must be positive and strictly increasing")]
pub struct WishAgeThresholdsError;

impl WishAgeThresholds {
    pub fn new(
        fresh_below: TimeDelta,
        waiting_below: TimeDelta,
        stale_below: TimeDelta,
    ) -> Result<Self, WishAgeThresholdsError> {
        let increasing = TimeDelta::zero() < fresh_below
            && fresh_below < waiting_below
            && waiting_below < stale_below;
        if !increasing {
            return Err(WishAgeThresholdsError);
        }
        Ok(Self {
            fresh_below,
            waiting_below,
            stale_below,
        })
    }

    /// The band of a wish posted at `posted_at`, seen at `now`. A `now`
    /// before `posted_at` (clock skew between callers) counts as fresh.
    pub fn age_band(&self, posted_at: DateTime<Utc>, now: DateTime<Utc>) -> WishAge {
        let age = now - posted_at;
        if age < self.fresh_below {
            WishAge::Fresh
        } else if age < self.waiting_below {
            WishAge::Waiting
        } else if age < self.stale_below {
            WishAge::Stale
        } else {
            WishAge::Overlooked
        }
    }
}

impl Default for WishAgeThresholds {
    fn default() -> Self {
        Self {
            fresh_below: TimeDelta::days(3),
            waiting_below: TimeDelta::days(7),
            stale_below: TimeDelta::days(14),
        }
    }
}

/// The band under the default thresholds: fresh under 3 days, waiting under
/// 7, stale under 14, overlooked from 14 days on.
pub fn age_band(posted_at: DateTime<Utc>, now: DateTime<Utc>) -> WishAge {
    WishAgeThresholds::default().age_band(posted_at, now)
}
