//! The 2026 national holiday schedule of the PRC.
//!
//! Source: 国务院办公厅关于2026年部分节假日安排的通知 (General Office of the
//! State Council, 2025-11-04, published by Xinhua the same day):
//! - 元旦: 1月1日至3日放假调休, 1月4日(周日)上班.
//! - 春节: 2月15日至23日放假调休, 2月14日(周六)、2月28日(周六)上班.
//! - 清明节: 4月4日至6日放假.
//! - 劳动节: 5月1日至5日放假调休, 5月9日(周六)上班.
//! - 端午节: 6月19日至21日放假.
//! - 中秋节: 9月25日至27日放假.
//! - 国庆节: 10月1日至7日放假调休, 9月20日(周日)、10月10日(周六)上班.
//!
//! Every day of each break is listed as a holiday, weekends included, so the
//! data reads like the notice; listing a weekend day as a holiday changes
//! nothing. Other years are configuration, not code.

use chrono::NaiveDate;

/// Inclusive (month, first day, last day) ranges of the seven breaks.
const BREAKS_2026: [(u32, u32, u32); 7] = [
    (1, 1, 3),
    (2, 15, 23),
    (4, 4, 6),
    (5, 1, 5),
    (6, 19, 21),
    (9, 25, 27),
    (10, 1, 7),
];

/// (month, day) of the weekend days worked in exchange (调休上班).
const WORKING_DAYS_2026: [(u32, u32); 6] = [(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)];

pub fn china_2026_holidays() -> Vec<NaiveDate> {
    BREAKS_2026
        .iter()
        .flat_map(|&(month, first, last)| (first..=last).filter_map(move |day| date(month, day)))
        .collect()
}

pub fn china_2026_working_days() -> Vec<NaiveDate> {
    WORKING_DAYS_2026
        .iter()
        .filter_map(|&(month, day)| date(month, day))
        .collect()
}

/// Every constant above is a real 2026 date; the tests count them so a typo
/// that made one vanish would fail.
fn date(month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2026, month, day)
}
