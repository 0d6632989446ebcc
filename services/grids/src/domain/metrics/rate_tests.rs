use super::{MAX_DECIMALS, Rate};
use std::cmp::Ordering;

#[test]
fn percentages_round_half_up_on_integers() {
    let table: &[(u64, u64, u32, &str)] = &[
        (911, 972, 2, "93.72%"),
        (737, 972, 2, "75.82%"),
        (1, 8, 0, "13%"),
        (1, 8, 1, "12.5%"),
        (1, 16, 1, "6.3%"),
        (1, 200, 0, "1%"),
        (1, 201, 0, "0%"),
        (1, 3, 2, "33.33%"),
        (2, 3, 2, "66.67%"),
        (0, 5, 2, "0.00%"),
        (5, 5, 2, "100.00%"),
        (3, 2, 1, "150.0%"),
        (1, 3, 4, "33.3333%"),
        (u64::MAX, u64::MAX, 2, "100.00%"),
        (1, u64::MAX, 2, "0.00%"),
    ];
    for (numerator, denominator, decimals, expected) in table {
        let rate = Rate::new(*numerator, *denominator);
        assert_eq!(
            rate.percent_rounded(*decimals).as_deref(),
            Some(*expected),
            "{numerator}/{denominator} to {decimals} places"
        );
    }
}

#[test]
fn decimals_are_clamped_so_nothing_overflows() {
    let rate = Rate::new(u64::MAX, 3);
    let printed = rate.percent_rounded(u32::MAX).expect("defined rate");
    let decimals = printed
        .trim_end_matches('%')
        .split('.')
        .nth(1)
        .map(str::len);
    assert_eq!(decimals, Some(MAX_DECIMALS as usize));
}

#[test]
fn a_zero_denominator_is_not_applicable() {
    let rate = Rate::new(0, 0);
    assert!(!rate.is_defined());
    assert_eq!(rate.percent_rounded(2), None);
    assert_eq!(rate.percent_or_na(2), "n/a");
    assert_eq!(rate.to_string(), "n/a");
    assert_eq!(Rate::new(911, 972).to_string(), "93.72%");
}

#[test]
fn rates_compare_by_exact_value() {
    assert_eq!(
        Rate::new(3, 4).compare_value(&Rate::new(6, 8)),
        Some(Ordering::Equal)
    );
    assert_eq!(
        Rate::new(737, 972).compare_value(&Rate::new(911, 972)),
        Some(Ordering::Less)
    );
    assert_eq!(Rate::new(1, 0).compare_value(&Rate::new(1, 2)), None);
    assert_ne!(Rate::new(3, 4), Rate::new(6, 8));
}
