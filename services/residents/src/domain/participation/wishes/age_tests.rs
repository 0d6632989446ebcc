use super::*;
use chrono::{TimeDelta, TimeZone, Utc};
use proptest::prelude::*;

fn posted() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0)
        .single()
        .expect("valid test time")
}

#[test]
fn default_bands_follow_the_documented_thresholds() {
    let band = |age: TimeDelta| age_band(posted(), posted() + age);
    assert_eq!(band(TimeDelta::zero()), WishAge::Fresh);
    assert_eq!(
        band(TimeDelta::days(3) - TimeDelta::seconds(1)),
        WishAge::Fresh
    );
    assert_eq!(band(TimeDelta::days(3)), WishAge::Waiting);
    assert_eq!(band(TimeDelta::days(7)), WishAge::Stale);
    assert_eq!(
        band(TimeDelta::days(14) - TimeDelta::seconds(1)),
        WishAge::Stale
    );
    assert_eq!(band(TimeDelta::days(14)), WishAge::Overlooked);
    assert_eq!(band(TimeDelta::days(-1)), WishAge::Fresh);
}

#[test]
fn configured_thresholds_apply_and_must_increase() {
    let thresholds =
        WishAgeThresholds::new(TimeDelta::days(1), TimeDelta::days(2), TimeDelta::days(3))
            .expect("increasing thresholds");
    assert_eq!(
        thresholds.age_band(posted(), posted() + TimeDelta::days(2)),
        WishAge::Stale
    );
    assert_eq!(
        WishAgeThresholds::new(TimeDelta::days(2), TimeDelta::days(2), TimeDelta::days(3)),
        Err(WishAgeThresholdsError)
    );
    assert_eq!(
        WishAgeThresholds::new(TimeDelta::zero(), TimeDelta::days(2), TimeDelta::days(3)),
        Err(WishAgeThresholdsError)
    );
}

proptest! {
    #[test]
    fn a_wish_never_gets_younger(a in 0i64..40 * 86_400, b in 0i64..40 * 86_400) {
        let (earlier, later) = if a <= b { (a, b) } else { (b, a) };
        let at = |seconds: i64| posted() + TimeDelta::seconds(seconds);
        prop_assert!(age_band(posted(), at(earlier)) <= age_band(posted(), at(later)));
    }
}
