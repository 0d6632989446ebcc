use super::{
    CaseCategory, Stage, StageLimits, TimeLimits, TimeLimitsConfig, TimeLimitsErrorKind, Urgency,
    WorkingCalendar,
};
use chrono::{Duration, TimeZone, Utc};

fn limits(dispatch: Option<u32>, handle: Option<u32>, verify: Option<u32>) -> StageLimits {
    StageLimits {
        dispatch_minutes: dispatch,
        handle_minutes: handle,
        verify_minutes: verify,
        ..StageLimits::default()
    }
}

fn category(raw: &str) -> CaseCategory {
    CaseCategory::parse(raw).expect("valid category in test")
}

const DISTRICT_RULES: &str = r#"{
    "default": {"dispatch_minutes": 60, "handle_minutes": 840, "verify_minutes": 120},
    "rules": [
        {"urgency": "urgent", "limits": {"dispatch_minutes": 30, "handle_minutes": 420}},
        {"category": "event/05", "urgency": "urgent", "limits": {"dispatch_minutes": 15, "handle_minutes": 120, "verify_minutes": 30}},
        {"category": "event/05/01", "urgency": "urgent", "limits": {"dispatch_minutes": 10, "close_minutes": 240}},
        {"category": "component/01/01", "urgency": "normal", "limits": {"handle_minutes": 240, "verify_minutes": 60}}
    ]
}"#;

#[test]
fn the_most_specific_rule_wins_as_a_whole() {
    let config: TimeLimitsConfig = serde_json::from_str(DISTRICT_RULES).expect("valid config");
    let time_limits = TimeLimits::from_config(&config).expect("valid limits");
    #[rustfmt::skip]
    let table = [
        ("event/05/01", Urgency::Urgent, StageLimits { close_minutes: Some(240), ..limits(Some(10), None, None) }),
        ("event/05/02", Urgency::Urgent, limits(Some(15), Some(120), Some(30))),
        ("event/01/01", Urgency::Urgent, limits(Some(30), Some(420), None)),
        ("event/05/01", Urgency::Normal, limits(Some(60), Some(840), Some(120))),
        ("component/01/01", Urgency::Normal, limits(None, Some(240), Some(60))),
        ("component/01/02", Urgency::VeryUrgent, limits(Some(60), Some(840), Some(120))),
    ];
    for (raw, urgency, expected) in table {
        assert_eq!(
            time_limits.limits_for(&category(raw), urgency),
            &expected,
            "{raw} {urgency:?}"
        );
    }
    let handle = time_limits.limit(&category("event/05/02"), Urgency::Urgent, Stage::Handle);
    assert_eq!(handle, Some(Duration::hours(2)));
    let dispatch = time_limits.limit(
        &category("component/01/01"),
        Urgency::Normal,
        Stage::Dispatch,
    );
    assert_eq!(dispatch, None);
}

#[test]
fn a_limit_becomes_a_deadline_on_the_calendar() {
    let time_limits = TimeLimits::default();
    let calendar = WorkingCalendar::china_2026();
    let handle = time_limits
        .limit(&category("event/01/01"), Urgency::Normal, Stage::Handle)
        .expect("the default has a handle limit");
    // Thu 2026-04-30 16:00 CST: 1.5 h that day, the May Day break to Tue
    // 05-05, 7 h on Wed 05-06, the last 5.5 h end Thu 05-07 at 16:00 CST.
    let start = Utc
        .with_ymd_and_hms(2026, 4, 30, 8, 0, 0)
        .single()
        .expect("valid");
    let deadline = calendar.add_working_hours(start, handle);
    let expected = Utc
        .with_ymd_and_hms(2026, 5, 7, 8, 0, 0)
        .single()
        .expect("valid");
    assert_eq!(deadline, Ok(expected));
}

#[test]
fn the_default_config_is_valid_and_round_trips() {
    let config = TimeLimitsConfig::default();
    assert!(TimeLimits::from_config(&config).is_ok());
    let json = serde_json::to_string(&config).expect("serialises");
    let back: TimeLimitsConfig = serde_json::from_str(&json).expect("parses");
    assert_eq!(back, config);
}

#[test]
fn invalid_limits_are_refused_with_a_kind() {
    let duplicate = r#"{"rules": [
        {"category": "event/01", "urgency": "normal", "limits": {}},
        {"category": "event/01", "urgency": "normal", "limits": {"handle_minutes": 5}}
    ]}"#;
    let zero_in_rule = r#"{"rules": [{"urgency": "urgent", "limits": {"verify_minutes": 0}}]}"#;
    let zero_default = r#"{"default": {"close_minutes": 0}}"#;
    let cases = [
        (duplicate, TimeLimitsErrorKind::DuplicateRule),
        (zero_in_rule, TimeLimitsErrorKind::ZeroLimit),
        (zero_default, TimeLimitsErrorKind::ZeroLimit),
    ];
    for (json, expected) in cases {
        let config: TimeLimitsConfig = serde_json::from_str(json).expect("well-formed json");
        let kind = TimeLimits::from_config(&config).err().map(|e| e.kind());
        assert_eq!(kind, Some(expected), "{json}");
    }
    let bad_scope = r#"{"rules": [{"category": "event/1", "urgency": "normal", "limits": {}}]}"#;
    assert!(serde_json::from_str::<TimeLimitsConfig>(bad_scope).is_err());
    let bad_urgency = r#"{"rules": [{"urgency": "asap", "limits": {}}]}"#;
    assert!(serde_json::from_str::<TimeLimitsConfig>(bad_urgency).is_err());
}
