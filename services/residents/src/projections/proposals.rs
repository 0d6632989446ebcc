//! `proposals`: every proposal and complaint with its owner, deadline,
//! support count, answer, status and overdue flag, and for a complaint
//! about a street problem the grid case the grids service opened for it.
//!
//! Contract: built from the residents context's `proposal` streams and the
//! grids context's `case` streams (a `CaseReported` whose origin names a
//! proposal), so it can be rebuilt from the store. Each apply is a plain
//! write per event (the runtime's checkpoint applies an event at most once);
//! the support count is the event's count of distinct supporters. After each
//! applied event it wakes the [`Notify`] given by [`ProposalsProjection::wake`]
//! so the overdue watcher re-reads the deadlines; the wake may come before the
//! transaction commits, which is why the watcher also re-reads on a timer.

use crate::domain::participation::proposals::ProposalEvent;
use gongzhi_eventstore::RecordedEvent;
use gongzhi_kernel::EventCodec;
use gongzhi_projections::{Backend, Projection, ProjectionError, Source};
use gongzhi_proto::gongzhi::grids::v1 as grids;
use gongzhi_proto::gongzhi::residents::v1::{self as pb, ProposalStatus};
use prost::Message;
use sqlx::AnyConnection;
use sqlx::migrate::Migrator;
use std::sync::Arc;
use tokio::sync::Notify;

pub const PROPOSALS_PROJECTION: &str = "proposals";

const CASE_REPORTED: &str = "gongzhi.grids.v1.CaseReported";

/// `CaseReported.origin` of a case opened from a proposal (grids' contract).
pub const PROPOSAL_ORIGIN_PREFIX: &str = "residents/proposal/";

#[derive(Default)]
pub struct ProposalsProjection {
    wake: Arc<Notify>,
}

impl ProposalsProjection {
    pub fn new() -> Self {
        Self::default()
    }

    /// Notified after every applied event.
    pub fn wake(&self) -> Arc<Notify> {
        self.wake.clone()
    }
}

fn status(status: ProposalStatus) -> i64 {
    i64::from(status as i32)
}

fn owner(owner: Option<&pb::ProposalOwner>) -> (i64, String) {
    owner.map_or((0, String::new()), |o| (i64::from(o.kind), o.id.clone()))
}

async fn raised(
    connection: &mut AnyConnection,
    e: pb::ProposalRaised,
) -> Result<(), ProjectionError> {
    let problem = e.street_problem.unwrap_or_default();
    let location = problem.location.unwrap_or_default();
    sqlx::query(
        "INSERT INTO proposals (proposal_id, district, community, kind, title, body, raised_by, raised_at, \
         street_problem, street_grid, street_category, street_address, latitude, longitude, status) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT (proposal_id) DO NOTHING",
    )
    .bind(e.proposal_id)
    .bind(e.district)
    .bind(e.community)
    .bind(i64::from(e.kind))
    .bind(e.title)
    .bind(e.body)
    .bind(e.raised_by)
    .bind(e.raised_at)
    .bind(i64::from(e.becomes_grid_case))
    .bind(problem.grid)
    .bind(problem.category)
    .bind(location.address)
    .bind(location.latitude)
    .bind(location.longitude)
    .bind(status(ProposalStatus::Open))
    .execute(&mut *connection)
    .await?;
    Ok(())
}

async fn apply_proposal_event(
    connection: &mut AnyConnection,
    event: ProposalEvent,
) -> Result<(), ProjectionError> {
    match event {
        ProposalEvent::Raised(e) => raised(connection, e).await?,
        ProposalEvent::Assigned(e) => {
            let (kind, id) = owner(e.owner.as_ref());
            sqlx::query(
                "UPDATE proposals SET status = $1, owner_kind = $2, owner_id = $3, deadline = $4, assigned_at = $5 \
                 WHERE proposal_id = $6",
            )
            .bind(status(ProposalStatus::Assigned))
            .bind(kind)
            .bind(id)
            .bind(e.deadline)
            .bind(e.assigned_at)
            .bind(e.proposal_id)
            .execute(&mut *connection)
            .await?;
        }
        ProposalEvent::Supported(e) => {
            sqlx::query("UPDATE proposals SET support_count = $1 WHERE proposal_id = $2")
                .bind(i64::from(e.support_count))
                .bind(e.proposal_id)
                .execute(&mut *connection)
                .await?;
        }
        ProposalEvent::Answered(e) => {
            let (kind, id) = owner(e.answered_by.as_ref());
            sqlx::query(
                "UPDATE proposals SET status = $1, answer = $2, answered_by_kind = $3, answered_by_id = $4, \
                 answered_by_admin = $5, answered_at = $6 WHERE proposal_id = $7",
            )
            .bind(status(ProposalStatus::Answered))
            .bind(e.answer)
            .bind(kind)
            .bind(id)
            .bind(i64::from(e.by_admin))
            .bind(e.answered_at)
            .bind(e.proposal_id)
            .execute(&mut *connection)
            .await?;
        }
        ProposalEvent::Closed(e) => {
            sqlx::query("UPDATE proposals SET status = $1, closed_at = $2 WHERE proposal_id = $3")
                .bind(status(ProposalStatus::Closed))
                .bind(e.closed_at)
                .bind(e.proposal_id)
                .execute(&mut *connection)
                .await?;
        }
        ProposalEvent::FlaggedOverdue(e) => {
            sqlx::query("UPDATE proposals SET overdue = 1 WHERE proposal_id = $1")
                .bind(e.proposal_id)
                .execute(&mut *connection)
                .await?;
        }
    }
    Ok(())
}

/// A grid case opened for a proposal: links the two; any other case event
/// is not this read model's business.
async fn apply_case_event(
    connection: &mut AnyConnection,
    event: &RecordedEvent,
) -> Result<(), ProjectionError> {
    if event.event_type != CASE_REPORTED {
        return Ok(());
    }
    let reported = grids::CaseReported::decode(event.payload.as_slice())
        .map_err(|e| ProjectionError::apply(PROPOSALS_PROJECTION, event.event_id, e))?;
    let Some(proposal_id) = reported.origin.strip_prefix(PROPOSAL_ORIGIN_PREFIX) else {
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO proposal_grid_cases (proposal_id, case_id) VALUES ($1, $2) \
         ON CONFLICT (proposal_id) DO NOTHING",
    )
    .bind(proposal_id.to_owned())
    .bind(reported.case_id)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

#[async_trait::async_trait]
impl Projection for ProposalsProjection {
    fn name(&self) -> &'static str {
        PROPOSALS_PROJECTION
    }

    fn sources(&self) -> Vec<Source> {
        vec![
            Source::new("residents", &["proposal"]),
            Source::new("grids", &["case"]),
        ]
    }

    fn migrator(&self, backend: Backend) -> Migrator {
        match backend {
            Backend::Postgres => sqlx::migrate!("./migrations/proposals/postgres"),
            Backend::Sqlite => sqlx::migrate!("./migrations/proposals/sqlite"),
        }
    }

    async fn apply(
        &self,
        connection: &mut AnyConnection,
        _backend: Backend,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        if event.context() == "grids" {
            apply_case_event(connection, event).await?;
        } else {
            let decoded = ProposalEvent::decode(&event.event_type, &event.payload)
                .map_err(|e| ProjectionError::apply(self.name(), event.event_id, e))?;
            apply_proposal_event(connection, decoded).await?;
        }
        self.wake.notify_one();
        Ok(())
    }
}
