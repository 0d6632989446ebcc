//! The volunteering activity aggregate as a pure decider, in stream
//! `activity-<uuid>`: "whoever organises records, whoever records certifies".
//!
//! Rules: only the organiser named at planning records, amends and
//! certifies; the organiser does not record their own hours; a volunteer is
//! recorded once (a correction is an amendment, before certification);
//! minutes are whole, positive and at most the activity's duration;
//! certification happens once, not before the activity ends, and freezes
//! attendance. Points = floor(minutes * points_per_hour / 60): rounding down
//! never credits time not served. Every command acts only in the activity's
//! own district.

use super::ActivityEvent;
use chrono::{DateTime, SecondsFormat, Utc};
use gongzhi_kernel::{Decider, DistrictCode};
use gongzhi_proto::gongzhi::residents::v1 as pb;

/// A month-long activity at most, so minutes * rate stays far from overflow.
pub const MAX_DURATION_MINUTES: i64 = 31 * 24 * 60;
pub const MAX_POINTS_PER_HOUR: i64 = 1_000;

/// Points earned for `minutes` at `points_per_hour`, rounded down.
pub fn points_for(minutes: i64, points_per_hour: i64) -> i64 {
    let exact = i128::from(minutes) * i128::from(points_per_hour);
    // Validated inputs are far below the bound; saturating keeps the function
    // total for any caller.
    i64::try_from(exact.div_euclid(60)).unwrap_or(i64::MAX)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActivityCommand {
    Plan {
        activity_id: String,
        district: DistrictCode,
        /// 12-digit community code, already checked against the code table.
        community: String,
        organiser_id: String,
        title: String,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        points_per_hour: i64,
    },
    RecordAttendance {
        district: DistrictCode,
        organiser_id: String,
        volunteer_id: String,
        minutes: i64,
    },
    AmendAttendance {
        district: DistrictCode,
        organiser_id: String,
        volunteer_id: String,
        minutes: i64,
    },
    Certify {
        district: DistrictCode,
        organiser_id: String,
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendance {
    pub volunteer_id: String,
    pub minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityFacts {
    pub activity_id: String,
    pub district: String,
    pub community: String,
    pub organiser_id: String,
    pub title: String,
    pub ends_at: DateTime<Utc>,
    pub duration_minutes: i64,
    pub points_per_hour: i64,
    /// In order of recording.
    pub attendance: Vec<Attendance>,
    pub certified: bool,
}

impl ActivityFacts {
    fn attendance_of(&self, volunteer_id: &str) -> Option<&Attendance> {
        self.attendance
            .iter()
            .find(|a| a.volunteer_id == volunteer_id)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ActivityState {
    #[default]
    Absent,
    Planned(ActivityFacts),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActivityError {
    #[error("activity already exists")]
    AlreadyPlanned,
    #[error("activity not found")]
    NotFound,
    #[error("activity belongs to district {actual}, not {given}")]
    WrongDistrict { given: String, actual: String },
    #[error("community {community} is not in district {district}")]
    CommunityOutsideDistrict { community: String, district: String },
    #[error("{field} is required")]
    Required { field: &'static str },
    #[error("an activity must end at least a minute after it starts")]
    EndsBeforeStart,
    #[error("an activity lasts at most {max} minutes, got {minutes}")]
    TooLong { minutes: i64, max: i64 },
    #[error("points per hour must be between 1 and {max}, got {value}")]
    PointsPerHourOutOfRange { value: i64, max: i64 },
    #[error("only the organiser {organiser_id} records and certifies this activity")]
    NotOrganiser { organiser_id: String },
    #[error("the organiser does not record their own hours")]
    OrganiserCannotAttend,
    #[error("minutes must be positive, got {minutes}")]
    MinutesNotPositive { minutes: i64 },
    #[error("{minutes} minutes exceed the activity's {duration} minutes")]
    MinutesBeyondDuration { minutes: i64, duration: i64 },
    #[error("volunteer {volunteer_id} is already recorded; amend instead")]
    AlreadyRecorded { volunteer_id: String },
    #[error("volunteer {volunteer_id} is not recorded")]
    NotRecorded { volunteer_id: String },
    #[error("volunteer {volunteer_id} already has {minutes} minutes")]
    AmendmentUnchanged { volunteer_id: String, minutes: i64 },
    #[error("activity is certified and its attendance is frozen")]
    AlreadyCertified,
    #[error("no attendance to certify")]
    NoAttendance,
    #[error("an activity is certified only after it ends")]
    NotEnded,
}

impl ActivityError {
    /// Stable reason code for `google.rpc.ErrorInfo`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::AlreadyPlanned => "ACTIVITY_ALREADY_EXISTS",
            Self::NotFound => "ACTIVITY_NOT_FOUND",
            Self::WrongDistrict { .. } => "ACTIVITY_WRONG_DISTRICT",
            Self::CommunityOutsideDistrict { .. } => "COMMUNITY_OUTSIDE_DISTRICT",
            Self::Required { .. } => "ACTIVITY_FIELD_REQUIRED",
            Self::EndsBeforeStart => "ACTIVITY_ENDS_BEFORE_START",
            Self::TooLong { .. } => "ACTIVITY_TOO_LONG",
            Self::PointsPerHourOutOfRange { .. } => "ACTIVITY_POINTS_PER_HOUR_OUT_OF_RANGE",
            Self::NotOrganiser { .. } => "ACTIVITY_NOT_ORGANISER",
            Self::OrganiserCannotAttend => "ACTIVITY_ORGANISER_CANNOT_ATTEND",
            Self::MinutesNotPositive { .. } => "ATTENDANCE_MINUTES_NOT_POSITIVE",
            Self::MinutesBeyondDuration { .. } => "ATTENDANCE_MINUTES_BEYOND_DURATION",
            Self::AlreadyRecorded { .. } => "ATTENDANCE_ALREADY_RECORDED",
            Self::NotRecorded { .. } => "ATTENDANCE_NOT_RECORDED",
            Self::AmendmentUnchanged { .. } => "ATTENDANCE_AMENDMENT_UNCHANGED",
            Self::AlreadyCertified => "ACTIVITY_ALREADY_CERTIFIED",
            Self::NoAttendance => "ACTIVITY_NO_ATTENDANCE",
            Self::NotEnded => "ACTIVITY_NOT_ENDED",
        }
    }
}

pub struct Activity;

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn required(value: &str, field: &'static str) -> Result<(), ActivityError> {
    if value.trim().is_empty() {
        return Err(ActivityError::Required { field });
    }
    Ok(())
}

/// The activity a command acts on: in the caller's district, commanded by
/// its organiser, not yet certified.
fn open_to<'a>(
    state: &'a ActivityState,
    district: &DistrictCode,
    organiser_id: &str,
) -> Result<&'a ActivityFacts, ActivityError> {
    let ActivityState::Planned(facts) = state else {
        return Err(ActivityError::NotFound);
    };
    if facts.district != district.as_str() {
        return Err(ActivityError::WrongDistrict {
            given: district.to_string(),
            actual: facts.district.clone(),
        });
    }
    if facts.organiser_id != organiser_id {
        return Err(ActivityError::NotOrganiser {
            organiser_id: facts.organiser_id.clone(),
        });
    }
    if facts.certified {
        return Err(ActivityError::AlreadyCertified);
    }
    Ok(facts)
}

fn valid_minutes(facts: &ActivityFacts, minutes: i64) -> Result<i64, ActivityError> {
    if minutes <= 0 {
        return Err(ActivityError::MinutesNotPositive { minutes });
    }
    if minutes > facts.duration_minutes {
        return Err(ActivityError::MinutesBeyondDuration {
            minutes,
            duration: facts.duration_minutes,
        });
    }
    Ok(minutes)
}

#[allow(clippy::too_many_arguments)]
fn plan(
    state: &ActivityState,
    activity_id: String,
    district: DistrictCode,
    community: String,
    organiser_id: String,
    title: String,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    points_per_hour: i64,
) -> Result<ActivityEvent, ActivityError> {
    if *state != ActivityState::Absent {
        return Err(ActivityError::AlreadyPlanned);
    }
    required(&activity_id, "activity id")?;
    required(&organiser_id, "organiser id")?;
    required(&title, "title")?;
    if !community.starts_with(district.as_str()) {
        return Err(ActivityError::CommunityOutsideDistrict {
            community,
            district: district.to_string(),
        });
    }
    let duration_minutes = (ends_at - starts_at).num_minutes();
    if duration_minutes < 1 {
        return Err(ActivityError::EndsBeforeStart);
    }
    if duration_minutes > MAX_DURATION_MINUTES {
        return Err(ActivityError::TooLong {
            minutes: duration_minutes,
            max: MAX_DURATION_MINUTES,
        });
    }
    if !(1..=MAX_POINTS_PER_HOUR).contains(&points_per_hour) {
        return Err(ActivityError::PointsPerHourOutOfRange {
            value: points_per_hour,
            max: MAX_POINTS_PER_HOUR,
        });
    }
    Ok(ActivityEvent::Planned(pb::ActivityPlanned {
        activity_id,
        district: district.to_string(),
        community,
        organiser_id,
        title,
        starts_at: rfc3339(starts_at),
        ends_at: rfc3339(ends_at),
        duration_minutes,
        points_per_hour,
    }))
}

impl Decider for Activity {
    type State = ActivityState;
    type Command = ActivityCommand;
    type Event = ActivityEvent;
    type Error = ActivityError;

    fn decide(
        state: &ActivityState,
        command: ActivityCommand,
    ) -> Result<Vec<ActivityEvent>, ActivityError> {
        let event = match command {
            ActivityCommand::Plan {
                activity_id,
                district,
                community,
                organiser_id,
                title,
                starts_at,
                ends_at,
                points_per_hour,
            } => plan(
                state,
                activity_id,
                district,
                community,
                organiser_id,
                title,
                starts_at,
                ends_at,
                points_per_hour,
            )?,
            ActivityCommand::RecordAttendance {
                district,
                organiser_id,
                volunteer_id,
                minutes,
            } => {
                let facts = open_to(state, &district, &organiser_id)?;
                required(&volunteer_id, "volunteer id")?;
                if volunteer_id == facts.organiser_id {
                    return Err(ActivityError::OrganiserCannotAttend);
                }
                let minutes = valid_minutes(facts, minutes)?;
                if facts.attendance_of(&volunteer_id).is_some() {
                    return Err(ActivityError::AlreadyRecorded { volunteer_id });
                }
                ActivityEvent::AttendanceRecorded(pb::ActivityAttendanceRecorded {
                    activity_id: facts.activity_id.clone(),
                    district: district.to_string(),
                    organiser_id,
                    volunteer_id,
                    minutes,
                })
            }
            ActivityCommand::AmendAttendance {
                district,
                organiser_id,
                volunteer_id,
                minutes,
            } => {
                let facts = open_to(state, &district, &organiser_id)?;
                let minutes = valid_minutes(facts, minutes)?;
                let Some(recorded) = facts.attendance_of(&volunteer_id) else {
                    return Err(ActivityError::NotRecorded { volunteer_id });
                };
                if recorded.minutes == minutes {
                    return Err(ActivityError::AmendmentUnchanged {
                        volunteer_id,
                        minutes,
                    });
                }
                ActivityEvent::AttendanceAmended(pb::ActivityAttendanceAmended {
                    activity_id: facts.activity_id.clone(),
                    district: district.to_string(),
                    organiser_id,
                    previous_minutes: recorded.minutes,
                    volunteer_id,
                    minutes,
                })
            }
            ActivityCommand::Certify {
                district,
                organiser_id,
                at,
            } => {
                let facts = open_to(state, &district, &organiser_id)?;
                if at < facts.ends_at {
                    return Err(ActivityError::NotEnded);
                }
                if facts.attendance.is_empty() {
                    return Err(ActivityError::NoAttendance);
                }
                let attendees = facts
                    .attendance
                    .iter()
                    .map(|a| pb::VolunteerCertifiedHours {
                        volunteer_id: a.volunteer_id.clone(),
                        minutes: a.minutes,
                        points: points_for(a.minutes, facts.points_per_hour),
                    })
                    .collect();
                ActivityEvent::Certified(pb::ActivityCertified {
                    activity_id: facts.activity_id.clone(),
                    district: district.to_string(),
                    organiser_id,
                    certified_at: rfc3339(at),
                    points_per_hour: facts.points_per_hour,
                    attendees,
                })
            }
        };
        Ok(vec![event])
    }

    fn evolve(state: ActivityState, event: &ActivityEvent) -> ActivityState {
        match (state, event) {
            (ActivityState::Absent, ActivityEvent::Planned(e)) => {
                // This decider wrote the time, so it parses; were it ever
                // unreadable, certification is allowed rather than blocked
                // forever, since the organiser still has to certify.
                let ends_at = DateTime::parse_from_rfc3339(&e.ends_at)
                    .map(|at| at.with_timezone(&Utc))
                    .unwrap_or(DateTime::<Utc>::MIN_UTC);
                ActivityState::Planned(ActivityFacts {
                    activity_id: e.activity_id.clone(),
                    district: e.district.clone(),
                    community: e.community.clone(),
                    organiser_id: e.organiser_id.clone(),
                    title: e.title.clone(),
                    ends_at,
                    duration_minutes: e.duration_minutes,
                    points_per_hour: e.points_per_hour,
                    attendance: Vec::new(),
                    certified: false,
                })
            }
            (ActivityState::Planned(mut facts), ActivityEvent::AttendanceRecorded(e)) => {
                facts.attendance.push(Attendance {
                    volunteer_id: e.volunteer_id.clone(),
                    minutes: e.minutes,
                });
                ActivityState::Planned(facts)
            }
            (ActivityState::Planned(mut facts), ActivityEvent::AttendanceAmended(e)) => {
                if let Some(recorded) = facts
                    .attendance
                    .iter_mut()
                    .find(|a| a.volunteer_id == e.volunteer_id)
                {
                    recorded.minutes = e.minutes;
                }
                ActivityState::Planned(facts)
            }
            (ActivityState::Planned(mut facts), ActivityEvent::Certified(_)) => {
                facts.certified = true;
                ActivityState::Planned(facts)
            }
            (state, _) => state,
        }
    }
}

#[cfg(test)]
#[path = "activity_tests.rs"]
mod tests;
