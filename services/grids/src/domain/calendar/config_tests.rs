use super::{
    CalendarConfig, CalendarConfigErrorKind, PeriodConfig, WorkingCalendar, WorkingTimeErrorKind,
    china_2026_holidays, china_2026_working_days,
};
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};

fn kind_of(config: CalendarConfig) -> Option<CalendarConfigErrorKind> {
    WorkingCalendar::from_config(&config)
        .err()
        .map(|e| e.kind())
}

fn with_periods(periods: &[(&str, &str)]) -> CalendarConfig {
    CalendarConfig {
        periods: periods
            .iter()
            .map(|(s, e)| PeriodConfig::new(s, e))
            .collect(),
        ..CalendarConfig::default()
    }
}

#[test]
fn an_empty_config_is_the_standard_calendar() {
    let config: CalendarConfig = serde_json::from_str("{}").expect("every field has a default");
    let calendar = WorkingCalendar::from_config(&config).expect("defaults are valid");
    assert_eq!(calendar, WorkingCalendar::default());
}

#[test]
fn a_full_config_round_trips_through_json() {
    let json = r#"{
        "utc_offset": "+00:00",
        "working_weekdays": ["Mon", "Tuesday", "sat"],
        "periods": [{"start": "08:00", "end": "24:00"}],
        "holidays": ["2026-03-03"],
        "adjusted_working_days": ["2026-03-08"]
    }"#;
    let config: CalendarConfig = serde_json::from_str(json).expect("valid json config");
    let back: CalendarConfig =
        serde_json::from_str(&serde_json::to_string(&config).expect("serialises")).expect("parses");
    assert_eq!(back, config);
    let calendar = WorkingCalendar::from_config(&config).expect("valid calendar");
    // Mon 2026-03-02 22:00 UTC: 2h that day, Tue is a holiday, Wed not a
    // working weekday, so the rest lands on Sat 2026-03-07.
    let start = Utc
        .with_ymd_and_hms(2026, 3, 2, 22, 0, 0)
        .single()
        .expect("valid");
    let deadline = calendar.add_working_hours(start, Duration::hours(3));
    let expected = Utc
        .with_ymd_and_hms(2026, 3, 7, 9, 0, 0)
        .single()
        .expect("valid");
    assert_eq!(deadline, Ok(expected));
}

#[test]
fn unknown_fields_are_rejected() {
    let parsed = serde_json::from_str::<CalendarConfig>(r#"{"timezone": "Asia/Shanghai"}"#);
    assert!(parsed.is_err());
}

#[test]
fn invalid_configs_are_refused_with_a_kind() {
    use CalendarConfigErrorKind as Kind;
    let cases = [
        (
            with_periods(&[("09:00", "12:00"), ("11:00", "13:00")]),
            Kind::OverlappingPeriods,
        ),
        (
            with_periods(&[("13:00", "17:00"), ("09:00", "13:30")]),
            Kind::OverlappingPeriods,
        ),
        (with_periods(&[("12:00", "09:00")]), Kind::InvertedPeriod),
        (with_periods(&[("09:00", "09:00")]), Kind::InvertedPeriod),
        (with_periods(&[("9:00", "12:00")]), Kind::BadTime),
        (with_periods(&[("09:00", "24:01")]), Kind::BadTime),
        (with_periods(&[("09:60", "12:00")]), Kind::BadTime),
        (with_periods(&[("09:00:00:00", "12:00")]), Kind::BadTime),
        (with_periods(&[("ab:cd", "12:00")]), Kind::BadTime),
        (with_periods(&[]), Kind::NoPeriods),
        (
            CalendarConfig {
                utc_offset: "CST".to_owned(),
                ..CalendarConfig::default()
            },
            Kind::BadOffset,
        ),
        (
            CalendarConfig {
                holidays: vec![NaiveDate::from_ymd_opt(2026, 2, 14).expect("real date")],
                ..CalendarConfig::china_2026()
            },
            Kind::HolidayAndWorkingDay,
        ),
    ];
    for (config, expected) in cases {
        assert_eq!(kind_of(config.clone()), Some(expected), "{config:?}");
    }
}

#[test]
fn touching_periods_and_seconds_are_accepted() {
    let config = with_periods(&[("09:00", "12:00:30"), ("12:00:30", "13:00")]);
    assert!(WorkingCalendar::from_config(&config).is_ok());
}

#[test]
fn a_calendar_without_working_days_never_loops() {
    let config = CalendarConfig {
        working_weekdays: Vec::new(),
        ..CalendarConfig::default()
    };
    let calendar = WorkingCalendar::from_config(&config).expect("valid, if useless");
    let start = Utc
        .with_ymd_and_hms(2026, 3, 2, 0, 0, 0)
        .single()
        .expect("valid");
    let refused = calendar.add_working_hours(start, Duration::hours(1));
    assert_eq!(
        refused.map_err(|e| e.kind()),
        Err(WorkingTimeErrorKind::BeyondHorizon)
    );
}

#[test]
fn the_2026_schedule_matches_the_state_council_notice() {
    let holidays = china_2026_holidays();
    assert_eq!(holidays.len(), 3 + 9 + 3 + 5 + 3 + 3 + 7);
    let working_days = china_2026_working_days();
    assert_eq!(working_days.len(), 6);
    assert!(
        working_days
            .iter()
            .all(|day| matches!(day.weekday(), Weekday::Sat | Weekday::Sun))
    );
    let weekday_holidays = holidays
        .iter()
        .filter(|day| !matches!(day.weekday(), Weekday::Sat | Weekday::Sun))
        .count();
    // 13 statutory days fall on 19 weekdays once the six 调休 days are paid back.
    assert_eq!(weekday_holidays, 19);
    assert!(WorkingCalendar::from_config(&CalendarConfig::china_2026()).is_ok());
}
