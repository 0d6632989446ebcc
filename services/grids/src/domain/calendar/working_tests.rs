use super::{WorkingCalendar, WorkingTimeErrorKind};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

/// A wall-clock time in China Standard Time, as the UTC instant.
fn cst(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    let offset = chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset");
    offset
        .with_ymd_and_hms(y, m, d, h, mi, s)
        .single()
        .expect("fixed offsets map every local time once")
        .with_timezone(&Utc)
}

fn hours(h: i64) -> Duration {
    Duration::hours(h)
}

#[test]
fn deadlines_follow_the_2026_calendar() {
    let calendar = WorkingCalendar::china_2026();
    #[rustfmt::skip]
    let table: &[(&str, DateTime<Utc>, Duration, DateTime<Utc>)] = &[
        ("inside the morning", cst(2026, 3, 2, 9, 0, 0), hours(1), cst(2026, 3, 2, 10, 0, 0)),
        ("across lunch", cst(2026, 3, 2, 11, 0, 0), hours(2), cst(2026, 3, 2, 14, 30, 0)),
        ("ends on the lunch break", cst(2026, 3, 2, 11, 0, 0), hours(1), cst(2026, 3, 2, 12, 0, 0)),
        ("starts in lunch", cst(2026, 3, 2, 12, 15, 0), hours(1), cst(2026, 3, 2, 14, 30, 0)),
        ("starts before hours", cst(2026, 3, 2, 7, 0, 0), hours(1), cst(2026, 3, 2, 10, 0, 0)),
        ("starts after midnight local", cst(2026, 3, 3, 1, 0, 0), hours(1), cst(2026, 3, 3, 10, 0, 0)),
        ("starts after hours", cst(2026, 3, 2, 18, 0, 0), hours(1), cst(2026, 3, 3, 10, 0, 0)),
        ("a full day", cst(2026, 3, 2, 9, 0, 0), hours(7), cst(2026, 3, 2, 17, 30, 0)),
        ("friday into monday", cst(2026, 3, 6, 17, 0, 0), hours(1), cst(2026, 3, 9, 9, 30, 0)),
        ("starts on saturday", cst(2026, 3, 7, 10, 0, 0), hours(1), cst(2026, 3, 9, 10, 0, 0)),
        ("over qingming", cst(2026, 4, 3, 17, 0, 0), hours(1), cst(2026, 4, 7, 9, 30, 0)),
        ("into a 调休 saturday", cst(2026, 2, 13, 17, 0, 0), hours(1), cst(2026, 2, 14, 9, 30, 0)),
        ("over the spring festival", cst(2026, 2, 14, 17, 0, 0), hours(1), cst(2026, 2, 24, 9, 30, 0)),
        ("over national day", cst(2026, 9, 30, 17, 0, 0), hours(1), cst(2026, 10, 8, 9, 30, 0)),
        ("into a 调休 sunday", cst(2026, 9, 19, 10, 0, 0), hours(1), cst(2026, 9, 20, 10, 0, 0)),
        ("over new year", cst(2025, 12, 31, 17, 0, 0), hours(1), cst(2026, 1, 4, 9, 30, 0)),
        ("one second", cst(2026, 3, 2, 9, 0, 0), Duration::seconds(1), cst(2026, 3, 2, 9, 0, 1)),
        ("seconds across lunch", cst(2026, 3, 2, 11, 59, 59), Duration::seconds(2), cst(2026, 3, 2, 13, 30, 1)),
        ("zero outside hours", cst(2026, 3, 7, 10, 0, 0), Duration::zero(), cst(2026, 3, 7, 10, 0, 0)),
        ("two working days", cst(2026, 3, 5, 10, 0, 0), hours(14), cst(2026, 3, 9, 10, 0, 0)),
    ];
    for (name, start, duration, expected) in table {
        let deadline = calendar.add_working_hours(*start, *duration);
        assert_eq!(deadline, Ok(*expected), "{name}");
        let counted = calendar.working_time_between(*start, *expected);
        assert_eq!(counted, *duration, "{name}: working time back");
    }
}

#[test]
fn sub_second_starts_stay_exact() {
    let calendar = WorkingCalendar::default();
    let start = cst(2026, 3, 2, 11, 59, 59) + Duration::milliseconds(250);
    let deadline = calendar.add_working_hours(start, Duration::seconds(1));
    assert_eq!(
        deadline,
        Ok(cst(2026, 3, 2, 13, 30, 0) + Duration::milliseconds(250))
    );
}

#[test]
fn a_2026_year_has_248_working_days_of_seven_hours() {
    let calendar = WorkingCalendar::china_2026();
    let year = calendar.working_time_between(cst(2026, 1, 1, 0, 0, 0), cst(2027, 1, 1, 0, 0, 0));
    assert_eq!(year, hours(248 * 7));
}

#[test]
fn working_time_between_partial_days() {
    let calendar = WorkingCalendar::china_2026();
    #[rustfmt::skip]
    let table: &[(&str, DateTime<Utc>, DateTime<Utc>, Duration)] = &[
        ("a working week", cst(2026, 3, 2, 9, 0, 0), cst(2026, 3, 6, 17, 30, 0), hours(35)),
        ("inside lunch", cst(2026, 3, 2, 12, 0, 0), cst(2026, 3, 2, 13, 30, 0), Duration::zero()),
        ("reversed", cst(2026, 3, 3, 9, 0, 0), cst(2026, 3, 2, 9, 0, 0), Duration::zero()),
        ("evening to morning", cst(2026, 3, 2, 17, 0, 0), cst(2026, 3, 3, 10, 0, 0), Duration::minutes(90)),
        ("whole spring festival", cst(2026, 2, 15, 0, 0, 0), cst(2026, 2, 24, 0, 0, 0), Duration::zero()),
        ("a 调休 saturday", cst(2026, 2, 14, 0, 0, 0), cst(2026, 2, 15, 0, 0, 0), hours(7)),
    ];
    for (name, from, to, expected) in table {
        assert_eq!(
            calendar.working_time_between(*from, *to),
            *expected,
            "{name}"
        );
    }
}

#[test]
fn working_time_and_working_days_are_reported() {
    let calendar = WorkingCalendar::china_2026();
    assert!(calendar.is_working_time(cst(2026, 2, 14, 9, 0, 0)));
    assert!(!calendar.is_working_time(cst(2026, 3, 2, 12, 0, 0)));
    assert!(!calendar.is_working_time(cst(2026, 3, 2, 17, 30, 0)));
    let may_day = NaiveDate::from_ymd_opt(2026, 5, 1).expect("real date");
    assert!(!calendar.is_working_day(may_day));
    let after_may_day = NaiveDate::from_ymd_opt(2026, 5, 9).expect("real date");
    assert!(calendar.is_working_day(after_may_day));
}

#[test]
fn negative_durations_are_refused() {
    let calendar = WorkingCalendar::default();
    let refused = calendar.add_working_hours(cst(2026, 3, 2, 9, 0, 0), hours(-1));
    assert_eq!(
        refused.map_err(|e| e.kind()),
        Err(WorkingTimeErrorKind::NegativeDuration)
    );
}

#[test]
fn deadlines_beyond_ten_years_or_the_time_range_are_refused() {
    let calendar = WorkingCalendar::default();
    let too_long = calendar.add_working_hours(cst(2026, 3, 2, 9, 0, 0), hours(7 * 366 * 10));
    assert_eq!(
        too_long.map_err(|e| e.kind()),
        Err(WorkingTimeErrorKind::BeyondHorizon)
    );
    let at_the_end = calendar.add_working_hours(DateTime::<Utc>::MAX_UTC, hours(1));
    assert_eq!(
        at_the_end.map_err(|e| e.kind()),
        Err(WorkingTimeErrorKind::BeyondHorizon)
    );
    let near_the_end = DateTime::<Utc>::MAX_UTC - Duration::days(3);
    let overflowing = calendar.add_working_hours(near_the_end, hours(100));
    assert_eq!(
        overflowing.map_err(|e| e.kind()),
        Err(WorkingTimeErrorKind::BeyondHorizon)
    );
}

#[test]
fn working_time_over_the_whole_time_range_terminates() {
    let calendar = WorkingCalendar::default();
    let all = calendar.working_time_between(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
    assert!(all > Duration::days(365 * 100_000));
}
