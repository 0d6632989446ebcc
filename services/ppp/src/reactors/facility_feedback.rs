//! `ppp_feedback`: what residents and grid workers say about facilities,
//! kept for the KPIs of the period they fall in.
//!
//! Contract:
//! - Fed like a projection from the residents context's `rating` streams and
//!   the grids context's `case` streams; every other event is ignored.
//! - A `RatingGiven` of subject kind FACILITY counts for the facility with
//!   that id (a PPP facility's id is its project id) in the calendar year of
//!   `rated_at`, in the rating's district.
//! - A `CaseReported` counts for its unit grid in the year reported; a
//!   rejected case, or a duplicate merged into another, stops counting.
//! - A `MotionClosed` of a residents' meeting keeps its outcome, for a
//!   consultation that cites the meeting and motion.
//! - Facts are kept by facility id and grid, not by project, so the order in
//!   which the three contexts' events arrive does not matter: settling a
//!   period joins them with the project's facility id and site then.

use gongzhi_eventstore::RecordedEvent;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use gongzhi_proto::gongzhi::grids::v1 as grids;
use gongzhi_proto::gongzhi::residents::v1 as residents;
use prost::Message;
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;

pub const FEEDBACK: &str = "ppp_feedback";

const RATING_GIVEN: &str = "gongzhi.residents.v1.RatingGiven";
const CASE_REPORTED: &str = "gongzhi.grids.v1.CaseReported";
const CASE_REJECTED: &str = "gongzhi.grids.v1.CaseRejected";
const CASE_MERGED: &str = "gongzhi.grids.v1.CaseMerged";
const MOTION_CLOSED: &str = "gongzhi.residents.v1.MotionClosed";

pub struct FacilityFeedbackReactor;

fn decode<M: Message + Default>(event: &RecordedEvent) -> Result<M, ProjectionError> {
    M::decode(event.payload.as_slice())
        .map_err(|e| ProjectionError::apply(FEEDBACK, event.event_id, e))
}

/// The calendar year of an RFC 3339 time (its first four digits).
fn year(event: &RecordedEvent, time: &str) -> Result<i64, ProjectionError> {
    chrono::DateTime::parse_from_rfc3339(time)
        .map(|t| i64::from(chrono::Datelike::year(&t.with_timezone(&chrono::Utc))))
        .map_err(|e| ProjectionError::apply(FEEDBACK, event.event_id, e))
}

async fn stop_counting(
    connection: &mut AnyConnection,
    case_id: String,
) -> Result<(), ProjectionError> {
    sqlx::query("UPDATE site_cases SET counted = 0 WHERE case_id = $1")
        .bind(case_id)
        .execute(&mut *connection)
        .await?;
    Ok(())
}

#[async_trait::async_trait]
impl Projection for FacilityFeedbackReactor {
    fn name(&self) -> &'static str {
        FEEDBACK
    }

    fn sources(&self) -> Vec<Source> {
        vec![
            Source::new("residents", &["rating", "meeting"]),
            Source::new("grids", &["case"]),
        ]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/feedback/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/feedback/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        match event.event_type.as_str() {
            RATING_GIVEN => {
                let e: residents::RatingGiven = decode(event)?;
                if e.subject_kind != residents::RatingSubjectKind::Facility as i32 {
                    return Ok(());
                }
                sqlx::query(
                    "INSERT INTO facility_ratings (rating_id, district, facility_id, year, stars) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (rating_id) DO NOTHING",
                )
                .bind(e.rating_id)
                .bind(e.district)
                .bind(e.subject_id)
                .bind(year(event, &e.rated_at)?)
                .bind(i64::from(e.stars))
                .execute(&mut *connection)
                .await?;
            }
            CASE_REPORTED => {
                let e: grids::CaseReported = decode(event)?;
                sqlx::query(
                    "INSERT INTO site_cases (case_id, district, grid, year, counted) VALUES ($1, $2, $3, $4, 1) \
                     ON CONFLICT (case_id) DO NOTHING",
                )
                .bind(e.case_id)
                .bind(e.district)
                .bind(e.grid)
                .bind(year(event, &e.reported_at)?)
                .execute(&mut *connection)
                .await?;
            }
            CASE_REJECTED => {
                let e: grids::CaseRejected = decode(event)?;
                stop_counting(connection, e.case_id).await?;
            }
            CASE_MERGED => {
                let e: grids::CaseMerged = decode(event)?;
                stop_counting(connection, e.case_id).await?;
            }
            MOTION_CLOSED => {
                let e: residents::MotionClosed = decode(event)?;
                sqlx::query(
                    "INSERT INTO motion_outcomes (meeting_id, motion_id, district, votes_for, votes_against, passed) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (meeting_id, motion_id) DO NOTHING",
                )
                .bind(e.meeting_id)
                .bind(e.motion_id)
                .bind(e.district)
                .bind(i64::from(e.votes_for))
                .bind(i64::from(e.votes_against))
                .bind(i64::from(e.passed))
                .execute(&mut *connection)
                .await?;
            }
            _ => {}
        }
        Ok(())
    }
}
