use super::WorkingCalendar;
use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

/// 2025-01-01 to 2028-01-01 UTC: covers the 2026 holidays and plain years.
const FROM: i64 = 1_735_689_600;
const TO: i64 = 1_830_297_600;
/// About two working years, far beyond any case time limit.
const MAX_SECONDS: i64 = 3_500 * 3_600;

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (FROM..TO, 0u32..1_000_000_000).prop_map(|(seconds, nanos)| {
        DateTime::from_timestamp(seconds, nanos).expect("inside chrono's range")
    })
}

fn duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        (0i64..MAX_SECONDS).prop_map(Duration::seconds),
        (0i64..200).prop_map(|minutes| Duration::minutes(minutes * 30)),
    ]
}

fn calendars() -> [WorkingCalendar; 2] {
    [WorkingCalendar::china_2026(), WorkingCalendar::default()]
}

proptest! {
    #[test]
    fn deadlines_are_monotonic_in_duration(start in instant(), a in duration(), b in duration()) {
        let (shorter, longer) = if a <= b { (a, b) } else { (b, a) };
        for calendar in calendars() {
            let early = calendar.add_working_hours(start, shorter);
            let late = calendar.add_working_hours(start, longer);
            let (Ok(early), Ok(late)) = (early, late) else {
                return Err(TestCaseError::fail("deadline within two working years refused"));
            };
            prop_assert!(early <= late);
            prop_assert!(early >= start);
        }
    }

    #[test]
    fn working_time_to_the_deadline_is_the_duration(start in instant(), duration in duration()) {
        for calendar in calendars() {
            let deadline = calendar.add_working_hours(start, duration);
            prop_assert!(deadline.is_ok());
            let deadline = deadline.unwrap_or(start);
            prop_assert_eq!(calendar.working_time_between(start, deadline), duration);
        }
    }

    #[test]
    fn working_time_is_additive(a in instant(), b in instant(), c in instant()) {
        let mut points = [a, b, c];
        points.sort();
        let [a, b, c] = points;
        for calendar in calendars() {
            let whole = calendar.working_time_between(a, c);
            let parts = calendar.working_time_between(a, b) + calendar.working_time_between(b, c);
            prop_assert_eq!(whole, parts);
        }
    }
}
