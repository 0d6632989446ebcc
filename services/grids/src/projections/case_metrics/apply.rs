//! Folds one case event into its `case_metrics` row (see the parent docs).

use crate::domain::case::{CaseEvent, CaseSource, CaseStage};
use chrono::{DateTime, TimeDelta, Utc};
use gongzhi_eventstore::RecordedEvent;
use gongzhi_kernel::{DecodeError, EventCodec};
use gongzhi_projections::ProjectionError;
use gongzhi_proto::gongzhi::grids::v1 as pb;
use sqlx::AnyConnection;

/// China Standard Time, the local time periods are counted in (no DST).
const LOCAL_OFFSET_SECONDS: i64 = 8 * 3600;

enum Value {
    Text(String),
    Int(i64),
}

fn parse_time(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .ok()
        .map(|time| time.with_timezone(&Utc))
}

/// The local calendar date of `time`, "YYYY-MM-DD" (sorts as text).
fn local_date(time: DateTime<Utc>) -> String {
    (time.naive_utc() + TimeDelta::seconds(LOCAL_OFFSET_SECONDS))
        .format("%Y-%m-%d")
        .to_string()
}

/// Event time in milliseconds: the time the event names, else when recorded.
fn millis(raw: &str, event: &RecordedEvent) -> i64 {
    parse_time(raw)
        .unwrap_or(event.recorded_at)
        .timestamp_millis()
}

fn prefix(code: &str, len: usize) -> String {
    code.get(..len).unwrap_or(code).to_owned()
}

async fn update(
    connection: &mut AnyConnection,
    case_id: &str,
    sets: &str,
    values: Vec<Value>,
) -> Result<(), ProjectionError> {
    let sql = format!(
        "UPDATE case_metrics SET {sets} WHERE case_id = ${}",
        values.len() + 1
    );
    let mut query = sqlx::query(&sql);
    for value in values {
        query = match value {
            Value::Text(text) => query.bind(text),
            Value::Int(int) => query.bind(int),
        };
    }
    query.bind(case_id.to_owned()).execute(connection).await?;
    Ok(())
}

/// Status, notes and update time: every event moves these.
fn status(name: &str, notes: &str, at_ms: i64) -> (String, Vec<Value>) {
    (
        "status = $1, status_notes = $2, updated_ms = $3".to_owned(),
        vec![
            Value::Text(name.to_owned()),
            Value::Text(notes.to_owned()),
            Value::Int(at_ms),
        ],
    )
}

/// Re-dates the case by its close deadline, else by `start` (registration).
fn period(close_deadline: &str, start: &str, values: &mut Vec<Value>) -> String {
    let n = values.len();
    let (date, due) = match (parse_time(close_deadline), parse_time(start)) {
        (Some(deadline), _) => (Some(local_date(deadline)), 1),
        (None, Some(start)) => (Some(local_date(start)), 0),
        (None, None) => (None, 0),
    };
    let Some(date) = date else {
        return String::new();
    };
    values.push(Value::Text(date));
    values.push(Value::Int(due));
    format!(", period_date = ${}, due = ${}", n + 1, n + 2)
}

pub(super) async fn apply(
    projection: &str,
    connection: &mut AnyConnection,
    event: &RecordedEvent,
) -> Result<(), ProjectionError> {
    let decoded = match CaseEvent::decode(&event.event_type, &event.payload) {
        Ok(decoded) => decoded,
        // A case event type newer than this build: nothing it could count.
        Err(DecodeError::UnknownType(_)) => return Ok(()),
        Err(malformed) => {
            return Err(ProjectionError::apply(
                projection,
                event.event_id,
                malformed,
            ));
        }
    };
    let (case_id, sets, values) = match decoded {
        CaseEvent::Reported(e) => return insert(connection, event, e).await,
        CaseEvent::Registered(e) => {
            let (mut sets, mut values) = status("registered", "", millis(&e.registered_at, event));
            sets.push_str(&period(&e.close_deadline, &e.registered_at, &mut values));
            sets.push_str(", registered = 1");
            (e.case_id, sets, values)
        }
        CaseEvent::Rejected(e) => {
            let (sets, values) = status("rejected", &e.reason, millis(&e.rejected_at, event));
            (e.case_id, sets, values)
        }
        CaseEvent::Merged(e) => {
            let notes = format!("merged into case {}", e.into_case_id);
            let (sets, values) = status("merged", &notes, millis(&e.merged_at, event));
            (e.case_id, sets, values)
        }
        // The surviving case's own row does not change with a duplicate.
        CaseEvent::DuplicateMerged(_) => return Ok(()),
        CaseEvent::Dispatched(e) => {
            let (mut sets, mut values) = status("dispatched", "", millis(&e.dispatched_at, event));
            values.push(Value::Text(e.unit_id));
            sets.push_str(&format!(", unit = ${}, dispatched = 1", values.len()));
            (e.case_id, sets, values)
        }
        CaseEvent::Returned(e) => {
            let (mut sets, values) = status("registered", &e.reason, millis(&e.returned_at, event));
            sets.push_str(", unit = '', dispatched = 0");
            (e.case_id, sets, values)
        }
        CaseEvent::FeedbackGiven(e) => {
            let (sets, values) = status("feedback_given", &e.result, millis(&e.feedback_at, event));
            (e.case_id, sets, values)
        }
        CaseEvent::Verified(e) => {
            let (sets, values) = status("verified", &e.note, millis(&e.verified_at, event));
            (e.case_id, sets, values)
        }
        CaseEvent::SentToRework(e) => {
            let (mut sets, mut values) = status("rework", &e.note, millis(&e.verified_at, event));
            values.push(Value::Int(i64::from(e.rework_count)));
            sets.push_str(&format!(", reworks = ${}", values.len()));
            (e.case_id, sets, values)
        }
        CaseEvent::Closed(e) => {
            let (mut sets, mut values) = status("closed", "", millis(&e.closed_at, event));
            values.push(Value::Int(i64::from(e.on_time)));
            values.push(Value::Int(i64::from(e.rework_count)));
            sets.push_str(&format!(
                ", closed = 1, closed_on_time = ${}, reworks = ${}",
                values.len() - 1,
                values.len()
            ));
            // The close event restates the deadline it was judged against.
            sets.push_str(&period(&e.close_deadline, "", &mut values));
            (e.case_id, sets, values)
        }
        CaseEvent::Evaluated(e) => {
            let (mut sets, mut values) =
                status("evaluated", &e.comment, millis(&e.evaluated_at, event));
            values.push(Value::Int(i64::from(e.rating)));
            sets.push_str(&format!(", rating = ${}", values.len()));
            (e.case_id, sets, values)
        }
        CaseEvent::Deferred(e) => {
            let (mut sets, values) = status("deferred", &e.reason, millis(&e.deferred_at, event));
            sets.push_str(", deferred = 1, unit = ''");
            (e.case_id, sets, values)
        }
        CaseEvent::Resumed(e) => {
            let (mut sets, mut values) = status("registered", "", millis(&e.resumed_at, event));
            sets.push_str(", deferred = 0");
            if e.retimed {
                sets.push_str(&period(&e.close_deadline, &e.resumed_at, &mut values));
                // Re-timing clears the dispatch, handle and close flags.
                sets.push_str(", overdue = 0, response_overdue = 0");
            }
            (e.case_id, sets, values)
        }
        CaseEvent::OverdueFlagged(e) => {
            let stage = CaseStage::try_from(e.stage).unwrap_or(CaseStage::Unspecified);
            let response = matches!(stage, CaseStage::Register | CaseStage::Dispatch);
            let sets = if response {
                "overdue = 1, response_overdue = 1"
            } else {
                "overdue = 1"
            };
            (e.case_id, sets.to_owned(), Vec::new())
        }
        // Summons are not part of the case metrics.
        CaseEvent::UnitsSummoned(_)
        | CaseEvent::SummonsAcknowledged(_)
        | CaseEvent::UnitArrived(_)
        | CaseEvent::SummonsLateFlagged(_) => return Ok(()),
    };
    update(connection, &case_id, &sets, values).await
}

async fn insert(
    connection: &mut AnyConnection,
    event: &RecordedEvent,
    e: pb::CaseReported,
) -> Result<(), ProjectionError> {
    let reported = parse_time(&e.reported_at).unwrap_or(event.recorded_at);
    let worker = if e.source == CaseSource::Patrol as i32 {
        e.reported_by.clone()
    } else {
        String::new()
    };
    let (latitude, longitude) = e.location.map_or((0.0, 0.0), |location| {
        (location.latitude, location.longitude)
    });
    sqlx::query(
        "INSERT INTO case_metrics (case_id, district, street, community, grid, category, source, worker, \
         description, latitude, longitude, status, reported_ms, updated_ms, period_date) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'reported', $12, $12, $13) \
         ON CONFLICT (case_id) DO NOTHING",
    )
    .bind(e.case_id)
    .bind(e.district)
    .bind(prefix(&e.grid, 9))
    .bind(prefix(&e.grid, 12))
    .bind(e.grid)
    .bind(e.category)
    .bind(i64::from(e.source))
    .bind(worker)
    .bind(e.description)
    .bind(latitude)
    .bind(longitude)
    .bind(reported.timestamp_millis())
    .bind(local_date(reported))
    .execute(connection)
    .await?;
    Ok(())
}
