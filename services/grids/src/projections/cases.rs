//! `cases`: one row per case with its status, place, unit, deadlines and
//! overdue flags per stage, counts, rating, and the units summoned to it.
//!
//! Contract: built only from case events, so it can be rebuilt from the
//! store; every apply is idempotent per event (the runtime's checkpoint
//! guarantees at most once). After each applied event it wakes the
//! [`Notify`] given by [`CasesProjection::wake`], so the overdue watcher
//! re-reads the deadlines; the wake may come before the transaction
//! commits, which is why the watcher also re-reads on a timer.

mod read;

pub use read::{
    CaseRow, CaseRowFilter, DueDeadline, DueSummons, SummonedUnitRow, due_deadlines, due_summons,
    get_case, list_cases,
};

use crate::domain::case::{CASE_STREAM_CATEGORY, CaseEvent};
use gongzhi_eventstore::RecordedEvent;
use gongzhi_kernel::EventCodec;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use gongzhi_proto::gongzhi::grids::v1::{self as pb, CaseStage, CaseStatus};
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;
use std::sync::Arc;
use tokio::sync::Notify;

pub const CASES_PROJECTION: &str = "cases";

#[derive(Default)]
pub struct CasesProjection {
    wake: Arc<Notify>,
}

impl CasesProjection {
    pub fn new() -> Self {
        Self::default()
    }

    /// Notified after every applied case event.
    pub fn wake(&self) -> Arc<Notify> {
        self.wake.clone()
    }
}

fn status(status: CaseStatus) -> i64 {
    i64::from(status as i32)
}

fn deadline_column(stage: i32) -> Option<&'static str> {
    match CaseStage::try_from(stage).ok()? {
        CaseStage::Register => Some("register_overdue"),
        CaseStage::Dispatch => Some("dispatch_overdue"),
        CaseStage::Handle => Some("handle_overdue"),
        CaseStage::Verify => Some("verify_overdue"),
        CaseStage::Close => Some("close_overdue"),
        CaseStage::Unspecified => None,
    }
}

async fn set_status(
    connection: &mut AnyConnection,
    case_id: &str,
    to: CaseStatus,
) -> Result<(), ProjectionError> {
    sqlx::query("UPDATE cases SET status = $1 WHERE case_id = $2")
        .bind(status(to))
        .bind(case_id.to_owned())
        .execute(&mut *connection)
        .await?;
    Ok(())
}

async fn reported(
    connection: &mut AnyConnection,
    e: &pb::CaseReported,
) -> Result<(), ProjectionError> {
    let (latitude, longitude) = e
        .location
        .as_ref()
        .map_or((0.0, 0.0), |l| (l.latitude, l.longitude));
    let community = e.grid.get(..12).unwrap_or_default().to_owned();
    sqlx::query(
        "INSERT INTO cases (case_id, district, grid, community, category, source, urgency, status, description, \
         latitude, longitude, reported_by, reported_at, register_deadline, origin) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (case_id) DO NOTHING",
    )
    .bind(e.case_id.clone())
    .bind(e.district.clone())
    .bind(e.grid.clone())
    .bind(community)
    .bind(e.category.clone())
    .bind(i64::from(e.source))
    .bind(i64::from(e.urgency))
    .bind(status(CaseStatus::Reported))
    .bind(e.description.clone())
    .bind(latitude)
    .bind(longitude)
    .bind(e.reported_by.clone())
    .bind(e.reported_at.clone())
    .bind(e.register_deadline.clone())
    .bind(e.origin.clone())
    .execute(&mut *connection)
    .await?;
    Ok(())
}

async fn apply_case_event(
    connection: &mut AnyConnection,
    event: CaseEvent,
) -> Result<(), ProjectionError> {
    match event {
        CaseEvent::Reported(e) => reported(connection, &e).await?,
        CaseEvent::Registered(e) => {
            sqlx::query(
                "UPDATE cases SET status = $1, dispatch_deadline = $2, handle_deadline = $3, close_deadline = $4 \
                 WHERE case_id = $5",
            )
            .bind(status(CaseStatus::Registered))
            .bind(e.dispatch_deadline)
            .bind(e.handle_deadline)
            .bind(e.close_deadline)
            .bind(e.case_id)
            .execute(&mut *connection)
            .await?;
        }
        CaseEvent::Rejected(e) => set_status(connection, &e.case_id, CaseStatus::Rejected).await?,
        CaseEvent::Merged(e) => {
            sqlx::query("UPDATE cases SET status = $1, merged_into = $2 WHERE case_id = $3")
                .bind(status(CaseStatus::Merged))
                .bind(e.into_case_id)
                .bind(e.case_id)
                .execute(&mut *connection)
                .await?;
        }
        CaseEvent::DuplicateMerged(_) => {}
        CaseEvent::Dispatched(e) => {
            sqlx::query("UPDATE cases SET status = $1, unit_id = $2 WHERE case_id = $3")
                .bind(status(CaseStatus::Dispatched))
                .bind(e.unit_id)
                .bind(e.case_id)
                .execute(&mut *connection)
                .await?;
        }
        CaseEvent::Returned(e) => {
            sqlx::query(
                "UPDATE cases SET status = $1, unit_id = '', return_count = $2 WHERE case_id = $3",
            )
            .bind(status(CaseStatus::Registered))
            .bind(i64::from(e.return_count))
            .bind(e.case_id)
            .execute(&mut *connection)
            .await?;
        }
        CaseEvent::FeedbackGiven(e) => {
            sqlx::query(
                "UPDATE cases SET status = $1, feedback_count = $2, verify_deadline = $3 \
                 WHERE case_id = $4",
            )
            .bind(status(CaseStatus::FeedbackGiven))
            .bind(i64::from(e.feedback_number))
            .bind(e.verify_deadline)
            .bind(e.case_id)
            .execute(&mut *connection)
            .await?;
        }
        CaseEvent::Verified(e) => set_status(connection, &e.case_id, CaseStatus::Verified).await?,
        CaseEvent::SentToRework(e) => {
            sqlx::query("UPDATE cases SET status = $1, rework_count = $2 WHERE case_id = $3")
                .bind(status(CaseStatus::Rework))
                .bind(i64::from(e.rework_count))
                .bind(e.case_id)
                .execute(&mut *connection)
                .await?;
        }
        CaseEvent::Closed(e) => {
            sqlx::query(
                "UPDATE cases SET status = $1, closed_at = $2, closed_on_time = $3 WHERE case_id = $4",
            )
            .bind(status(CaseStatus::Closed))
            .bind(e.closed_at)
            .bind(i64::from(e.on_time))
            .bind(e.case_id)
            .execute(&mut *connection)
            .await?;
        }
        CaseEvent::Evaluated(e) => {
            sqlx::query("UPDATE cases SET status = $1, rating = $2 WHERE case_id = $3")
                .bind(status(CaseStatus::Evaluated))
                .bind(i64::from(e.rating))
                .bind(e.case_id)
                .execute(&mut *connection)
                .await?;
        }
        CaseEvent::Deferred(e) => {
            sqlx::query("UPDATE cases SET status = $1, unit_id = '' WHERE case_id = $2")
                .bind(status(CaseStatus::Deferred))
                .bind(e.case_id)
                .execute(&mut *connection)
                .await?;
        }
        CaseEvent::Resumed(e) => resumed(connection, e).await?,
        CaseEvent::OverdueFlagged(e) => {
            if let Some(column) = deadline_column(e.stage) {
                let sql = format!("UPDATE cases SET {column} = 1 WHERE case_id = $1");
                sqlx::query(&sql)
                    .bind(e.case_id)
                    .execute(&mut *connection)
                    .await?;
            }
        }
        CaseEvent::UnitsSummoned(e) => {
            for unit_id in e.unit_ids {
                sqlx::query(
                    "INSERT INTO case_summoned_units (case_id, unit_id, summon_id, summoned_by, summoned_at, respond_by) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (case_id, unit_id) DO NOTHING",
                )
                .bind(e.case_id.clone())
                .bind(unit_id)
                .bind(e.summon_id.clone())
                .bind(e.summoned_by.clone())
                .bind(e.summoned_at.clone())
                .bind(e.respond_by.clone())
                .execute(&mut *connection)
                .await?;
            }
        }
        CaseEvent::SummonsAcknowledged(e) => {
            sqlx::query(
                "UPDATE case_summoned_units SET acknowledged_at = $1, acknowledged_late = $2 \
                 WHERE case_id = $3 AND unit_id = $4",
            )
            .bind(e.acknowledged_at)
            .bind(i64::from(e.late))
            .bind(e.case_id)
            .bind(e.unit_id)
            .execute(&mut *connection)
            .await?;
        }
        CaseEvent::UnitArrived(e) => {
            sqlx::query(
                "UPDATE case_summoned_units SET arrived_at = $1, arrived_late = $2 \
                 WHERE case_id = $3 AND unit_id = $4",
            )
            .bind(e.arrived_at)
            .bind(i64::from(e.late))
            .bind(e.case_id)
            .bind(e.unit_id)
            .execute(&mut *connection)
            .await?;
        }
        CaseEvent::SummonsLateFlagged(e) => {
            sqlx::query(
                "UPDATE case_summoned_units SET flagged_late = 1 WHERE case_id = $1 AND unit_id = $2",
            )
            .bind(e.case_id)
            .bind(e.unit_id)
            .execute(&mut *connection)
            .await?;
        }
    }
    Ok(())
}

async fn resumed(
    connection: &mut AnyConnection,
    e: pb::CaseResumed,
) -> Result<(), ProjectionError> {
    if e.retimed {
        sqlx::query(
            "UPDATE cases SET status = $1, dispatch_deadline = $2, handle_deadline = $3, close_deadline = $4, \
             dispatch_overdue = 0, handle_overdue = 0, close_overdue = 0 WHERE case_id = $5",
        )
        .bind(status(CaseStatus::Registered))
        .bind(e.dispatch_deadline)
        .bind(e.handle_deadline)
        .bind(e.close_deadline)
        .bind(e.case_id)
        .execute(&mut *connection)
        .await?;
    } else {
        set_status(connection, &e.case_id, CaseStatus::Registered).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl Projection for CasesProjection {
    fn name(&self) -> &'static str {
        CASES_PROJECTION
    }

    fn sources(&self) -> Vec<Source> {
        vec![Source::new("grids", &[CASE_STREAM_CATEGORY])]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/cases/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/cases/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let decoded = CaseEvent::decode(&event.event_type, &event.payload)
            .map_err(|e| ProjectionError::apply(self.name(), event.event_id, e))?;
        apply_case_event(connection, decoded).await?;
        self.wake.notify_one();
        Ok(())
    }
}
