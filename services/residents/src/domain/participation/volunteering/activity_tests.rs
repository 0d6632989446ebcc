//! Given events, when a command, then events or an error; and the property
//! that certified points are floor(minutes * rate / 60) for every attendee.

use super::*;
use chrono::{Duration, TimeZone};
use gongzhi_kernel::Decider;
use proptest::prelude::*;

const DISTRICT: &str = "500108";
const COMMUNITY: &str = "500108001001";
const ORGANISER: &str = "org";

fn district(code: &str) -> DistrictCode {
    DistrictCode::parse(code).expect("valid test district")
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0)
        .single()
        .expect("valid test time")
}

fn plan_for(minutes: i64, points_per_hour: i64) -> ActivityCommand {
    ActivityCommand::Plan {
        activity_id: "a1".into(),
        district: district(DISTRICT),
        community: COMMUNITY.into(),
        organiser_id: ORGANISER.into(),
        title: "river clean-up".into(),
        starts_at: start(),
        ends_at: start() + Duration::minutes(minutes),
        points_per_hour,
    }
}

/// Three hours at 10 points per hour.
fn plan() -> ActivityCommand {
    plan_for(180, 10)
}

fn record_by(organiser_id: &str, volunteer_id: &str, minutes: i64) -> ActivityCommand {
    ActivityCommand::RecordAttendance {
        district: district(DISTRICT),
        organiser_id: organiser_id.into(),
        volunteer_id: volunteer_id.into(),
        minutes,
    }
}

fn record(volunteer_id: &str, minutes: i64) -> ActivityCommand {
    record_by(ORGANISER, volunteer_id, minutes)
}

fn amend(volunteer_id: &str, minutes: i64) -> ActivityCommand {
    ActivityCommand::AmendAttendance {
        district: district(DISTRICT),
        organiser_id: ORGANISER.into(),
        volunteer_id: volunteer_id.into(),
        minutes,
    }
}

fn certify_by(organiser_id: &str) -> ActivityCommand {
    ActivityCommand::Certify {
        district: district(DISTRICT),
        organiser_id: organiser_id.into(),
        at: start() + Duration::hours(4),
    }
}

fn certify() -> ActivityCommand {
    certify_by(ORGANISER)
}

fn given(history: &[ActivityCommand]) -> ActivityState {
    history
        .iter()
        .fold(ActivityState::Absent, |state, command| {
            let events = Activity::decide(&state, command.clone()).expect("history must be valid");
            events.iter().fold(state, Activity::evolve)
        })
}

fn when(
    history: &[ActivityCommand],
    command: ActivityCommand,
) -> Result<Vec<ActivityEvent>, ActivityError> {
    Activity::decide(&given(history), command)
}

fn reason(result: Result<Vec<ActivityEvent>, ActivityError>) -> Result<usize, &'static str> {
    result.map(|events| events.len()).map_err(|e| e.reason())
}

#[test]
fn planning_states_the_duration_and_rate() {
    let events = when(&[], plan());
    assert_eq!(
        events,
        Ok(vec![ActivityEvent::Planned(pb::ActivityPlanned {
            activity_id: "a1".into(),
            district: DISTRICT.into(),
            community: COMMUNITY.into(),
            organiser_id: ORGANISER.into(),
            title: "river clean-up".into(),
            starts_at: "2026-05-01T09:00:00Z".into(),
            ends_at: "2026-05-01T12:00:00Z".into(),
            duration_minutes: 180,
            points_per_hour: 10,
        })])
    );
}

#[test]
fn planning_refuses_bad_schedules_rates_and_places() {
    assert_eq!(
        reason(when(&[], plan_for(0, 10))),
        Err("ACTIVITY_ENDS_BEFORE_START")
    );
    assert_eq!(
        reason(when(&[], plan_for(-60, 10))),
        Err("ACTIVITY_ENDS_BEFORE_START")
    );
    let too_long = MAX_DURATION_MINUTES + 1;
    assert_eq!(
        reason(when(&[], plan_for(too_long, 10))),
        Err("ACTIVITY_TOO_LONG")
    );
    assert_eq!(
        reason(when(&[], plan_for(60, 0))),
        Err("ACTIVITY_POINTS_PER_HOUR_OUT_OF_RANGE")
    );
    assert_eq!(
        reason(when(&[], plan_for(60, MAX_POINTS_PER_HOUR + 1))),
        Err("ACTIVITY_POINTS_PER_HOUR_OUT_OF_RANGE")
    );
    let ActivityCommand::Plan {
        activity_id,
        starts_at,
        ends_at,
        ..
    } = plan()
    else {
        unreachable!("plan() builds a Plan command")
    };
    let elsewhere = ActivityCommand::Plan {
        activity_id,
        district: district(DISTRICT),
        community: "110105001001".into(),
        organiser_id: ORGANISER.into(),
        title: " ".into(),
        starts_at,
        ends_at,
        points_per_hour: 10,
    };
    assert_eq!(reason(when(&[], elsewhere)), Err("ACTIVITY_FIELD_REQUIRED"));
}

#[test]
fn an_activity_is_planned_once() {
    assert_eq!(when(&[plan()], plan()), Err(ActivityError::AlreadyPlanned));
}

#[test]
fn the_organiser_records_attendance() {
    assert_eq!(
        when(&[plan()], record("v1", 90)),
        Ok(vec![ActivityEvent::AttendanceRecorded(
            pb::ActivityAttendanceRecorded {
                activity_id: "a1".into(),
                district: DISTRICT.into(),
                organiser_id: ORGANISER.into(),
                volunteer_id: "v1".into(),
                minutes: 90,
            }
        )])
    );
}

#[test]
fn only_the_organiser_records() {
    assert_eq!(
        when(&[plan()], record_by("someone-else", "v1", 90)),
        Err(ActivityError::NotOrganiser {
            organiser_id: ORGANISER.into()
        })
    );
}

#[test]
fn the_organiser_does_not_record_their_own_hours() {
    assert_eq!(
        when(&[plan()], record(ORGANISER, 90)),
        Err(ActivityError::OrganiserCannotAttend)
    );
}

#[test]
fn zero_or_negative_minutes_are_refused() {
    assert_eq!(
        when(&[plan()], record("v1", 0)),
        Err(ActivityError::MinutesNotPositive { minutes: 0 })
    );
    assert_eq!(
        when(&[plan()], record("v1", -30)),
        Err(ActivityError::MinutesNotPositive { minutes: -30 })
    );
}

#[test]
fn minutes_beyond_the_duration_are_refused() {
    assert_eq!(reason(when(&[plan()], record("v1", 180))), Ok(1));
    assert_eq!(
        when(&[plan()], record("v1", 181)),
        Err(ActivityError::MinutesBeyondDuration {
            minutes: 181,
            duration: 180
        })
    );
}

#[test]
fn a_volunteer_is_recorded_once() {
    assert_eq!(
        reason(when(&[plan(), record("v1", 90)], record("v1", 60))),
        Err("ATTENDANCE_ALREADY_RECORDED")
    );
}

#[test]
fn the_organiser_amends_a_recorded_volunteer() {
    assert_eq!(
        when(&[plan(), record("v1", 90)], amend("v1", 60)),
        Ok(vec![ActivityEvent::AttendanceAmended(
            pb::ActivityAttendanceAmended {
                activity_id: "a1".into(),
                district: DISTRICT.into(),
                organiser_id: ORGANISER.into(),
                volunteer_id: "v1".into(),
                previous_minutes: 90,
                minutes: 60,
            }
        )])
    );
    assert_eq!(
        reason(when(&[plan()], amend("v1", 60))),
        Err("ATTENDANCE_NOT_RECORDED")
    );
    assert_eq!(
        reason(when(&[plan(), record("v1", 90)], amend("v1", 90))),
        Err("ATTENDANCE_AMENDMENT_UNCHANGED")
    );
    assert_eq!(
        reason(when(&[plan(), record("v1", 90)], amend("v1", 200))),
        Err("ATTENDANCE_MINUTES_BEYOND_DURATION")
    );
}

#[test]
fn certification_lists_minutes_and_rounded_down_points() {
    let history = [plan(), record("v1", 90), record("v2", 100), amend("v1", 45)];
    assert_eq!(
        when(&history, certify()),
        Ok(vec![ActivityEvent::Certified(pb::ActivityCertified {
            activity_id: "a1".into(),
            district: DISTRICT.into(),
            organiser_id: ORGANISER.into(),
            certified_at: "2026-05-01T13:00:00Z".into(),
            points_per_hour: 10,
            attendees: vec![
                // 45 * 10 / 60 = 7.5, rounded down.
                pb::VolunteerCertifiedHours {
                    volunteer_id: "v1".into(),
                    minutes: 45,
                    points: 7
                },
                // 100 * 10 / 60 = 16.67, rounded down.
                pb::VolunteerCertifiedHours {
                    volunteer_id: "v2".into(),
                    minutes: 100,
                    points: 16
                },
            ],
        })])
    );
}

#[test]
fn only_the_organiser_certifies() {
    assert_eq!(
        reason(when(&[plan(), record("v1", 90)], certify_by("v1"))),
        Err("ACTIVITY_NOT_ORGANISER")
    );
}

#[test]
fn certification_happens_once_and_freezes_attendance() {
    let certified = [plan(), record("v1", 90), certify()];
    assert_eq!(
        when(&certified, certify()),
        Err(ActivityError::AlreadyCertified)
    );
    assert_eq!(
        when(&certified, record("v2", 30)),
        Err(ActivityError::AlreadyCertified)
    );
    assert_eq!(
        when(&certified, amend("v1", 30)),
        Err(ActivityError::AlreadyCertified)
    );
}

#[test]
fn certification_needs_attendance_and_an_ended_activity() {
    assert_eq!(when(&[plan()], certify()), Err(ActivityError::NoAttendance));
    let early = ActivityCommand::Certify {
        district: district(DISTRICT),
        organiser_id: ORGANISER.into(),
        at: start() + Duration::minutes(179),
    };
    assert_eq!(
        when(&[plan(), record("v1", 90)], early),
        Err(ActivityError::NotEnded)
    );
}

#[test]
fn another_districts_command_or_a_missing_activity_is_refused() {
    let foreign = ActivityCommand::RecordAttendance {
        district: district("110105"),
        organiser_id: ORGANISER.into(),
        volunteer_id: "v1".into(),
        minutes: 30,
    };
    assert_eq!(
        reason(when(&[plan()], foreign)),
        Err("ACTIVITY_WRONG_DISTRICT")
    );
    assert_eq!(when(&[], record("v1", 30)), Err(ActivityError::NotFound));
}

proptest! {
    #[test]
    fn certified_points_are_minutes_times_rate_over_sixty_rounded_down(
        duration in 1..=MAX_DURATION_MINUTES,
        rate in 1..=MAX_POINTS_PER_HOUR,
        shares in proptest::collection::vec((1u32..=1000, proptest::option::of(1u32..=1000)), 1..8),
    ) {
        let mut history = vec![plan_for(duration, rate)];
        let mut expected = Vec::new();
        for (index, (share, amended)) in shares.into_iter().enumerate() {
            let volunteer = format!("v{index}");
            let minutes_of = |share: u32| ((i64::from(share) * duration + 999) / 1000).max(1);
            history.push(record(&volunteer, minutes_of(share)));
            let mut minutes = minutes_of(share);
            if let Some(amended) = amended.map(minutes_of).filter(|m| *m != minutes) {
                history.push(amend(&volunteer, amended));
                minutes = amended;
            }
            expected.push((volunteer, minutes));
        }
        let at = start() + Duration::minutes(duration);
        let certify = ActivityCommand::Certify { district: district(DISTRICT), organiser_id: ORGANISER.into(), at };
        let events = when(&history, certify).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let [ActivityEvent::Certified(certified)] = events.as_slice() else {
            return Err(TestCaseError::fail("one certification event expected"));
        };
        prop_assert_eq!(certified.attendees.len(), expected.len());
        for (attendee, (volunteer, minutes)) in certified.attendees.iter().zip(expected) {
            prop_assert_eq!(&attendee.volunteer_id, &volunteer);
            prop_assert_eq!(attendee.minutes, minutes);
            // floor: points * 60 <= minutes * rate < (points + 1) * 60.
            let exact = minutes * rate;
            prop_assert!(attendee.points * 60 <= exact);
            prop_assert!(exact < (attendee.points + 1) * 60);
        }
    }
}
