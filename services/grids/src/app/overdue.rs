//! The system's own deadline watcher: flags overdue stages and late summons
//! as events, also for deadlines that passed while the service was down.
//!
//! Contract:
//! - Reads every unflagged deadline of a case in that stage, and every
//!   summoned unit that has not arrived, from the `cases` read model; each
//!   that has passed by the app's clock gets `FlagOverdue` or
//!   `FlagLateSummons` through the normal command path, actor `system`.
//! - Request ids are derived from the case, the stage and the deadline (or
//!   the unit), so flagging twice, from two replicas or after a crash, is an
//!   idempotent replay; a stage re-timed by a resume gets a new deadline and
//!   so a new id.
//! - [`OverdueWatcher::run`] reads at start, whenever the projection wakes
//!   it, at the earliest deadline still ahead, and at least every
//!   `rescan_every` (the projection's wake can precede its commit). A
//!   refused flag (the read model lagging the stream) is logged and retried
//!   on the next pass; a failing pass is logged and retried after
//!   `rescan_every`. On cancel it stops between passes; a flag in flight is
//!   either written whole or not at all.
//! - Every pass first waits (up to the app's `max_wait`) until the read
//!   model holds every event stored when the pass began.
//! - [`OverdueWatcher::tick`] runs one pass now, for tests with a fake clock.

use super::cases::{CaseAppError, CaseChange, CasesApp, SYSTEM_ACTOR};
use crate::domain::case::CaseStage;
use crate::projections::{due_deadlines, due_summons};
use chrono::{DateTime, Utc};
use gongzhi_kernel::DistrictCode;
use gongzhi_projections::ProjectionError;
use gongzhi_server::{ApiError, Caller, CommandContext};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

pub const DEFAULT_RESCAN_EVERY: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum OverdueError {
    #[error("cannot read open deadlines: {0}")]
    ReadModel(#[from] ProjectionError),
}

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Flags written by this pass (replays not counted).
    pub flagged: usize,
    /// Due flags that were refused or failed; retried on the next pass.
    pub failed: usize,
    /// The earliest deadline or response time still ahead.
    pub next_due: Option<DateTime<Utc>>,
}

pub struct OverdueWatcher {
    app: CasesApp,
    wake: Arc<Notify>,
    rescan_every: Duration,
}

/// One thing the system may have to flag.
enum Due {
    Stage(CaseStage),
    Summons(String),
}

fn parse(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .ok()
        .map(|time| time.with_timezone(&Utc))
}

impl OverdueWatcher {
    /// `wake` is [`crate::projections::CasesProjection::wake`] of the
    /// projection `app` reads; the clock is the app's.
    pub fn new(app: CasesApp, wake: Arc<Notify>) -> Self {
        Self {
            app,
            wake,
            rescan_every: DEFAULT_RESCAN_EVERY,
        }
    }

    pub fn with_rescan_every(mut self, every: Duration) -> Self {
        self.rescan_every = every;
        self
    }

    /// Flags everything due by the app's clock now.
    pub async fn tick(&self) -> Result<TickReport, OverdueError> {
        // The projection's wake may precede its commit, and after a restart
        // the read model may still be catching up: read deadlines only once
        // it holds everything stored so far, or a due flag waits for the
        // next rescan.
        let head = self
            .app
            .store
            .head_position()
            .await
            .map_err(ProjectionError::from)?;
        self.app.cases.wait_for(head, self.app.max_wait).await?;
        let now = self.app.clock().now();
        let mut report = TickReport::default();
        let mut pending = Vec::new();
        for due in due_deadlines(self.app.read_model()).await? {
            pending.push((
                due.case_id,
                due.district,
                due.deadline,
                Due::Stage(due.stage),
            ));
        }
        for due in due_summons(self.app.read_model()).await? {
            pending.push((
                due.case_id,
                due.district,
                due.respond_by,
                Due::Summons(due.unit_id),
            ));
        }
        for (case_id, district, at, due) in pending {
            let Some(at) = parse(&at) else { continue };
            if at >= now {
                report.next_due = Some(report.next_due.map_or(at, |next| next.min(at)));
                continue;
            }
            match self.flag(&case_id, &district, at, due).await {
                Ok(true) => report.flagged += 1,
                Ok(false) => {}
                Err(error) => {
                    report.failed += 1;
                    tracing::warn!(case_id, %error, "flagging a passed deadline failed; retried on the next pass");
                }
            }
        }
        Ok(report)
    }

    /// Watches until `shutdown` is cancelled.
    pub async fn run(self, shutdown: CancellationToken) {
        loop {
            let next_due = match self.tick().await {
                Ok(report) => report.next_due,
                Err(error) => {
                    tracing::warn!(%error, "overdue watcher pass failed; retrying");
                    None
                }
            };
            let mut sleep_for = self.rescan_every;
            if let Some(next) = next_due {
                let until_next = (next - self.app.clock().now())
                    .to_std()
                    .unwrap_or(Duration::ZERO);
                // Past the deadline itself, so the decider sees it passed.
                sleep_for = sleep_for.min(until_next + Duration::from_millis(10));
            }
            let deadline = tokio::time::Instant::now() + sleep_for;
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = self.wake.notified() => {}
                () = tokio::time::sleep_until(deadline) => {}
            }
        }
    }

    /// Whether a new flag was written.
    async fn flag(
        &self,
        case_id: &str,
        district: &str,
        at: DateTime<Utc>,
        due: Due,
    ) -> Result<bool, FlagError> {
        let case = Uuid::parse_str(case_id).map_err(|_| FlagError::BadRow)?;
        let district = DistrictCode::parse(district).map_err(|_| FlagError::BadRow)?;
        let (request_id, change) = match due {
            Due::Stage(stage) => (
                format!("overdue-{case}-{}-{}", stage as i32, at.timestamp()),
                CaseChange::FlagOverdue { stage },
            ),
            Due::Summons(unit_id) => (
                format!(
                    "late-{case}-{}",
                    Uuid::new_v5(&Uuid::NAMESPACE_OID, unit_id.as_bytes())
                ),
                CaseChange::FlagLateSummons { unit_id },
            ),
        };
        let system = Caller {
            subject: SYSTEM_ACTOR.to_owned(),
            roles: Vec::new(),
            districts: Vec::new(),
        };
        let context = CommandContext::new(system, &request_id)?;
        let receipt = self.app.change(&context, &district, case, change).await?;
        Ok(!receipt.replayed)
    }
}

#[derive(Debug, thiserror::Error)]
enum FlagError {
    #[error("read model row has a malformed case id or district")]
    BadRow,
    #[error(transparent)]
    Context(#[from] ApiError),
    #[error(transparent)]
    App(#[from] CaseAppError),
}
